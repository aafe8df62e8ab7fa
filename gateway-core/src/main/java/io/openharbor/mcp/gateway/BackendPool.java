package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A named set of interchangeable {@link Backend} replicas of one MCP server, and the {@link LoadBalancer} that spreads
 * new work over them. Immutable; built with {@link #builder(String)}.
 *
 * <pre>{@code
 * BackendPool pool = BackendPool.builder("search")
 *     .backend(Backend.of("search-1", "http://10.0.0.5:8080/mcp"))
 *     .backend(Backend.of("search-2", "http://10.0.0.6:8080/mcp"))
 *     .loadBalancer(LoadBalancer.roundRobin())
 *     .build();
 * }</pre>
 */
public final class BackendPool {

    private final String name;
    private final List<Backend> backends;
    private final LoadBalancer loadBalancer;

    private BackendPool(Builder b) {
        this.name = b.name;
        this.backends = List.copyOf(b.backends);
        this.loadBalancer = b.loadBalancer;
    }

    /**
     * Starts a pool. The name appears in logs and health reports and is sealed into session tokens.
     *
     * @throws IllegalArgumentException if the name is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The pool's name. */
    public String name() {
        return name;
    }

    /** The backends, in configuration order (read-only). */
    public List<Backend> backends() {
        return backends;
    }

    /** The balancer for requests without a session. */
    public LoadBalancer loadBalancer() {
        return loadBalancer;
    }

    /** The backend with that name, or {@code null}. */
    public Backend backend(String backendName) {
        for (Backend b : backends) {
            if (b.name().equals(backendName)) {
                return b;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "BackendPool{" + name + " " + backends + "}";
    }

    /** Builds a {@link BackendPool}. */
    public static final class Builder {
        private final String name;
        private final List<Backend> backends = new ArrayList<>();
        private final Set<String> names = new HashSet<>();
        private LoadBalancer loadBalancer = LoadBalancer.roundRobin();

        private Builder(String name) {
            requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("pool name must not be blank");
            }
            this.name = name;
        }

        /**
         * Adds a backend.
         *
         * @throws IllegalArgumentException if the pool already has a backend of that name
         */
        public Builder backend(Backend backend) {
            requireNonNull(backend, "backend");
            if (!names.add(backend.name())) {
                throw new IllegalArgumentException(
                        "pool '" + name + "' already has a backend named '" + backend.name() + "'");
            }
            backends.add(backend);
            return this;
        }

        /** Adds several backends. */
        public Builder backends(Iterable<Backend> backends) {
            for (Backend b : requireNonNull(backends, "backends")) {
                backend(b);
            }
            return this;
        }

        /** The strategy for requests without a session (default {@link LoadBalancer#roundRobin()}). */
        public Builder loadBalancer(LoadBalancer loadBalancer) {
            this.loadBalancer = requireNonNull(loadBalancer, "loadBalancer");
            return this;
        }

        /**
         * Builds the pool.
         *
         * @throws IllegalStateException if no backend was added
         */
        public BackendPool build() {
            if (backends.isEmpty()) {
                throw new IllegalStateException("pool '" + name + "' needs at least one backend");
            }
            return new BackendPool(this);
        }
    }
}
