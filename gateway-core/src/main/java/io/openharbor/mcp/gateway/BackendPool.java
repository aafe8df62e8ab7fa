package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A named set of interchangeable {@link Backend} replicas of one MCP server, and the {@link LoadBalancer} that spreads
 * new work over them. Immutable; built with {@link #builder(String)}.
 *
 * <pre>{@code
 * BackendPool pool = BackendPool.builder("search")
 *     .backend(Backend.of("search-1", "http://10.0.0.5:8080/mcp"))
 *     .backend(Backend.of("search-2", "http://10.0.0.6:8080/mcp"))
 *     .loadBalancer(LoadBalancer.peakEwma())              // the default
 *     .healthCheck(HealthCheckPolicy.defaults())          // GET /health every 30 s
 *     .circuitBreaker(CircuitBreakerPolicy.defaults())    // 5 failures open, 2 successes close, 60 s open
 *     .build();
 * }</pre>
 *
 * <p>A request without a session goes to a backend the balancer picks among the <em>available</em> ones: healthy by
 * the active checks, not ejected by outlier detection, breaker admitting traffic, not draining. When fewer than
 * {@link #panicThresholdPercent()} of the backends are available the pool is in <em>panic</em>: it spreads requests over
 * all of them (a sick pool serving some requests beats a pool that refuses all), or refuses them fast if
 * {@link Builder#failFastInPanic(boolean)} is set. A backend that joins or comes back ramps its share up over
 * {@link #slowStart()}.
 */
public final class BackendPool {

    private final String name;
    private final List<Backend> backends;
    private final LoadBalancer loadBalancer;
    private final HealthCheckPolicy healthCheck;
    private final CircuitBreakerPolicy circuitBreaker;
    private final OutlierDetection outlierDetection;
    private final Duration slowStart;
    private final int panicThresholdPercent;
    private final boolean failFastInPanic;

    /** Default for {@link Builder#slowStart(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_SLOW_START = Duration.ofSeconds(30);
    /** Default for {@link Builder#panicThresholdPercent(int)}: {@value}. */
    public static final int DEFAULT_PANIC_THRESHOLD_PERCENT = 50;

    private BackendPool(BackendPool base, List<Backend> backends) {
        this.name = base.name;
        this.backends = List.copyOf(backends);
        this.loadBalancer = base.loadBalancer;
        this.healthCheck = base.healthCheck;
        this.circuitBreaker = base.circuitBreaker;
        this.outlierDetection = base.outlierDetection;
        this.slowStart = base.slowStart;
        this.panicThresholdPercent = base.panicThresholdPercent;
        this.failFastInPanic = base.failFastInPanic;
    }

    /** This pool with other members (a backend added, drained or removed at run time); may be empty. */
    BackendPool withBackends(List<Backend> members) {
        return new BackendPool(this, members);
    }

    private BackendPool(Builder b) {
        this.name = b.name;
        this.backends = List.copyOf(b.backends);
        this.loadBalancer = b.loadBalancer != null ? b.loadBalancer : LoadBalancer.peakEwma();
        this.healthCheck = b.healthCheck;
        this.circuitBreaker = b.circuitBreaker;
        this.outlierDetection = b.outlierDetection;
        this.slowStart = b.slowStart;
        this.panicThresholdPercent = b.panicThresholdPercent;
        this.failFastInPanic = b.failFastInPanic;
    }

    /**
     * Starts a pool. The name appears in logs and health reports and is sealed into session tokens.
     *
     * @param name the pool's name, not blank
     * @return a new builder
     * @throws IllegalArgumentException if the name is blank
     */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** {@return the pool's name} */
    public String name() {
        return name;
    }

    /** {@return the backends, in configuration order (read-only)} */
    public List<Backend> backends() {
        return backends;
    }

    /** {@return the balancer for requests without a session} */
    public LoadBalancer loadBalancer() {
        return loadBalancer;
    }

    /**
     * Active health checks of this pool's backends.
     *
     * @return the health-check policy
     */
    public HealthCheckPolicy healthCheck() {
        return healthCheck;
    }

    /** {@return the circuit breaker each backend gets} */
    public CircuitBreakerPolicy circuitBreaker() {
        return circuitBreaker;
    }

    /**
     * Passive outlier ejection.
     *
     * @return the outlier-detection settings
     */
    public OutlierDetection outlierDetection() {
        return outlierDetection;
    }

    /**
     * {@return the window over which a joining or recovered backend ramps up to its full weight ({@link Duration#ZERO}:
     * none)}
     */
    public Duration slowStart() {
        return slowStart;
    }

    /**
     * Below this share of available backends, in percent, the pool is in panic (default 50).
     *
     * @return the threshold, 0 to 100
     */
    public int panicThresholdPercent() {
        return panicThresholdPercent;
    }

    /**
     * {@return whether a pool in panic refuses requests (503) instead of spreading them over all backends (default
     * false)}
     */
    public boolean failFastInPanic() {
        return failFastInPanic;
    }

    /**
     * {@return the backend with that name, or {@code null}}
     *
     * @param backendName a backend's name
     */
    public @Nullable Backend backend(String backendName) {
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
        private @Nullable LoadBalancer loadBalancer;
        private HealthCheckPolicy healthCheck = HealthCheckPolicy.defaults();
        private CircuitBreakerPolicy circuitBreaker = CircuitBreakerPolicy.defaults();
        private OutlierDetection outlierDetection = OutlierDetection.defaults();
        private Duration slowStart = DEFAULT_SLOW_START;
        private int panicThresholdPercent = DEFAULT_PANIC_THRESHOLD_PERCENT;
        private boolean failFastInPanic;

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
         * @param backend a backend whose name and URL are new to the pool
         * @return this builder
         * @throws IllegalArgumentException if the pool already has a backend of that name, or of that URL (one
         *     replica listed twice would take twice its share and count twice towards health)
         */
        public Builder backend(Backend backend) {
            requireNonNull(backend, "backend");
            if (!names.add(backend.name())) {
                throw new IllegalArgumentException(
                        "pool '" + name + "' already has a backend named '" + backend.name() + "'");
            }
            for (Backend other : backends) {
                if (other.url().normalize().equals(backend.url().normalize())) {
                    names.remove(backend.name());
                    throw new IllegalArgumentException("pool '" + name + "': backends '" + other.name() + "' and '"
                            + backend.name() + "' have the same URL " + backend.url());
                }
            }
            backends.add(backend);
            return this;
        }

        /**
         * Adds several backends.
         *
         * @param backends backends whose names and URLs are new to the pool
         * @return this builder
         */
        public Builder backends(Iterable<Backend> backends) {
            for (Backend b : requireNonNull(backends, "backends")) {
                backend(b);
            }
            return this;
        }

        /**
         * The strategy for requests without a session (default {@link LoadBalancer#peakEwma()}).
         *
         * @param loadBalancer the strategy
         * @return this builder
         */
        public Builder loadBalancer(LoadBalancer loadBalancer) {
            this.loadBalancer = requireNonNull(loadBalancer, "loadBalancer");
            return this;
        }

        /**
         * Active health checks (default {@link HealthCheckPolicy#defaults()}: GET /health every 30 s).
         *
         * @param policy the health-check policy
         * @return this builder
         */
        public Builder healthCheck(HealthCheckPolicy policy) {
            this.healthCheck = requireNonNull(policy, "healthCheck");
            return this;
        }

        /**
         * The breaker each backend gets (default {@link CircuitBreakerPolicy#defaults()}).
         *
         * @param policy the breaker settings
         * @return this builder
         */
        public Builder circuitBreaker(CircuitBreakerPolicy policy) {
            this.circuitBreaker = requireNonNull(policy, "circuitBreaker");
            return this;
        }

        /**
         * Passive outlier ejection (default {@link OutlierDetection#defaults()}).
         *
         * @param detection the outlier-detection settings
         * @return this builder
         */
        public Builder outlierDetection(OutlierDetection detection) {
            this.outlierDetection = requireNonNull(detection, "outlierDetection");
            return this;
        }

        /**
         * Ramp-up window for a backend that joins the pool or comes back (healthy again, restored after ejection,
         * breaker closed): its weight grows linearly from 10 % to 100 % over the window. 0 to 1 hour (default 30 s;
         * {@link Duration#ZERO} turns it off).
         *
         * @param window the ramp-up window, 0 to 1 hour
         * @return this builder
         */
        public Builder slowStart(Duration window) {
            this.slowStart = Durations.between(window, "slowStart", Duration.ZERO, Duration.ofHours(1));
            return this;
        }

        /**
         * Share of available backends, in percent, under which the pool is in panic, 0 to 100 (default 50).
         *
         * @param percent the threshold, 0 to 100
         * @return this builder
         */
        public Builder panicThresholdPercent(int percent) {
            this.panicThresholdPercent = Durations.count(percent, "panicThresholdPercent", 0, 100);
            return this;
        }

        /**
         * In panic, answer 503 at once instead of spreading over all backends (default false).
         *
         * @param failFast whether to answer 503 in panic
         * @return this builder
         */
        public Builder failFastInPanic(boolean failFast) {
            this.failFastInPanic = failFast;
            return this;
        }

        /**
         * Builds the pool.
         *
         * @return the pool
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
