package io.openharbor.mcp.gateway;

/**
 * A source of nanosecond time for durations: latency averages, circuit-breaker and ejection periods, slow start,
 * health-check schedules and the retry budget all read it. Tests inject a fake ticker and advance it by hand instead of
 * sleeping (the same idea as Caffeine's {@code Ticker}).
 *
 * <p>Only differences between two readings are meaningful; the origin is arbitrary.
 */
@FunctionalInterface
public interface Ticker {

    /**
     * Nanoseconds since an arbitrary, fixed origin; never decreases.
     *
     * @return nanoseconds since the origin
     */
    long read();

    /** {@return the JVM's monotonic clock, {@link System#nanoTime()}} */
    static Ticker system() {
        return System::nanoTime;
    }
}
