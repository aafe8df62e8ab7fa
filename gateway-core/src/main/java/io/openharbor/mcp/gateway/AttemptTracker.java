package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Handshake;
import okhttp3.Protocol;

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
    /** This attempt opened a new connection (a new one is never stale). */
    private volatile boolean connected;
    /** The pooled connection handed to this attempt had been closed by its backend; nothing was sent. */
    volatile boolean staleConnection;
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
    public void connectStart(Call call, InetSocketAddress inetSocketAddress, Proxy proxy) {
        connected = true;
    }

    /**
     * A pooled HTTP/1.1 connection is checked before the request is written to it: if its backend has already closed
     * it, it is closed here and the attempt fails as {@link #staleConnection}, provably before any byte was sent.
     */
    @Override
    public void connectionAcquired(Call call, Connection connection) {
        CertificateWatch w = certificates;
        if (w != null) {
            w.connectionAcquired(call, connection);
        }
        if (!connected && connection.protocol() == Protocol.HTTP_1_1 && ChannelSockets.peerClosed(connection.socket())) {
            staleConnection = true;
            try {
                connection.socket().close();
            } catch (IOException ignored) {
                // closing a dead connection
            }
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
