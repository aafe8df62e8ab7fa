package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One attempt to carry an exchange (or, in a federation, one server's part of it) to a backend. Immutable.
 *
 * @see ExchangeListener
 */
public final class UpstreamAttempt {
    private final int number;
    private final Backend backend;
    private final String server;
    private final @Nullable String method;
    private final @Nullable String target;
    private final boolean targetListed;

    UpstreamAttempt(
            int number,
            Backend backend,
            String server,
            @Nullable String method,
            @Nullable String target,
            boolean targetListed) {
        this.targetListed = targetListed;
        this.number = number;
        this.backend = requireNonNull(backend, "backend");
        this.server = requireNonNull(server, "server");
        this.method = method;
        this.target = target;
    }

    /** {@return 1 for the first attempt of a request, 2 and more for its failovers} */
    public int number() {
        return number;
    }

    /** {@return the backend the attempt goes to} */
    public Backend backend() {
        return backend;
    }

    /** {@return the pool's name, or in a federation the id of the server the attempt goes to} */
    public String server() {
        return server;
    }

    /**
     * The JSON-RPC method of the message sent: the client's, or in a federation's fan-out the gateway's own
     * ({@code tools/list} read whole, {@code initialize} to each server); null for a GET or DELETE.
     *
     * @return the method, or null
     */
    public @Nullable String method() {
        return method;
    }

    /**
     * The tool or prompt name the message sent carries ({@code params.name} of {@code tools/call} or
     * {@code prompts/get}): in a federation, the server's own name, without the prefix. Null for anything else.
     *
     * @return the name, or null
     */
    public @Nullable String target() {
        return target;
    }

    /** {@return {@link #method()} bounded as {@link McpCall#metricMethod()} bounds it} */
    public @Nullable String metricMethod() {
        return MetricValues.method(method);
    }

    /** {@return {@link #target()} bounded as {@link McpCall#metricTarget()} bounds it: {@code _OTHER} if unlisted} */
    public @Nullable String metricTarget() {
        return MetricValues.target(target, targetListed);
    }

    @Override
    public String toString() {
        return "UpstreamAttempt{" + number + ", " + server + "/" + backend.name() + ", " + method + "}";
    }
}
