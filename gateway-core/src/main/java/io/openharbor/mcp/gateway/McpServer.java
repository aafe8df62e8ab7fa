package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One MCP server of a federation: a prefix, the pool of its replicas (with its own {@link LoadBalancer}, health
 * checks, breaker and TLS), whether the federation needs it, and which of its names it exposes.
 *
 * <p>A federated gateway ({@link Gateway.Builder#server(McpServer)}, two or more) exposes every tool and prompt of a
 * server as {@code prefix + separator + name} and every resource as {@code prefix+uri}, always, so that an exposed
 * name never changes when another server joins or leaves. Requests are routed by the exposed name to the server, and
 * within it by its pool's balancer to a replica.
 *
 * <pre>{@code
 * McpServer search = McpServer.builder("docs", BackendPool.builder("docs-search")
 *         .backend(Backend.of("docs-1", "http://10.0.0.7:8080/mcp"))
 *         .build())
 *     .required(true)
 *     .exclude("debug_*")
 *     .build();
 * }</pre>
 */
public final class McpServer {
    private final String prefix;
    private final BackendPool pool;
    private final boolean required;
    private final List<String> include;
    private final List<String> exclude;

    private McpServer(Builder b) {
        this.prefix = b.prefix;
        this.pool = b.pool;
        this.required = b.required;
        this.include = List.copyOf(b.include);
        this.exclude = List.copyOf(b.exclude);
    }

    /**
     * Starts a builder.
     *
     * @param prefix what the server's exposed names start with: 1 to 16 lowercase letters and digits, unique in the
     *     federation and fixed for the life of the deployment (clients, prompts and policies are written against the
     *     names it makes)
     * @param pool the server's replicas; its name is the server's {@link #id()}
     * @return a new builder
     * @throws IllegalArgumentException if the prefix is not 1 to 16 lowercase letters and digits
     */
    public static Builder builder(String prefix, BackendPool pool) {
        return new Builder(prefix, pool);
    }

    /** {@return the server's id: the name of its pool} */
    public String id() {
        return pool.name();
    }

    /** {@return the prefix of the server's exposed names} */
    public String prefix() {
        return prefix;
    }

    /** {@return the server's replicas} */
    public BackendPool pool() {
        return pool;
    }

    /**
     * {@return whether the federation needs this server}: a required server that fails fails the client's initialize
     * and every list; an optional one is left out (with a log line) and its names are unknown until it is back
     */
    public boolean required() {
        return required;
    }

    /** {@return the patterns of the tool and prompt names exposed (empty: all)} */
    public List<String> include() {
        return include;
    }

    /** {@return the patterns of the tool and prompt names never exposed} */
    public List<String> exclude() {
        return exclude;
    }

    /**
     * Whether a tool or prompt of this server is exposed by its filters (resources are not filtered by name).
     *
     * @param name the name as the server knows it
     * @return true when no exclude pattern and, if there are include patterns, one of them matches
     */
    public boolean exposes(String name) {
        for (String p : exclude) {
            if (matches(p, name)) return false;
        }
        if (include.isEmpty()) {
            return true;
        }
        for (String p : include) {
            if (matches(p, name)) return true;
        }
        return false;
    }

    private static boolean matches(String pattern, String name) {
        return pattern.endsWith("*")
                ? name.startsWith(pattern.substring(0, pattern.length() - 1))
                : pattern.equals(name);
    }

    @Override
    public String toString() {
        return "McpServer{id=" + id() + ", prefix=" + prefix + ", required=" + required + "}";
    }

    /** Builds an {@link McpServer}. */
    public static final class Builder {
        private final String prefix;
        private final BackendPool pool;
        private boolean required;
        private final Set<String> include = new LinkedHashSet<>();
        private final Set<String> exclude = new LinkedHashSet<>();

        private Builder(String prefix, BackendPool pool) {
            this.pool = requireNonNull(pool, "pool");
            this.prefix = FederatedNames.checkPrefix(pool.name(), requireNonNull(prefix, "prefix"));
        }

        /**
         * Whether the federation needs this server (default false: optional).
         *
         * @param required true to fail initialize and lists when the server fails
         * @return this builder
         */
        public Builder required(boolean required) {
            this.required = required;
            return this;
        }

        /**
         * Exposes only the tools and prompts whose names match one of these patterns (a pattern ending in {@code *}
         * matches names starting with what precedes it; any other matches itself).
         *
         * @param patterns name patterns
         * @return this builder
         */
        public Builder include(String... patterns) {
            add(include, patterns);
            return this;
        }

        /**
         * Never exposes the tools and prompts whose names match one of these patterns (as for {@link #include}).
         * Exclusion wins over inclusion.
         *
         * @param patterns name patterns
         * @return this builder
         */
        public Builder exclude(String... patterns) {
            add(exclude, patterns);
            return this;
        }

        private static void add(Set<String> to, @Nullable String[] patterns) {
            for (String p : patterns) {
                if (p == null || p.isEmpty() || p.equals("*")) {
                    throw new IllegalArgumentException(
                            "a name pattern must be a name or a prefix followed by '*', was: "
                                    + (p == null ? "null" : "'" + p + "'"));
                }
                to.add(p);
            }
        }

        /**
         * Builds the server.
         *
         * @return the server
         */
        public McpServer build() {
            return new McpServer(this);
        }
    }
}
