package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Token-bucket rate limits per caller, the seed's {@code RateLimiting} ({@code RequestsPerMinute} 100,
 * {@code BurstSize} 20): each caller's bucket holds up to {@code burst} tokens, refills at {@code requestsPerMinute}
 * per minute, and each request takes one, so over any span of {@code t} seconds a caller gets at most
 * {@code burst + requestsPerMinute * t / 60} requests. Optional per-tool buckets (per caller and tool) limit
 * {@code tools/call} of expensive tools on top.
 *
 * <pre>{@code
 * RateLimits limits = RateLimits.builder()
 *     .perCaller(100, 20)                   // the seed's defaults
 *     .tool("web_search", 10, 2)            // at most 10 searches a minute per caller
 *     .build();
 * }</pre>
 *
 * <p>Memory is bounded: buckets live in a Caffeine cache of at most {@link Builder#maxCallers(long)} callers, and a
 * bucket idle long enough to have refilled is dropped (a new one starts full, so dropping it changes nothing). Under a
 * flood of distinct addresses past the bound, the least used buckets are evicted first.
 */
public final class RateLimits implements RateLimiter {
    /** Default for {@link Builder#perCaller(int, int)}: the seed's {@value}. */
    public static final int DEFAULT_REQUESTS_PER_MINUTE = 100;
    /** Default for {@link Builder#perCaller(int, int)}: the seed's {@value}. */
    public static final int DEFAULT_BURST = 20;
    /** Default for {@link Builder#maxCallers(long)}: {@value}. */
    public static final long DEFAULT_MAX_CALLERS = 100_000;

    private final Limit perCaller;
    private final Map<String, Limit> tools;
    private final Ticker ticker;
    private final Cache<String, TokenBucket> callers;
    private final @Nullable Cache<String, TokenBucket> toolBuckets;

    private RateLimits(Builder b) {
        this.perCaller = b.perCaller;
        this.tools = Map.copyOf(b.tools);
        this.ticker = b.ticker;
        Ticker t = b.ticker;
        Duration idle = perCaller.refillTime();
        this.callers = Caffeine.newBuilder()
                .maximumSize(b.maxCallers)
                .expireAfterAccess(idle)
                .ticker(t::read)
                .executor(Runnable::run) // maintenance on the calling thread: the library starts no threads
                .build();
        Duration toolIdle = Duration.ZERO;
        for (Limit l : tools.values()) {
            if (l.refillTime().compareTo(toolIdle) > 0) toolIdle = l.refillTime();
        }
        this.toolBuckets = tools.isEmpty()
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(b.maxCallers)
                        .expireAfterAccess(toolIdle)
                        .ticker(t::read)
                        .executor(Runnable::run)
                        .build();
    }

    /**
     * Starts a builder with the seed's defaults (100 per minute, burst 20) and no per-tool limits.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the seed's limits: 100 requests per minute per caller, bursts of 20} */
    public static RateLimits seedDefaults() {
        return builder().build();
    }

    @Override
    public Duration acquire(String caller, @Nullable String tool) {
        long now = ticker.read();
        if (tool == null) {
            return waitOf(
                    callers.get(caller, k -> new TokenBucket(perCaller, now)).take(now));
        }
        Limit limit = tools.get(tool);
        if (limit == null) {
            return Duration.ZERO;
        }
        String key = caller + '\u0000' + tool;
        // tools is not empty here (limit was found in it), so the tool buckets exist
        return waitOf(requireNonNull(toolBuckets)
                .get(key, k -> new TokenBucket(limit, now))
                .take(now));
    }

    private static Duration waitOf(long nanos) {
        return nanos <= 0 ? Duration.ZERO : Duration.ofNanos(nanos);
    }

    /** Callers with a bucket now (an estimate; for tests and metrics). */
    long trackedCallers() {
        callers.cleanUp();
        return callers.estimatedSize();
    }

    @Override
    public String toString() {
        return "RateLimits[" + perCaller + (tools.isEmpty() ? "" : ", tools " + tools) + "]";
    }

    /** One limit: a refill rate and a bucket size. */
    static final class Limit {
        final int perMinute;
        final int burst;
        /** One token's refill time is {@code tokenNanos + tokenRest / perMinute} nanoseconds, exactly. */
        final long tokenNanos;

        final long tokenRest;
        /** A full bucket's refill time, {@code burstNanos + burstRest / perMinute} nanoseconds. */
        final long burstNanos;

        final long burstRest;

        Limit(int perMinute, int burst) {
            this.perMinute = perMinute;
            this.burst = burst;
            this.tokenNanos = 60_000_000_000L / perMinute;
            this.tokenRest = 60_000_000_000L % perMinute;
            long restTotal = tokenRest * burst;
            this.burstNanos = tokenNanos * burst + restTotal / perMinute;
            this.burstRest = restTotal % perMinute;
        }

        /** Time for an empty bucket to fill up (rounded up). */
        Duration refillTime() {
            return Duration.ofNanos(burstNanos + (burstRest > 0 ? 1 : 0));
        }

        @Override
        public String toString() {
            return perMinute + "/min burst " + burst;
        }
    }

    /**
     * A token bucket as the generic cell rate algorithm keeps it: the only state is the time at which the bucket would
     * be empty, held exactly as whole nanoseconds plus a remainder in 1/perMinute of a nanosecond, so that no rounding
     * accumulates (7 per minute really is 14 in two minutes).
     */
    static final class TokenBucket {
        private final Limit limit;
        private long emptyNanos;
        private long emptyRest;

        TokenBucket(Limit limit, long now) {
            this.limit = limit;
            this.emptyNanos = now - limit.burstNanos - 1; // at or before "full": take() raises it to full
        }

        /** Takes a token: returns 0, or the nanoseconds until one is available (nothing is taken then). */
        synchronized long take(long now) {
            long fullNanos = limit.burstRest == 0 ? now - limit.burstNanos : now - limit.burstNanos - 1;
            long fullRest = limit.burstRest == 0 ? 0 : limit.perMinute - limit.burstRest;
            if (fullNanos - emptyNanos > 0 || (fullNanos == emptyNanos && fullRest > emptyRest)) {
                emptyNanos = fullNanos; // idle long enough to be full: never more than burst tokens
                emptyRest = fullRest;
            }
            long nextNanos = emptyNanos + limit.tokenNanos;
            long nextRest = emptyRest + limit.tokenRest;
            if (nextRest >= limit.perMinute) {
                nextRest -= limit.perMinute;
                nextNanos++;
            }
            if (nextNanos - now > 0 || (nextNanos == now && nextRest > 0)) {
                return nextNanos - now + (nextRest > 0 ? 1 : 0);
            }
            emptyNanos = nextNanos;
            emptyRest = nextRest;
            return 0;
        }
    }

    /** Builds {@link RateLimits}; each setter validates its argument. */
    public static final class Builder {
        private Limit perCaller = new Limit(DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_BURST);
        private final Map<String, Limit> tools = new LinkedHashMap<>();
        private long maxCallers = DEFAULT_MAX_CALLERS;
        private Ticker ticker = Ticker.system();

        private Builder() {}

        /**
         * Every caller's limit on requests (the seed's {@code RequestsPerMinute} and {@code BurstSize}; defaults 100
         * and 20).
         *
         * @param requestsPerMinute the refill rate, 1 to 1,000,000
         * @param burst the bucket size: requests a caller may send at once after being idle, 1 to 1,000,000
         * @return this builder
         */
        public Builder perCaller(int requestsPerMinute, int burst) {
            this.perCaller = limit(requestsPerMinute, burst, "perCaller");
            return this;
        }

        /**
         * A limit on {@code tools/call} of one tool, per caller, on top of the per-caller limit.
         *
         * @param name the tool's name
         * @param requestsPerMinute the sustained rate
         * @param burst the most requests at once
         * @return this builder
         */
        public Builder tool(String name, int requestsPerMinute, int burst) {
            requireNonNull(name, "tool name");
            if (name.isEmpty()) {
                throw new IllegalArgumentException("tool name must not be empty");
            }
            if (tools.containsKey(name)) {
                throw new IllegalArgumentException("a limit for tool '" + name + "' is already set");
            }
            tools.put(name, limit(requestsPerMinute, burst, "tool '" + name + "'"));
            return this;
        }

        /**
         * Most callers with a bucket at once (default {@value #DEFAULT_MAX_CALLERS}; 100 to 100,000,000).
         *
         * @param max the most callers whose buckets are kept
         * @return this builder
         */
        public Builder maxCallers(long max) {
            if (max < 100 || max > 100_000_000) {
                throw new IllegalArgumentException("maxCallers must be between 100 and 100000000, was: " + max);
            }
            this.maxCallers = max;
            return this;
        }

        /**
         * The time source for refills and idle expiry (default {@link Ticker#system()}); tests inject a fake.
         *
         * @param ticker the time source
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Builds the limits.
         *
         * @return the limiter
         */
        public RateLimits build() {
            return new RateLimits(this);
        }

        private static Limit limit(int perMinute, int burst, String what) {
            if (perMinute < 1 || perMinute > 1_000_000) {
                throw new IllegalArgumentException(
                        what + ": requestsPerMinute must be between 1 and 1000000, was: " + perMinute);
            }
            if (burst < 1 || burst > 1_000_000) {
                throw new IllegalArgumentException(what + ": burst must be between 1 and 1000000, was: " + burst);
            }
            return new Limit(perMinute, burst);
        }
    }
}
