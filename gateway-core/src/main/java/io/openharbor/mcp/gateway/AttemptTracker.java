package io.openharbor.mcp.gateway;

import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Handshake;

/**
 * Watches one attempt to a backend, to answer the question retries depend on: could any byte of the request have
 * reached the backend? Before {@code requestHeadersStart} nothing was written to the socket, so another backend may
 * take the request whatever its method.
 */
final class AttemptTracker extends EventListener {
    volatile boolean requestSent;
    volatile boolean responseStarted;
    /** Between the start and the end of a TLS handshake: a failure then is the handshake's. */
    volatile boolean inHandshake;
    /** The backend's certificate watch (https backends), set when the call is created. */
    CertificateWatch certificates;

    static final EventListener.Factory FACTORY = call -> {
        AttemptTracker t = call.request().tag(AttemptTracker.class);
        return t != null ? t : EventListener.NONE;
    };

    /** The factory of an https backend's client: also tells its certificate watch about every handshake. */
    static EventListener.Factory factory(CertificateWatch watch) {
        return call -> {
            AttemptTracker t = call.request().tag(AttemptTracker.class);
            if (t == null) {
                return watch;
            }
            t.certificates = watch;
            return t;
        };
    }

    @Override
    public void secureConnectStart(Call call) {
        inHandshake = true;
    }

    @Override
    public void secureConnectEnd(Call call, Handshake handshake) {
        inHandshake = false;
        CertificateWatch w = certificates;
        if (w != null) {
            w.secureConnectEnd(call, handshake);
        }
    }

    @Override
    public void connectionAcquired(Call call, Connection connection) {
        CertificateWatch w = certificates;
        if (w != null) {
            w.connectionAcquired(call, connection);
        }
    }

    @Override
    public void requestHeadersStart(Call call) {
        requestSent = true;
    }

    @Override
    public void responseHeadersStart(Call call) {
        responseStarted = true;
    }
}
