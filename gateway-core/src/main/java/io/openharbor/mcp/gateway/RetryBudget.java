package io.openharbor.mcp.gateway;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Finagle's retry budget: retries may add at most {@code ratio} of the requests seen over the last ten seconds, plus a
 * floor of {@code minPerSecond} per second so that a quiet gateway can still fail over. When a pool is failing, this
 * stops every request from turning into {@code maxAttempts} requests and hammering what is left of it.
 *
 * <p>Counts are kept in ten one-second buckets read with the injected ticker. Lock-free: a bucket is never cleared,
 * it is replaced whole (one CAS) when its slot is reused for a later second, so no count is lost to a rollover; a
 * retry is taken with a CAS on the current second's retry count, re-checked against the budget when it fails.
 */
final class RetryBudget {
    private static final int BUCKETS = 10;
    private static final long BUCKET_NANOS = 1_000_000_000L;

    /** The counts of one second. */
    private static final class Bucket {
        final long epoch;
        final LongAdder requests = new LongAdder();
        final AtomicLong retries = new AtomicLong();

        Bucket(long epoch) {
            this.epoch = epoch;
        }
    }

    private final Ticker ticker;
    private final double ratio;
    private final int minPerSecond;
    private final AtomicReferenceArray<Bucket> buckets = new AtomicReferenceArray<>(BUCKETS);

    RetryBudget(Ticker ticker, double ratio, int minPerSecond) {
        this.ticker = ticker;
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        for (int i = 0; i < BUCKETS; i++) {
            buckets.set(i, new Bucket(Long.MIN_VALUE));
        }
    }

    /** Counts one request (its first attempt). */
    void onRequest() {
        bucket(ticker.read() / BUCKET_NANOS).requests.increment();
    }

    /** Takes one retry from the budget; false when the budget is spent. */
    boolean tryRetry() {
        long epoch = ticker.read() / BUCKET_NANOS;
        Bucket current = bucket(epoch);
        double floor = (double) minPerSecond * BUCKETS;
        while (true) {
            long taken = current.retries.get();
            long r = current.requests.sum();
            long t = taken;
            for (int i = 0; i < BUCKETS; i++) {
                Bucket b = buckets.get(i);
                if (b != current && b.epoch > epoch - BUCKETS) { // in the window: the same test as epoch - b.epoch < 10
                    r += b.requests.sum();
                    t += b.retries.get();
                }
            }
            if (t >= ratio * r + floor) {
                return false;
            }
            if (current.retries.compareAndSet(taken, taken + 1)) {
                return true;
            }
        }
    }

    /** The bucket of {@code epoch}: a fresh one replaces one of an older second; a later second's is used as it is. */
    private Bucket bucket(long epoch) {
        int i = (int) Math.floorMod(epoch, (long) BUCKETS);
        while (true) {
            Bucket b = buckets.get(i);
            if (b.epoch >= epoch) {
                return b;
            }
            Bucket fresh = new Bucket(epoch);
            if (buckets.compareAndSet(i, b, fresh)) {
                return fresh;
            }
        }
    }
}
