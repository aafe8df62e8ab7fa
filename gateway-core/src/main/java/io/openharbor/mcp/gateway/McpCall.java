package io.openharbor.mcp.gateway;

import org.jspecify.annotations.Nullable;

/**
 * What the gateway knows about one exchange, as {@link ExchangeListener}s see it. Immutable: each event gets the view
 * as known at that moment (the session of an {@code initialize} is known at its end, the backend once one answered).
 *
 * <p>Nothing here is secret: the session appears only as a hash, and neither arguments nor results are kept. What is
 * of unbounded variety (the target, a request id, a protocol version a client made up) is marked so that metrics can
 * bound it: {@link #targetListed()} tells whether a backend listed the name.
 */
public final class McpCall {
    private final String httpMethod;
    private final @Nullable String method;
    private final @Nullable String target;
    private final boolean targetListed;
    private final @Nullable String requestId;
    private final @Nullable String protocolVersion;
    private final @Nullable String sessionHash;
    private final @Nullable String server;
    private final @Nullable Backend backend;
    private final @Nullable String traceparent;
    private final @Nullable String tracestate;

    McpCall(
            String httpMethod,
            @Nullable String method,
            @Nullable String target,
            boolean targetListed,
            @Nullable String requestId,
            @Nullable String protocolVersion,
            @Nullable String sessionHash,
            @Nullable String server,
            @Nullable Backend backend,
            @Nullable String traceparent,
            @Nullable String tracestate) {
        this.httpMethod = httpMethod;
        this.method = method;
        this.target = target;
        this.targetListed = targetListed;
        this.requestId = requestId;
        this.protocolVersion = protocolVersion;
        this.sessionHash = sessionHash;
        this.server = server;
        this.backend = backend;
        this.traceparent = traceparent;
        this.tracestate = tracestate;
    }

    /** {@return the HTTP method: {@code POST}, {@code GET}, {@code DELETE}, or another the gateway refused} */
    public String httpMethod() {
        return httpMethod;
    }

    /**
     * The JSON-RPC method of a single message ({@code tools/call}, {@code initialize}, ...); null for a GET, a DELETE,
     * a JSON-RPC response, a batch, or a POST refused before its body was read.
     *
     * @return the method, or null
     */
    public @Nullable String method() {
        return method;
    }

    /**
     * The name the message is about: {@code params.name} of a {@code tools/call} or a {@code prompts/get}, as the
     * client sent it (in a federation, the prefixed name); null for other methods.
     *
     * @return the tool or prompt name, or null
     */
    public @Nullable String target() {
        return target;
    }

    /**
     * Whether a backend listed the {@link #target()}: in a federation, whether the name is in the view; with one pool,
     * whether it appeared in a {@code tools/list} or {@code prompts/list} answer that passed through this gateway. A
     * metric should not use an unlisted name as a tag value (a client may send any number of them).
     *
     * @return whether the target is a listed name
     */
    public boolean targetListed() {
        return targetListed;
    }

    /** {@return the JSON-RPC id as raw JSON ({@code 7}, {@code "abc"}), or null for a notification or no message} */
    public @Nullable String requestId() {
        return requestId;
    }

    /**
     * The protocol revision the client named in its {@code MCP-Protocol-Version} header, as sent; null without one
     * (an {@code initialize}, or a 2025-03-26 client).
     *
     * @return the revision, or null
     */
    public @Nullable String protocolVersion() {
        return protocolVersion;
    }

    /**
     * A hash of the client's session token (16 hex digits of its SHA-256), or of the one an {@code initialize} opened;
     * null without a session. It correlates the exchanges of one session without revealing the token.
     *
     * @return the hash, or null
     */
    public @Nullable String sessionHash() {
        return sessionHash;
    }

    /**
     * The pool's name, or in a federation the id of the server the message was routed to; null for a federated message
     * no single server answers ({@code initialize}, a list, a notification for every server) and before routing.
     *
     * @return the server, or null
     */
    public @Nullable String server() {
        return server;
    }

    /** {@return the backend whose answer was relayed, or null (none yet, or the gateway answered)} */
    public @Nullable Backend backend() {
        return backend;
    }

    /** {@return the message's {@code params._meta.traceparent}, or null} */
    public @Nullable String traceparent() {
        return traceparent;
    }

    /** {@return the message's {@code params._meta.tracestate}, or null} */
    public @Nullable String tracestate() {
        return tracestate;
    }

    /**
     * {@link #method()} for a metric attribute: a method of the MCP specification as it is, any other
     * {@code _OTHER}; null without one.
     *
     * @return the bounded method, or null
     */
    public @Nullable String metricMethod() {
        return MetricValues.method(method);
    }

    /**
     * {@link #target()} for a metric attribute: the name when a backend listed it ({@link #targetListed()}), else
     * {@code _OTHER}; null without one.
     *
     * @return the bounded target, or null
     */
    public @Nullable String metricTarget() {
        return MetricValues.target(target, targetListed);
    }

    /**
     * {@link #protocolVersion()} for a metric attribute: a published revision as it is, any other {@code _OTHER};
     * null without one.
     *
     * @return the bounded revision, or null
     */
    public @Nullable String metricProtocolVersion() {
        return MetricValues.revision(protocolVersion);
    }

    @Override
    public String toString() {
        return "McpCall{" + httpMethod + (method == null ? "" : " " + method) + (target == null ? "" : " " + target)
                + (server == null ? "" : ", server=" + server) + "}";
    }
}
