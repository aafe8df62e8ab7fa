package io.openharbor.mcp.gateway;

import dev.failsafe.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live state of a pool as a whole: which backends are available, whether the pool is in panic, and the decisions
 * that involve more than one backend (the ejection cap). Per-request work is one volatile read of a {@link Snapshot}
 * and one ticker read; the snapshot is rebuilt only when some backend's state changed or a timed change (end of an
 * ejection, end of an open breaker period) is due.
 */
final class PoolRuntime {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    /** Failsafe's own open delay is never reached: the gateway half-opens breakers itself, timed with its ticker. */
    private static final Duration NEVER = Duration.ofDays(36500);

    final BackendPool pool;
    final BackendRuntime[] backends;
    final Candidates.Live all;
    private final Ticker ticker;
    private final GatewayListener listener;
    private final long openNanos;
    private final OutlierDetection outliers;
    private final long baseEjectionNanos;
    private final long maxEjectionNanos;
    private final int maxEjected;
    private final AtomicInteger version = new AtomicInteger();
    private volatile Snapshot snapshot;
    private boolean panic;

    /** The available candidates at one moment, and until when that answer holds. */
    static final class Snapshot {
        final Candidates.Live available;
        final boolean panic;
        final int version;
        final long validUntil;

        Snapshot(Candidates.Live available, boolean panic, int version, long validUntil) {
            this.available = available;
            this.panic = panic;
            this.version = version;
            this.validUntil = validUntil;
        }
    }

    PoolRuntime(BackendPool pool, Ticker ticker, GatewayListener listener,
            Function<Backend, OkHttpClient> clients) {
        this.pool = pool;
        this.ticker = ticker;
        this.listener = listener;
        this.openNanos = pool.circuitBreaker().openDuration().toNanos();
        this.outliers = pool.outlierDetection();
        this.baseEjectionNanos = outliers.baseEjectionTime().toNanos();
        this.maxEjectionNanos = outliers.maxEjectionTime().toNanos();
        int size = pool.backends().size();
        this.maxEjected = Math.max(1, size * outliers.maxEjectionPercent() / 100);
        this.backends = new BackendRuntime[size];
        for (int i = 0; i < size; i++) {
            Backend backend = pool.backends().get(i);
            BackendRuntime[] holder = new BackendRuntime[1];
            CircuitBreaker<Object> breaker = pool.circuitBreaker().enabled()
                    ? CircuitBreaker.builder()
                            .withFailureThreshold(pool.circuitBreaker().failureThreshold())
                            .withSuccessThreshold(pool.circuitBreaker().successThreshold())
                            .withDelay(NEVER)
                            .onOpen(e -> circuitChanged(holder[0], CircuitState.OPEN))
                            .onHalfOpen(e -> circuitChanged(holder[0], CircuitState.HALF_OPEN))
                            .onClose(e -> circuitChanged(holder[0], CircuitState.CLOSED))
                            .build()
                    : null;
            backends[i] = new BackendRuntime(pool.name(), backend, i, clients.apply(backend), ticker,
                    pool.slowStart(), breaker);
            holder[0] = backends[i];
        }
        this.all = new Candidates.Live(backends);
        this.snapshot = refresh();
    }

    /** The current availability; cheap when nothing changed. */
    Snapshot snapshot() {
        Snapshot s = snapshot;
        if (s.version == version.get() && ticker.read() - s.validUntil < 0) {
            return s;
        }
        return refresh();
    }

    /** The backends new requests may go to: the available ones, or in panic all of them. */
    Candidates.Live routable(Snapshot s) {
        return s.panic ? all : s.available;
    }

    /** Something changed that may change availability: the next request rebuilds the snapshot. */
    void changed() {
        version.incrementAndGet();
    }

