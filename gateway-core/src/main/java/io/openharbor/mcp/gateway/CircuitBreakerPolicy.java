package io.openharbor.mcp.gateway;

import java.time.Duration;

/**
 * The circuit breaker each backend of a pool gets: an immutable value built with {@link #builder()}; the defaults are
 * the seed's ({@code FailureThreshold 5}, {@code SuccessThreshold 2}, {@code Timeout 00:01:00}).
 *
 * <p>A breaker opens after {@link #failureThreshold()} failures in a row (connection failures, timeouts and 5xx
 * answers; a 4xx is the client's problem and counts as a success for the backend). While open, the backend gets no
 * new requests, and sessions pinned to it are answered 404 so that their clients re-initialize elsewhere. After
 * {@link #openDuration()} the breaker is half-open and lets {@link #successThreshold()} trial requests through: that
 * many successes close it, one failure opens it again.
 */
public final class CircuitBreakerPolicy {

    /** Default for {@link Builder#failureThreshold(int)}: {@value}. */
    public static final int DEFAULT_FAILURE_THRESHOLD = 5;
    /** Default for {@link Builder#successThreshold(int)}: {@value}. */
    public static final int DEFAULT_SUCCESS_THRESHOLD = 2;
    /** Default for {@link Builder#openDuration(Duration)}: 60 seconds. */
    public static final Duration DEFAULT_OPEN_DURATION = Duration.ofMinutes(1);

    private static final CircuitBreakerPolicy DEFAULTS = builder().build();
    private static final CircuitBreakerPolicy DISABLED =
            builder().enabled(false).build();

    private final boolean enabled;
    private final int failureThreshold;
    private final int successThreshold;
    private final Duration openDuration;

    private CircuitBreakerPolicy(Builder b) {
        this.enabled = b.enabled;
        this.failureThreshold = b.failureThreshold;
        this.successThreshold = b.successThreshold;
        this.openDuration = b.openDuration;
    }

    /** {@return the seed's breaker: 5 failures open, 2 successes close, 60 s open} */
    public static CircuitBreakerPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * No breaker: backends stay in rotation whatever they answer (ejection and health checks still apply).
     *
     * @return the policy of no breaker
     */
    public static CircuitBreakerPolicy disabled() {
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

    /** {@return whether backends get a breaker at all} */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Failures in a row that open the breaker (default {@value #DEFAULT_FAILURE_THRESHOLD}).
     *
     * @return the number of failures in a row
     */
    public int failureThreshold() {
        return failureThreshold;
    }

    /**
     * Successful trial requests that close a half-open breaker (default {@value #DEFAULT_SUCCESS_THRESHOLD}).
     *
     * @return the number of successful trial requests
     */
    public int successThreshold() {
        return successThreshold;
    }

    /** {@return how long an open breaker refuses traffic before it lets trial requests through (default 60 s)} */
    public Duration openDuration() {
        return openDuration;
    }

    @Override
    public String toString() {
        return enabled
                ? "CircuitBreakerPolicy{open after " + failureThreshold + " failures for " + openDuration
                        + ", close after " + successThreshold + " successes}"
                : "CircuitBreakerPolicy{disabled}";
    }

    /** Builds a {@link CircuitBreakerPolicy}; setters validate their argument. */
    public static final class Builder {
        private boolean enabled = true;
        private int failureThreshold = DEFAULT_FAILURE_THRESHOLD;
        private int successThreshold = DEFAULT_SUCCESS_THRESHOLD;
        private Duration openDuration = DEFAULT_OPEN_DURATION;

        private Builder() {}

        /**
         * Whether backends get a breaker (default true).
         *
         * @param enabled whether backends get a breaker
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * Failures in a row that open the breaker, 1 to 1000 (default 5).
         *
         * @param failures failures in a row, at least 1
         * @return this builder
         */
        public Builder failureThreshold(int failures) {
            this.failureThreshold = Durations.count(failures, "failureThreshold", 1, 1000);
            return this;
        }

        /**
         * Successes that close a half-open breaker, 1 to 1000 (default 2).
         *
         * @param successes successful trial requests, at least 1
         * @return this builder
         */
        public Builder successThreshold(int successes) {
            this.successThreshold = Durations.count(successes, "successThreshold", 1, 1000);
            return this;
        }

        /**
         * How long the breaker stays open, 1 ms to 1 day (default 60 s; the seed's {@code Timeout}).
         *
         * @param duration how long the breaker stays open, positive
         * @return this builder
         */
        public Builder openDuration(Duration duration) {
            this.openDuration = Durations.between(duration, "openDuration", Duration.ofMillis(1), Duration.ofDays(1));
            return this;
        }

        /**
         * Builds the immutable policy.
         *
         * @return the policy
         */
        public CircuitBreakerPolicy build() {
            return new CircuitBreakerPolicy(this);
        }
    }
}
