package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the gateway actively probes each backend of a pool: an immutable value built with {@link #builder()}.
 *
 * <pre>{@code
 * BackendPool.builder("tools")
 *     .healthCheck(HealthCheckPolicy.builder()
 *         .mode(HealthCheckPolicy.Mode.MCP_PING)      // initialize + ping, instead of GET /health
 *         .interval(Duration.ofSeconds(10))
 *         .build())
 * }</pre>
 *
 * <p>The first check of every backend runs when the gateway starts, and its result counts at once; after that a
 * backend turns unhealthy after {@link #unhealthyThreshold()} failed checks in a row and healthy again after
 * {@link #healthyThreshold()} passed checks in a row. Until its first check completes a backend counts as healthy.
 * Checks run on threads the gateway owns and stop on {@link Gateway#close()}.
 */
public final class HealthCheckPolicy {

    /** What a check does. */
    public enum Mode {
        /** {@code GET} the backend's {@link Backend#healthCheckPath()} on the origin of its URL; any 2xx is up. */
        HTTP,
        /**
         * An MCP conversation on the backend's endpoint: {@code initialize}, {@code notifications/initialized},
         * {@code ping}, then {@code DELETE} of the session. A JSON-RPC error (even on HTTP 200) is a failure.
         */
        MCP_PING,
        /** As {@link #MCP_PING}, but {@code tools/list} instead of {@code ping}: the backend must list its tools. */
        MCP_TOOLS_LIST
    }

    /** Default for {@link Builder#interval(Duration)}, the seed's {@code HealthCheckInterval}: 30 seconds. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
    /** Default for {@link Builder#timeout(Duration)}: 5 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Default for {@link Builder#jitter(double)}: {@value}. */
    public static final double DEFAULT_JITTER = 0.1;
    /** Default for {@link Builder#unhealthyThreshold(int)}: {@value}. */
    public static final int DEFAULT_UNHEALTHY_THRESHOLD = 3;
    /** Default for {@link Builder#healthyThreshold(int)}: {@value}. */
    public static final int DEFAULT_HEALTHY_THRESHOLD = 2;

    private static final HealthCheckPolicy DEFAULTS = builder().build();
    private static final HealthCheckPolicy DISABLED = builder().enabled(false).build();

    private final boolean enabled;
    private final Mode mode;
    private final Duration interval;
    private final Duration timeout;
    private final double jitter;
    private final int unhealthyThreshold;
    private final int healthyThreshold;

    private HealthCheckPolicy(Builder b) {
        this.enabled = b.enabled;
        this.mode = b.mode;
        this.interval = b.interval;
        this.timeout = b.timeout;
        this.jitter = b.jitter;
        this.unhealthyThreshold = b.unhealthyThreshold;
        this.healthyThreshold = b.healthyThreshold;
    }

    /**
     * HTTP checks of {@code /health} every 30 s with the defaults above (the seed's behaviour).
     *
     * @return the default policy
     */
    public static HealthCheckPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * No active checks: backends are judged by their answers only (circuit breaker, outlier ejection).
     *
     * @return the policy of no active checks
     */
    public static HealthCheckPolicy disabled() {
        return DISABLED;
    }

    /**
     * Starts a builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return whether active checks run at all} */
    public boolean enabled() {
        return enabled;
    }

    /** {@return what a check does (default {@link Mode#HTTP})} */
    public Mode mode() {
        return mode;
    }

    /**
     * Time between two checks of one backend, before jitter (default 30 s).
     *
     * @return the interval
     */
    public Duration interval() {
        return interval;
    }

    /**
     * Longest a check may take before it counts as failed (default 5 s).
     *
     * @return the timeout
     */
    public Duration timeout() {
        return timeout;
    }

    /**
     * Each interval is stretched or shrunk at random by up to this fraction, so checks do not align (default 0.1).
     *
     * @return the jitter, 0 to 1
     */
    public double jitter() {
        return jitter;
    }

    /**
     * Failed checks in a row that turn a healthy backend unhealthy (default {@value #DEFAULT_UNHEALTHY_THRESHOLD}).
     *
     * @return the number of failed checks
     */
    public int unhealthyThreshold() {
        return unhealthyThreshold;
    }

    /**
     * Passed checks in a row that turn an unhealthy backend healthy (default {@value #DEFAULT_HEALTHY_THRESHOLD}).
     *
     * @return the number of passed checks
     */
    public int healthyThreshold() {
        return healthyThreshold;
    }

    @Override
    public String toString() {
        return enabled
                ? "HealthCheckPolicy{" + mode + " every " + interval + " ±" + jitter + ", timeout " + timeout
                        + ", unhealthy after " + unhealthyThreshold + ", healthy after " + healthyThreshold + "}"
                : "HealthCheckPolicy{disabled}";
    }

    /** Builds a {@link HealthCheckPolicy}; setters validate their argument. */
    public static final class Builder {
        private boolean enabled = true;
        private Mode mode = Mode.HTTP;
        private Duration interval = DEFAULT_INTERVAL;
        private Duration timeout = DEFAULT_TIMEOUT;
        private double jitter = DEFAULT_JITTER;
        private int unhealthyThreshold = DEFAULT_UNHEALTHY_THRESHOLD;
        private int healthyThreshold = DEFAULT_HEALTHY_THRESHOLD;

        private Builder() {}

        /**
         * Whether checks run (default true).
         *
         * @param enabled whether backends are checked
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * What a check does (default {@link Mode#HTTP}).
         *
         * @param mode how a backend is checked
         * @return this builder
         */
        public Builder mode(Mode mode) {
            this.mode = requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Time between checks, 100 ms to 1 day (default 30 s).
         *
         * @param interval the time between two checks of a backend
         * @return this builder
         */
        public Builder interval(Duration interval) {
            this.interval = Durations.between(interval, "interval", Duration.ofMillis(100), Duration.ofDays(1));
            return this;
        }

        /**
         * Longest a check may take, 10 ms to 10 min (default 5 s).
         *
         * @param timeout the longest a check may take
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = Durations.between(timeout, "timeout", Duration.ofMillis(10), Duration.ofMinutes(10));
            return this;
        }

        /**
         * Random stretch of each interval, 0 to 0.5 (default 0.1).
         *
         * @param jitter the share of the interval added or taken at random, 0 to 1
         * @return this builder
         */
        public Builder jitter(double jitter) {
            if (!(jitter >= 0 && jitter <= 0.5)) {
                throw new IllegalArgumentException("jitter must be between 0 and 0.5, was: " + jitter);
            }
            this.jitter = jitter;
            return this;
        }

        /**
         * Failed checks in a row before a backend is unhealthy, 1 to 100 (default 3).
         *
         * @param checks failed checks in a row, at least 1
         * @return this builder
         */
        public Builder unhealthyThreshold(int checks) {
            this.unhealthyThreshold = Durations.count(checks, "unhealthyThreshold", 1, 100);
            return this;
        }

        /**
         * Passed checks in a row before a backend is healthy again, 1 to 100 (default 2).
         *
         * @param checks passed checks in a row, at least 1
         * @return this builder
         */
        public Builder healthyThreshold(int checks) {
            this.healthyThreshold = Durations.count(checks, "healthyThreshold", 1, 100);
            return this;
        }

        /**
         * Builds the immutable policy.
         *
         * @return the policy
         */
        public HealthCheckPolicy build() {
            return new HealthCheckPolicy(this);
        }
    }
}
