package io.openharbor.mcp.gateway;

import java.time.Duration;

/**
 * Callbacks on the life of each request, in the style of OkHttp's {@code EventListener}: extend it and override what
 * you need; every method is a no-op by default. Metrics (Micrometer), tracing and audit logs hook in here.
 *
 * <p>Callbacks run on the request's own thread, on the hot path: they must be cheap and must not block. They must not
 * throw; if one does, the gateway logs it and carries on, and the request is not affected.
 *
 * <pre>{@code
 * Gateway.builder().listener(new GatewayListener() {
 *   @Override public void requestEnd(GatewayRequest r, int status, Duration elapsed, Throwable failure) {
 *     metrics.timer("mcp.requests", "method", String.valueOf(r.rpcMethod())).record(elapsed);
 *   }
 * });
 * }</pre>
 */
public abstract class GatewayListener {

    /** A listener that does nothing. */
    public static final GatewayListener NONE = new GatewayListener() {};

    /** Invoked when the gateway starts serving a request, before any check. */
    public void requestStart(GatewayRequest request) {}

    /**
     * Invoked when a backend has been chosen for an attempt.
     *
     * @param attempt 1 for the first attempt, 2 and more for failovers
     */
    public void backendSelected(GatewayRequest request, Backend backend, int attempt) {}

    /**
     * Invoked once when the gateway has finished with a request, whatever the outcome.
     *
     * @param status the HTTP status sent to the client (0 if none could be sent)
     * @param elapsed time from {@link #requestStart} to the end of the response body
     * @param failure why the exchange ended abnormally (client gone, backend failure), or {@code null}
     */
    public void requestEnd(GatewayRequest request, int status, Duration elapsed, Throwable failure) {}
}
