package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import dev.failsafe.CircuitBreaker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The live side of one {@link Backend}: the transport route that reaches it, and everything the gateway
 * has learned about it: load, latency, failures, active health, ejection and circuit state. Every outcome of a request
 * feeds it through {@link #record}; the {@link PoolRuntime} owns the decisions that involve the whole pool.
 *
 * <p>Latency is Finagle's and Linkerd's peak-sensitive EWMA: a sample above the average replaces it at once (so a
 * replica that turns slow is avoided after one slow answer), a lower one is blended in with a weight that depends on
 * the time since the last sample ({@code w = exp(-Δt/τ)}, τ = 10 s), and readers see the average decayed to now, so an
 * idle replica that was slow is tried again eventually.
 */
final class BackendRuntime {
    /** τ of the latency EWMA: Finagle's and Linkerd's default decay time, 10 s. */
    static final double DECAY_NANOS = 10e9;
    /** Slow start begins at this share of the full weight (Envoy's {@code min_weight_percent} default). */
    static final double SLOW_START_MIN = 0.1;

    private static final long NO_RAMP = Long.MIN_VALUE;

    final Backend backend;
    final int index;
    /** How the transport reaches it. */
    final Transport.Route route;
    /**
     * A short, stable tag for the backend, the same on every gateway instance with the same configuration: it prefixes
     * SSE event ids on session-less streams so that a resumption GET with {@code Last-Event-ID} finds its backend.
     */
    final String eventTag;

    private final Ticker ticker;
    private final long slowStartNanos;

    /** Requests in flight, streams included: the bulkhead and the least-loaded strategies read it. */
    final AtomicInteger inFlight = new AtomicInteger();
    /** The latency EWMA and the time of its last sample: one immutable pair, so readers never mix two samples. */
    private record Ewma(double cost, long stamp) {}

    private final AtomicReference<Ewma> latency = new AtomicReference<>(new Ewma(0, 0));
    /** The success-rate EWMA, as the bits of a double. */
    private final AtomicLong successBits = new AtomicLong(Double.doubleToRawLongBits(1.0));

    private static long succeeded(long bits) {
        return Double.doubleToRawLongBits(Double.longBitsToDouble(bits) * 0.95 + 0.05);
    }

    private static long failed(long bits) {
        return Double.doubleToRawLongBits(Double.longBitsToDouble(bits) * 0.95);
    }
    /** Gateway-side failures in a row (connect, reset, timeout, 502/503/504): outlier ejection counts them. */
    final AtomicInteger consecutiveGatewayFailures = new AtomicInteger();
    /** Any failure in a row (also 500 and other 5xx), for the health report. */
    final AtomicInteger consecutiveFailures = new AtomicInteger();

    /** The Failsafe breaker, or null when the pool's policy disables breakers. Opening is timed with our ticker. */
    final @Nullable CircuitBreaker<Object> breaker;

    static final long NOT_STAMPED = Long.MIN_VALUE;
    /** When the breaker's open period began (our ticker), NOT_STAMPED outside one; stamped by whoever sees it first. */
    final AtomicLong breakerOpenedAt = new AtomicLong(NOT_STAMPED);

    // Active health: written by the health checker (one check of a backend at a time), read by everyone.
    volatile boolean healthy = true;
    volatile @Nullable Instant lastCheck;
    volatile @Nullable String lastCheckProblem;
    int checkPasses;
    int checkFailures;

    // Ejection: guarded by the pool runtime's lock.
    volatile long ejectedUntil;
    volatile boolean ejected;
    volatile int timesEjected;
    long restoredAt;

    private final AtomicLong rampStart = new AtomicLong(NO_RAMP);

    // Membership: set by the pool runtime under its lock, read by requests after they take a slot.
    /** No new request may start on it: it is being drained, or has been removed. */
    volatile boolean draining;
    /** No longer a member of the pool: the health checker stops, session tokens naming it find nothing. */
    volatile boolean removed;
    /** The drain in progress, told when the last request in flight ends; null when not draining. */
    volatile PoolRuntime.@Nullable Drain drain;

    // Active health: owned by the health checker.
    boolean checked;
    /** The MCP probe found a server without sessions (2026-07-28): probe it with server/discover first. */
    volatile boolean statelessProbe;

    BackendRuntime(
            String poolName,
            Backend backend,
            int index,
            Transport.Route route,
            Ticker ticker,
            Duration slowStart,
            @Nullable CircuitBreaker<Object> breaker) {
        this.backend = backend;
        this.index = index;
        this.route = route;
        this.ticker = ticker;
        this.slowStartNanos = slowStart.toNanos();
        this.breaker = breaker;
        byte[] digest = SessionTokens.sha256((poolName + "\u0000" + backend.name()).getBytes(StandardCharsets.UTF_8));
        this.eventTag = "g"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 10);
    }

    // ---- load and the bulkhead ----

    /** Takes a slot of the bulkhead; false when {@link Backend#maxConnections()} requests are already in flight. */
    boolean tryAcquireSlot() {
        int max = backend.maxConnections();
        while (true) {
            int n = inFlight.get();
            if (n >= max) {
                return false;
            }
            if (inFlight.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    void releaseSlot() {
        if (inFlight.decrementAndGet() == 0) {
            PoolRuntime.Drain d = drain;
            if (d != null) {
                d.idle();
            }
        }
    }

    // ---- statistics ----

    /**
     * Feeds one outcome: a latency sample of time to response headers ({@code latencyNanos} below 0 when the attempt
     * got no answer), the success flag into the success rate and the failure streaks. Lock-free: the latency pair is
     * replaced whole with a compare-and-set, so a reader never pairs one sample's average with another's time.
     */
    void record(long latencyNanos, boolean success, boolean gatewayFailure) {
        if (latencyNanos >= 0) {
            long now = ticker.read();
            while (true) {
                Ewma e = requireNonNull(latency.get());
                double cost;
                if (latencyNanos > e.cost()) {
                    cost = latencyNanos;
                } else {
                    double w = Math.exp(-Math.max(now - e.stamp(), 0) / DECAY_NANOS);
                    cost = e.cost() * w + latencyNanos * (1 - w);
                }
                if (latency.compareAndSet(e, new Ewma(cost, Math.max(now, e.stamp())))) {
                    break;
                }
            }
        }
        successBits.updateAndGet(success ? BackendRuntime::succeeded : BackendRuntime::failed);
        if (success) {
            consecutiveFailures.set(0);
        } else {
            consecutiveFailures.incrementAndGet();
        }
        if (gatewayFailure) {
            consecutiveGatewayFailures.incrementAndGet();
        } else {
            consecutiveGatewayFailures.set(0);
        }
    }

    /** Feeds one latency sample alone (a successful answer after {@code nanos}). */
    void recordLatency(long nanos) {
        record(nanos, true, false);
    }

    /** The peak-sensitive latency average decayed to now, in nanoseconds; 0 before the first answer. */
    double latencyNanos() {
        Ewma e = requireNonNull(latency.get());
        if (e.cost() == 0) {
            return 0;
        }
        long age = ticker.read() - e.stamp();
        return age <= 0 ? e.cost() : e.cost() * Math.exp(-age / DECAY_NANOS);
    }

    /** Share of successes among roughly the last 20 outcomes (an EWMA with α = 0.05). */
    double successRate() {
        return Double.longBitsToDouble(successBits.get());
    }

    // ---- slow start ----

    /** Starts the slow-start ramp (a backend joined or came back). */
    void startRamp() {
        if (slowStartNanos > 0) {
            rampStart.set(ticker.read());
        }
    }

    /** The weight strategies use: the configured weight, scaled down while the backend ramps up after slow start. */
    double effectiveWeight() {
        long start = rampStart.get();
        int weight = backend.weight();
        if (start == NO_RAMP) {
            return weight;
        }
        long elapsed = ticker.read() - start;
        if (elapsed >= slowStartNanos) {
            rampStart.compareAndSet(start, NO_RAMP); // not a ramp started since we read it
            return weight;
        }
        double share = Math.max(SLOW_START_MIN, Math.max(elapsed, 0) / (double) slowStartNanos);
        return weight * share;
    }

    // ---- circuit ----

    CircuitState circuitState() {
        if (breaker == null) {
            return CircuitState.CLOSED;
        }
        return switch (breaker.getState()) {
            case OPEN -> CircuitState.OPEN;
            case HALF_OPEN -> CircuitState.HALF_OPEN;
            default -> CircuitState.CLOSED;
        };
    }

    @Override
    public String toString() {
        return backend.name();
    }
}
