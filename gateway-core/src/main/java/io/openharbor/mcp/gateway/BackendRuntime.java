package io.openharbor.mcp.gateway;

import dev.failsafe.CircuitBreaker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live side of one {@link Backend}: the transport route that reaches it, and everything the gateway
 * has learned about it: load, latency, failures, active health, ejection and circuit state. Every outcome of a request
 * feeds it through {@link #recordOutcome}; the {@link PoolRuntime} owns the decisions that involve the whole pool.
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
    private volatile double latencyCost;
    private volatile long latencyStamp;
    private volatile double successRate = 1.0;
    /** Gateway-side failures in a row (connect, reset, timeout, 502/503/504): outlier ejection counts them. */
    final AtomicInteger consecutiveGatewayFailures = new AtomicInteger();
    /** Any failure in a row (also 500 and other 5xx), for the health report. */
    final AtomicInteger consecutiveFailures = new AtomicInteger();

    /** The Failsafe breaker, or null when the pool's policy disables breakers. Opening is timed with our ticker. */
    final CircuitBreaker<Object> breaker;
    volatile long breakerOpenedAt;

    // Active health: written by the health checker (one check of a backend at a time), read by everyone.
    volatile boolean healthy = true;
    volatile Instant lastCheck;
    volatile String lastCheckProblem;
    int checkPasses;
    int checkFailures;

    // Ejection: guarded by the pool runtime's lock.
    volatile long ejectedUntil;
    volatile boolean ejected;
    int timesEjected;
    long restoredAt;

    private volatile long rampStart = NO_RAMP;

    // Membership: set by the pool runtime under its lock, read by requests after they take a slot.
    /** No new request may start on it: it is being drained, or has been removed. */
    volatile boolean draining;
    /** No longer a member of the pool: the health checker stops, session tokens naming it find nothing. */
    volatile boolean removed;
    /** The drain in progress, told when the last request in flight ends; null when not draining. */
    volatile PoolRuntime.Drain drain;

    // Active health: owned by the health checker.
    boolean checked;
    /** The MCP probe found a server without sessions (2026-07-28): probe it with server/discover first. */
    volatile boolean statelessProbe;

    BackendRuntime(String poolName, Backend backend, int index, Transport.Route route, Ticker ticker,
            Duration slowStart, CircuitBreaker<Object> breaker) {
        this.backend = backend;
        this.index = index;
        this.route = route;
        this.ticker = ticker;
        this.slowStartNanos = slowStart.toNanos();
        this.breaker = breaker;
        byte[] digest = SessionTokens.sha256((poolName + "\u0000" + backend.name()).getBytes(StandardCharsets.UTF_8));
        this.eventTag = "g" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 10);
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
     * got no answer), the success flag into the success rate and the failure streaks. One lock for all of it.
     */
    synchronized void record(long latencyNanos, boolean success, boolean gatewayFailure) {
        if (latencyNanos >= 0) {
            long now = ticker.read();
            double cost = latencyCost;
            if (latencyNanos > cost) {
                latencyCost = latencyNanos;
            } else {
                double w = Math.exp(-Math.max(now - latencyStamp, 0) / DECAY_NANOS);
                latencyCost = cost * w + latencyNanos * (1 - w);
            }
            latencyStamp = now;
        }
        successRate = successRate * 0.95 + (success ? 0.05 : 0);
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
        double cost = latencyCost;
        if (cost == 0) {
            return 0;
        }
        long age = ticker.read() - latencyStamp;
        return age <= 0 ? cost : cost * Math.exp(-age / DECAY_NANOS);
    }

    /** Share of successes among roughly the last 20 outcomes (an EWMA with α = 0.05). */
    double successRate() {
        return successRate;
    }

    // ---- slow start ----

    /** Starts the slow-start ramp (a backend joined or came back). */
    void startRamp() {
        if (slowStartNanos > 0) {
            rampStart = ticker.read();
        }
    }

    /** The weight strategies use: the configured weight, scaled down while the backend ramps up after slow start. */
    double effectiveWeight() {
        long start = rampStart;
        int weight = backend.weight();
        if (start == NO_RAMP) {
            return weight;
        }
        long elapsed = ticker.read() - start;
        if (elapsed >= slowStartNanos) {
            rampStart = NO_RAMP;
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
        switch (breaker.getState()) {
            case OPEN:
                return CircuitState.OPEN;
            case HALF_OPEN:
                return CircuitState.HALF_OPEN;
            default:
                return CircuitState.CLOSED;
        }
    }

    @Override
    public String toString() {
        return backend.name();
    }
}
