package io.openharbor.mcp.gateway;

import okhttp3.Call;
import okhttp3.EventListener;

/**
 * Watches one attempt to a backend, to answer the question retries depend on: could any byte of the request have
 * reached the backend? Before {@code requestHeadersStart} nothing was written to the socket, so another backend may
 * take the request whatever its method.
 */
final class AttemptTracker extends EventListener {
    volatile boolean requestSent;
    volatile boolean responseStarted;

    static final EventListener.Factory FACTORY = call -> {
        AttemptTracker t = call.request().tag(AttemptTracker.class);
        return t != null ? t : EventListener.NONE;
    };

    @Override
    public void requestHeadersStart(Call call) {
        requestSent = true;
    }

    @Override
    public void responseHeadersStart(Call call) {
        responseStarted = true;
    }
}
