package io.openharbor.mcp.gateway.testing;

import io.openharbor.mcp.gateway.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Ticker} that moves only when a test says so: give it to {@code Gateway.Builder.ticker(...)} and advance it
 * past a breaker's open period, an ejection or a slow-start window instead of sleeping.
 *
 * <pre>{@code
 * FakeTicker ticker = new FakeTicker();
 * long before = ticker.read();
 * ticker.advance(Duration.ofSeconds(30));
 * assert ticker.read() - before == Duration.ofSeconds(30).toNanos();
 * }</pre>
 *
 * <p>It starts at one second, not zero, so that code which treats zero as "never" sees a real time. Thread-safe.
 */
public final class FakeTicker implements Ticker {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    /** Creates a ticker that reads one second. */
    public FakeTicker() {}

    @Override
    public long read() {
        return nanos.get();
    }

    /**
     * Moves the ticker forward.
     *
     * @param amount how far; not negative
     * @return this ticker
     * @throws IllegalArgumentException if {@code amount} is negative (a ticker never goes back)
     */
    public FakeTicker advance(Duration amount) {
        if (amount.isNegative()) {
            throw new IllegalArgumentException("a ticker never goes back: " + amount);
        }
        nanos.addAndGet(amount.toNanos());
        return this;
    }
}