    private synchronized Snapshot refresh() {
        int v = version.get();
        long now = ticker.read();
        long validUntil = now + NEVER.toNanos();
        List<BackendRuntime> available = new ArrayList<>(backends.length);
        for (BackendRuntime br : backends) {
            if (br.ejected && now - br.ejectedUntil >= 0) {
                br.ejected = false;
                br.restoredAt = now;
                br.startRamp();
                log.info("backend {} restored after ejection", br.backend.name());
                listener.backendRestored(br.backend);
            }
            if (br.ejected) {
                validUntil = Math.min(validUntil, br.ejectedUntil);
            }
            if (br.breaker != null && br.breaker.isOpen()) {
                long due = br.breakerOpenedAt + openNanos;
                if (now - due >= 0) {
                    br.breaker.halfOpen(); // open long enough: let the trial requests through
                } else {
                    validUntil = Math.min(validUntil, due);
                }
            }
            if (br.healthy && !br.ejected && (br.breaker == null || !br.breaker.isOpen())) {
                available.add(br);
            }
        }
        int total = backends.length;
        boolean nowPanic = available.size() * 100 < total * pool.panicThresholdPercent();
        if (nowPanic != panic) {
            panic = nowPanic;
            if (nowPanic) {
                log.warn("pool {} is in panic: {} of {} backends available; {}", pool.name(), available.size(), total,
                        pool.failFastInPanic() ? "refusing new requests" : "spreading requests over all backends");
            } else {
                log.info("pool {} left panic: {} of {} backends available", pool.name(), available.size(), total);
            }
            listener.panicModeChanged(pool.name(), nowPanic, available.size(), total);
        }
        Snapshot s = new Snapshot(available.size() == total ? all
                : new Candidates.Live(available.toArray(new BackendRuntime[0])), nowPanic, v, validUntil);
        snapshot = s;
        return s;
    }

    // ---- outcomes ----

    /**
     * Feeds the outcome of one attempt that reached the response-header stage or failed before it.
     *
     * @param status the backend's HTTP status, or 0 when the attempt failed with an I/O error or timeout
     * @param latencyNanos time from sending to response headers (ignored when {@code status} is 0)
     * @param permit whether the attempt holds a breaker permit (false in panic, where breakers are bypassed)
     */
    void recordOutcome(BackendRuntime br, int status, long latencyNanos, boolean permit) {
        boolean failure = status == 0 || status >= 500;
        boolean gatewayFailure = status == 0 || status == 502 || status == 503 || status == 504;
        br.record(status != 0 ? latencyNanos : -1, !failure, gatewayFailure);
        if (br.breaker != null && (permit || br.breaker.isClosed())) {
            if (failure) {
                br.breaker.recordFailure();
            } else {
                br.breaker.recordSuccess();
            }
        }
        if (gatewayFailure && outliers.enabled()
                && br.consecutiveGatewayFailures.get() >= outliers.consecutiveFailures() && !br.ejected) {
            tryEject(br);
        }
    }

    private synchronized void tryEject(BackendRuntime br) {
        if (br.ejected) {
            return;
        }
        int ejectedNow = 0;
        for (BackendRuntime other : backends) {
            if (other.ejected) ejectedNow++;
        }
        if (ejectedNow >= maxEjected) {
            log.info("backend {} failed {} times in a row but {} of {} backends are already ejected (the cap)",
                    br.backend.name(), br.consecutiveGatewayFailures.get(), ejectedNow, backends.length);
            return;
        }
        long now = ticker.read();
        if (br.timesEjected > 0 && br.restoredAt != 0) {
            // Envoy decrements the multiplier for every base ejection time a host stays healthy.
            long healthyFor = now - br.restoredAt;
            br.timesEjected = (int) Math.max(0, br.timesEjected - healthyFor / baseEjectionNanos);
        }
        br.timesEjected++;
        long duration = Math.min(baseEjectionNanos * br.timesEjected, maxEjectionNanos);
        br.ejectedUntil = now + duration;
        br.ejected = true;
        br.consecutiveGatewayFailures.set(0);
        changed();
        Duration d = Duration.ofNanos(duration);
        log.warn("backend {} ejected for {} (ejection #{}) after {} gateway-side failures in a row", br.backend.name(),
                d, br.timesEjected, outliers.consecutiveFailures());
        listener.backendEjected(br.backend, d, br.timesEjected);
    }

    private void circuitChanged(BackendRuntime br, CircuitState state) {
        if (br == null) {
            return;
        }
        if (state == CircuitState.OPEN) {
            br.breakerOpenedAt = ticker.read();
            log.warn("circuit of backend {} opened", br.backend.name());
        } else {
            log.info("circuit of backend {} is {}", br.backend.name(), state == CircuitState.CLOSED ? "closed"
                    : "half-open");
            if (state == CircuitState.CLOSED) {
                br.startRamp();
            }
        }
        changed();
        listener.circuitStateChanged(br.backend, state);
    }

    /** Called by the health checker when its verdict on a backend changes. */
    void healthChanged(BackendRuntime br, boolean healthy, String reason) {
        br.healthy = healthy;
        if (healthy) {
            br.startRamp();
            log.info("backend {} is healthy", br.backend.name());
        } else {
            log.warn("backend {} is unhealthy: {}", br.backend.name(), reason);
        }
        changed();
        listener.healthChanged(br.backend, healthy, reason);
    }
}
