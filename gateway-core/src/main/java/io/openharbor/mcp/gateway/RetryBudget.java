package io.openharbor.mcp.gateway;

/**
 * Finagle's retry budget: retries may add at most {@code ratio} of the requests seen over the last ten seconds, plus a
 * floor of {@code minPerSecond} per second so that a quiet gateway can still fail over. When a pool is failing, this
 * stops every request from turning into {@code maxAttempts} requests and hammering what is left of it.
 *
 * <p>Counts are kept in ten one-second buckets read with the injected ticker.
 */
final class RetryBudget {
    private static final int BUCKETS = 10;
    private static final long BUCKET_NANOS = 1_000_000_000L;

    private final Ticker ticker;
    private final double ratio;
    private final int minPerSecond;
    private final long[] requests = new long[BUCKETS];
    private final long[] retries = new long[BUCKETS];
    private final long[] epochs = new long[BUCKETS];

    RetryBudget(Ticker ticker, double ratio, int minPerSecond) {
        this.ticker = ticker;
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        java.util.Arrays.fill(epochs, Long.MIN_VALUE);
    }

    /** Counts one request (its first attempt). */
    synchronized void onRequest() {
        requests[bucket(ticker.read() / BUCKET_NANOS)]++;
    }

    /** Takes one retry from the budget; false when the budget is spent. */
    synchronized boolean tryRetry() {
        long epoch = ticker.read() / BUCKET_NANOS;
        int current = bucket(epoch);
        long r = 0;
        long t = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (epoch - epochs[i] < BUCKETS) {
                r += requests[i];
                t += retries[i];
            }
        }
        if (t >= ratio * r + (double) minPerSecond * BUCKETS) {
            return false;
        }
        retries[current]++;
        return true;
    }

    /** The bucket of {@code epoch}, cleared first if it last held an older second. */
    private int bucket(long epoch) {
        int i = (int) Math.floorMod(epoch, (long) BUCKETS);
        if (epochs[i] != epoch) {
            epochs[i] = epoch;
            requests[i] = 0;
            retries[i] = 0;
        }
        return i;
    }
}
