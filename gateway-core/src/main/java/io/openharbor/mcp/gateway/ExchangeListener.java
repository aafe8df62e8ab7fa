package io.openharbor.mcp.gateway;

/**
 * Events of one exchange (one HTTP request to the gateway: a JSON-RPC message, a GET stream, a DELETE), in the style
 * of OkHttp's {@code EventListener}: the gateway asks the {@link Factory} for a listener when the request arrives, and
 * tells that listener about each upstream attempt and the end. Metrics, traces and access logs are built on it
 * ({@code gateway-micrometer}, {@code gateway-opentelemetry}, {@link Gateway.Builder#accessLog(boolean)}).
 *
 * <p>Free when nobody listens: without a factory the gateway builds no {@link McpCall} or {@link Outcome} and scans no
 * answer. With one, each answer of a backend is scanned once for its JSON-RPC error code and its {@code isError}.
 *
 * <p>Callbacks must be cheap, must not block, and must not throw (a throwing callback is logged and ignored). They run
 * on the request's thread, except the attempts of a federation's fan-out ({@code initialize}, a list read whole, a
 * notification sent to every server), which run on gateway threads, one per server, possibly at the same time. No
 * callback runs under a lock of the gateway's.
 *
 * <pre>{@code
 * Gateway.builder().exchangeListener(request -> new ExchangeListener() {
 *   @Override public void exchangeEnd(McpCall call, Outcome outcome) {
 *     System.out.println(call.method() + " " + outcome.errorType() + " " + outcome.duration());
 *   }
 * });
 * }</pre>
 */
public interface ExchangeListener {

    /** A listener that does nothing; a factory may return it for exchanges it does not want. */
    ExchangeListener NONE = new ExchangeListener() {};

    /** Makes the listener of each exchange. */
    @FunctionalInterface
    interface Factory {
        /**
         * Invoked when a request arrives, before any check, on its thread (the place to capture the thread's tracing
         * context). The request's JSON-RPC fields are not known yet.
         *
         * @param request the request, a live view
         * @return its listener, or {@link ExchangeListener#NONE}
         */
        ExchangeListener create(GatewayRequest request);
    }

    /** Headers an attempt carries upstream in addition to the client's (trace context). */
    @FunctionalInterface
    interface UpstreamHeaders {
        /**
         * Sets a header on the attempt, replacing the client's of that name. Setting {@code traceparent} also
         * overwrites the message's {@code params._meta.traceparent} in place when it has one of the same length, so
         * that both name the same parent.
         *
         * @param name the header name
         * @param value its value, without line breaks
         */
        void set(String name, String value);
    }

    /**
     * Invoked before an attempt is sent to a backend.
     *
     * @param call the exchange as known now
     * @param attempt the attempt
     * @param headers where to add headers to this attempt (only during this call)
     */
    default void attemptStart(McpCall call, UpstreamAttempt attempt, UpstreamHeaders headers) {}

    /**
     * Invoked when an attempt is over: its answer has been relayed (the whole body, a stream to its end), or it failed.
     *
     * @param call the exchange as known now
     * @param attempt the attempt
     * @param outcome how it ended ({@link Outcome#attempts()} is 1)
     */
    default void attemptEnd(McpCall call, UpstreamAttempt attempt, Outcome outcome) {}

    /**
     * Invoked once, when the gateway has finished with the exchange, whatever the outcome.
     *
     * @param call the exchange
     * @param outcome how it ended
     */
    default void exchangeEnd(McpCall call, Outcome outcome) {}
}
