package io.openharbor.mcp.gateway;

import java.time.Duration;

/**
 * Passive outlier ejection, with Envoy's semantics: an immutable value built with {@link #builder()}.
 *
 * <p>After {@link #consecutiveFailures()} gateway-side failures in a row (connection refused or reset, timeout, or a
 * 502, 503 or 504 answer) a backend is ejected: it gets no new requests for {@link #baseEjectionTime()} × the number of
 * times it has been ejected, capped at {@link #maxEjectionTime()}. The count of past ejections decays by one for every
 * base ejection time the backend then stays in rotation. At most {@link #maxEjectionPercent()} of a pool is ejected at
 * once, but always at least one backend may be, so that pools of two or three replicas are protected too.
 */
public final class OutlierDetection {

    /** Default for {@link Builder#consecutiveFailures(int)}: {@value}. */
    public static final int DEFAULT_CONSECUTIVE_FAILURES = 5;
    /** Default for {@link Builder#baseEjectionTime(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_BASE_EJECTION_TIME = Duration.ofSeconds(30);
    /** Default for {@link Builder#maxEjectionTime(Duration)}: 300 seconds. */
    public static final Duration DEFAULT_MAX_EJECTION_TIME = Duration.ofMinutes(5);
    /** Default for {@link Builder#maxEjectionPercent(int)}: {@value}. */
    public static final int DEFAULT_MAX_EJECTION_PERCENT = 10;

    private static final OutlierDetection DEFAULTS = builder().build();
    private static final OutlierDetection DISABLED = builder().enabled(false).build();

    private final boolean enabled;
    private final int consecutiveFailures;
    private final Duration baseEjectionTime;
    private final Duration maxEjectionTime;
    private final int maxEjectionPercent;

    private OutlierDetection(Builder b) {
        this.enabled = b.enabled;
        this.consecutiveFailures = b.consecutiveFailures;
        this.baseEjectionTime = b.baseEjectionTime;
        this.maxEjectionTime = b.maxEjectionTime;
        this.maxEjectionPercent = b.maxEjectionPercent;
    }

    /**
     * Envoy's defaults: 5 failures, 30 s × times ejected up to 300 s, at most 10 % of the pool.
     *
     * @return the default settings
     */
    public static OutlierDetection defaults() {
        return DEFAULTS;
    }

    /**
     * No passive ejection.
     *
     * @return the settings of no ejection
     */
    public static OutlierDetection disabled() {
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

    /** {@return whether ejection happens at all} */
    public boolean enabled() {
        return enabled;
    }

    /**
     * Gateway-side failures in a row that eject a backend (default {@value #DEFAULT_CONSECUTIVE_FAILURES}).
     *
     * @return the number of failures in a row
     */
    public int consecutiveFailures() {
        return consecutiveFailures;
    }

    /**
     * Ejection time for a first ejection; later ones last this times the ejection count (default 30 s).
     *
     * @return the first ejection's length
     */
    public Duration baseEjectionTime() {
        return baseEjectionTime;
    }

    /**
     * Cap on one ejection (default 300 s).
     *
     * @return the longest ejection
     */
    public Duration maxEjectionTime() {
        return maxEjectionTime;
    }

    /**
     * Most of a pool, in percent, that may be ejected at once; at least one backend always may be (default 10).
     *
     * @return the most of a pool that may be ejected, in percent
     */
    public int maxEjectionPercent() {
        return maxEjectionPercent;
    }

    @Override
    public String toString() {
        return enabled
                ? "OutlierDetection{" + consecutiveFailures + " failures, " + baseEjectionTime + " x n up to "
                        + maxEjectionTime + ", max " + maxEjectionPercent + "%}"
                : "OutlierDetection{disabled}";
    }

    /** Builds an {@link OutlierDetection}; setters validate their argument. */
    public static final class Builder {
        private boolean enabled = true;
        private int consecutiveFailures = DEFAULT_CONSECUTIVE_FAILURES;
        private Duration baseEjectionTime = DEFAULT_BASE_EJECTION_TIME;
        private Duration maxEjectionTime = DEFAULT_MAX_EJECTION_TIME;
        private int maxEjectionPercent = DEFAULT_MAX_EJECTION_PERCENT;

        private Builder() {}

        /**
         * Whether backends are ejected (default true).
         *
         * @param enabled whether backends are ejected
         * @return this builder
         */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /**
         * Failures in a row before ejection, 1 to 1000 (default 5).
         *
         * @param failures failures in a row, at least 1
         * @return this builder
         */
        public Builder consecutiveFailures(int failures) {
            this.consecutiveFailures = Durations.count(failures, "consecutiveFailures", 1, 1000);
            return this;
        }

        /**
         * First ejection's length, 1 ms to 1 hour (default 30 s).
         *
         * @param time the first ejection's length, positive
         * @return this builder
         */
        public Builder baseEjectionTime(Duration time) {
            this.baseEjectionTime =
                    Durations.between(time, "baseEjectionTime", Duration.ofMillis(1), Duration.ofHours(1));
            return this;
        }

        /**
         * Longest ejection, 1 ms to 1 day (default 300 s); must not be shorter than the base time.
         *
         * @param time the longest ejection, at least the base time
         * @return this builder
         */
        public Builder maxEjectionTime(Duration time) {
            this.maxEjectionTime = Durations.between(time, "maxEjectionTime", Duration.ofMillis(1), Duration.ofDays(1));
            return this;
        }

        /**
         * Most of a pool ejected at once, 0 to 100 percent (default 10; at least one backend always may be).
         *
         * @param percent the most of a pool that may be ejected, 0 to 100
         * @return this builder
         */
        public Builder maxEjectionPercent(int percent) {
            this.maxEjectionPercent = Durations.count(percent, "maxEjectionPercent", 0, 100);
            return this;
        }

        /**
         * Builds the immutable value.
         *
         * @return the settings
         * @throws IllegalStateException if the maximum ejection time is shorter than the base time
         */
        public OutlierDetection build() {
            if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
                throw new IllegalStateException("maxEjectionTime (" + maxEjectionTime
                        + ") must not be shorter than baseEjectionTime (" + baseEjectionTime + ")");
            }
            return new OutlierDetection(this);
        }
    }
}
