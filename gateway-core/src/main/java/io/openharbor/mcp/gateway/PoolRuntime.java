package io.openharbor.mcp.gateway;

import dev.failsafe.CircuitBreaker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live state of a pool as a whole: which backends are available, whether the pool is in panic, and the decisions
 * that involve more than one backend (the ejection cap). Per-request work is one volatile read of a {@link Snapshot}
 * and one ticker read; the snapshot is rebuilt only when some backend's state changed or a timed change (end of an
 * ejection, end of an open breaker period) is due.
 */
final class PoolRuntime {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);
    /** Failsafe's own open delay is never reached: the gateway half-opens breakers itself, timed with its ticker. */
    private static final Duration NEVER = Duration.ofDays(36500);

    private final Ticker ticker;
    private final GatewayListener listener;
    private final Function<Backend, Transport.Route> routes;
    private final long openNanos;
    private final OutlierDetection outliers;
    private final long baseEjectionNanos;
    private final long maxEjectionNanos;
    private final AtomicInteger version = new AtomicInteger();
    /** Hands out {@link BackendRuntime#index}: never reused, so per-backend state keyed by it never mixes backends. */
    private int nextIndex;

    private volatile Members members;
    private volatile Snapshot snapshot;
    private boolean panic;
    /** Told when a backend joins or leaves (the health checker schedules it, its calls are cancelled). */
    private volatile Consumer<BackendRuntime> onJoin = br -> {};

    private volatile Consumer<BackendRuntime> onLeave = br -> {};
    /** Listener calls queued while a lock (ours, the health checker's or Failsafe's) is held; see {@link #dispatch}. */
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();

    private final AtomicInteger dispatching = new AtomicInteger();

    /** The pool's members at one moment: copy-on-write, replaced whole when a backend joins or leaves. */
    static final class Members {
        final BackendPool pool;
        final BackendRuntime[] list;
        final Map<String, BackendRuntime> byName;
        final Map<String, BackendRuntime> byEventTag;
        final IdentityHashMap<Backend, BackendRuntime> byBackend;

        /** The members {@code list} of a pool configured like {@code base}. */
        Members(BackendPool base, BackendRuntime[] list) {
            this.list = list;
            List<Backend> backends = new ArrayList<>(list.length);
            for (BackendRuntime br : list) {
                backends.add(br.backend);
            }
            this.pool = base.withBackends(backends);
            this.byName = new HashMap<>();
            this.byEventTag = new HashMap<>();
            this.byBackend = new IdentityHashMap<>();
            for (BackendRuntime br : list) {
                byName.put(br.backend.name(), br);
                byEventTag.put(br.eventTag, br);
                byBackend.put(br.backend, br);
            }
        }
    }

    /** The available candidates at one moment, and until when that answer holds. */
    static final class Snapshot {
        final Candidates.Live available;
        /** Every member not draining: where requests go in panic. */
        final Candidates.Live all;

        final boolean panic;
        final int version;
        final long validUntil;

        Snapshot(Candidates.Live available, Candidates.Live all, boolean panic, int version, long validUntil) {
            this.available = available;
            this.all = all;
            this.panic = panic;
            this.version = version;
            this.validUntil = validUntil;
        }
    }

    /** A backend being drained: it ends when its last request in flight ends, or at the deadline. */
    final class Drain {
        final BackendRuntime br;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Drain(BackendRuntime br) {
            this.br = br;
        }

        /** The backend's last request in flight ended. */
        void idle() {
            finish(this, false);
        }
    }

    PoolRuntime(BackendPool pool, Ticker ticker, GatewayListener listener, Function<Backend, Transport.Route> routes) {
        this.ticker = ticker;
        this.listener = listener;
        this.routes = routes;
        this.openNanos = pool.circuitBreaker().openDuration().toNanos();
        this.outliers = pool.outlierDetection();
        this.baseEjectionNanos = outliers.baseEjectionTime().toNanos();
        this.maxEjectionNanos = outliers.maxEjectionTime().toNanos();
        BackendRuntime[] list = new BackendRuntime[pool.backends().size()];
        for (int i = 0; i < list.length; i++) {
            list[i] = newRuntime(pool, pool.backends().get(i));
        }
        this.members = new Members(pool, list);
        this.snapshot = refresh();
    }

    private BackendRuntime newRuntime(BackendPool pool, Backend backend) {
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
        BackendRuntime br = new BackendRuntime(
                pool.name(), backend, nextIndex++, routes.apply(backend), ticker, pool.slowStart(), breaker);
        holder[0] = br;
        return br;
    }

    void onMembershipChange(Consumer<BackendRuntime> join, Consumer<BackendRuntime> leave) {
        this.onJoin = join;
        this.onLeave = leave;
    }

    /** The current members. */
    Members members() {
        return members;
    }

    /** The pool as configured now, with the current members. */
    BackendPool pool() {
        return members.pool;
    }

    /** One more than the largest {@link BackendRuntime#index} handed out so far. */
    synchronized int indexBound() {
        return nextIndex;
    }

    // ---- membership ----

    /**
     * Adds a backend; it takes requests at once (ramping up over slow start) and is health-checked from now on.
     *
     * @throws IllegalArgumentException if the pool has a member of that name, draining ones included
     */
    BackendRuntime add(Backend backend) {
        BackendRuntime br;
        synchronized (this) {
            Members m = members;
            if (m.byName.containsKey(backend.name())) {
                throw new IllegalArgumentException("pool '" + m.pool.name() + "' already has a backend named '"
                        + backend.name() + "'" + (m.byName.get(backend.name()).draining ? " (draining)" : ""));
            }
            for (BackendRuntime other : m.list) {
                // a draining member may share it: that is how a backend is replaced under a new name
                if (!other.draining
                        && other.backend.url().normalize().equals(backend.url().normalize())) {
                    throw new IllegalArgumentException("pool '" + m.pool.name() + "': backend '" + other.backend.name()
                            + "' already has the URL " + backend.url());
                }
            }
            br = newRuntime(m.pool, backend);
            br.startRamp();
            BackendRuntime[] list = Arrays.copyOf(m.list, m.list.length + 1);
            list[m.list.length] = br;
            members = new Members(m.pool, list);
            changed();
        }
        log.info("backend {} ({}) added to pool {}", backend.name(), backend.url(), members.pool.name());
        onJoin.accept(br);
        return br;
    }

    /**
     * Starts draining the named backend: no new request starts on it (its sessions get 404 and re-initialize
     * elsewhere); once the requests in flight have ended, or at the deadline, it leaves the pool. Draining a backend
     * already draining returns the drain in progress.
     *
     * @return the drain, or null if the pool has no member of that name
     */
    @Nullable
    Drain drain(String name, Duration timeout) {
        Drain d;
        synchronized (this) {
            BackendRuntime br = members.byName.get(name);
            if (br == null) {
                return null;
            }
            if (br.drain != null) {
                return br.drain;
            }
            d = new Drain(br);
            br.drain = d;
            br.draining = true;
            changed();
        }
        log.info(
                "backend {} draining: {} requests in flight, removed at the latest in {}",
                name,
                d.br.inFlight.get(),
                timeout);
        if (d.br.inFlight.get() == 0) {
            finish(d, false);
        } else if (timeout.isZero()) {
            finish(d, true);
        } else {
            CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    .execute(() -> finish(d, true));
        }
        return d;
    }

    /** Ends a drain: takes the backend out of the pool; at the deadline, cancels what it still has in flight. */
    private void finish(Drain d, boolean deadline) {
        BackendRuntime br = d.br;
        synchronized (this) {
            if (br.removed) {
                return;
            }
            br.removed = true;
            Members m = members;
            BackendRuntime[] list = new BackendRuntime[m.list.length - 1];
            int j = 0;
            for (BackendRuntime r : m.list) {
                if (r != br) list[j++] = r;
            }
            members = new Members(m.pool, list);
            changed();
        }
        int left = br.inFlight.get();
        if (deadline && left > 0) {
            log.warn(
                    "backend {} removed from pool {} at its drain deadline; cancelling {} requests still in flight",
                    br.backend.name(),
                    members.pool.name(),
                    left);
        } else {
            log.info("backend {} drained and removed from pool {}", br.backend.name(), members.pool.name());
        }
        onLeave.accept(br); // cancels calls still running on it
        d.done.complete(null);
    }

    // ---- availability ----

    /** The current availability; cheap when nothing changed. */
    Snapshot snapshot() {
        Snapshot s = snapshot;
        if (s.version == version.get() && ticker.read() - s.validUntil < 0) {
            return s;
        }
        s = refresh();
        dispatch();
        return s;
    }

    /** Queues a listener call; whoever queues it calls {@link #dispatch} once it holds no lock. */
    private void emit(Runnable call) {
        if (listener != GatewayListener.NONE) {
            events.add(call);
        }
    }

    /**
     * Runs the queued listener calls in the order they were queued, one at a time, on the calling thread. Must be
     * called with no lock held. While another thread is running them, returns at once: that thread runs ours too.
     */
    void dispatch() {
        if (events.isEmpty() || dispatching.getAndIncrement() != 0) {
            return;
        }
        int missed = 1;
        while (true) {
            for (Runnable call; (call = events.poll()) != null; ) {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    log.warn("listener call failed; ignored", e);
                }
            }
            missed = dispatching.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /**
     * Whether every member that is not draining, ejected or failing health checks has its breaker open or half-open
     * with no trial left: no backend is available because of circuit breakers (told to exchange listeners).
     */
    boolean circuitsOpen() {
        boolean any = false;
        for (BackendRuntime br : members.list) {
            if (br.removed || br.draining || br.ejected || !br.healthy) continue;
            if (br.circuitState() == CircuitState.CLOSED) return false;
            any = true;
        }
        return any;
    }

    /** The backends new requests may go to: the available ones, or in panic all of them. */
    Candidates.Live routable(Snapshot s) {
        return s.panic ? s.all : s.available;
    }

    /** Something changed that may change availability: the next request rebuilds the snapshot. */
    void changed() {
        version.incrementAndGet();
    }

    private synchronized Snapshot refresh() {
        Snapshot current = snapshot;
        int v = version.get();
        long now = ticker.read();
        if (current != null && current.version == v && now - current.validUntil < 0) {
            return current; // rebuilt by the thread this one waited for
        }
        long validUntil = now + NEVER.toNanos();
        BackendRuntime[] members = this.members.list;
        List<BackendRuntime> available = new ArrayList<>(members.length);
        List<BackendRuntime> serving = new ArrayList<>(members.length);
        for (BackendRuntime br : members) {
            if (br.ejected && now - br.ejectedUntil >= 0) {
                br.ejected = false;
                br.restoredAt = now;
                br.startRamp();
                log.info("backend {} restored after ejection", br.backend.name());
                emit(() -> listener.backendRestored(br.backend));
            }
            if (br.ejected) {
                validUntil = Math.min(validUntil, br.ejectedUntil);
            }
            if (br.breaker != null && br.breaker.isOpen()) {
                long opened = br.breakerOpenedAt.get();
                if (opened == BackendRuntime.NOT_STAMPED) { // opened an instant ago: its onOpen has not run yet
                    br.breakerOpenedAt.compareAndSet(BackendRuntime.NOT_STAMPED, now);
                    opened = br.breakerOpenedAt.get();
                }
                long due = opened + openNanos;
                if (now - due >= 0) {
                    br.breakerOpenedAt.set(BackendRuntime.NOT_STAMPED);
                    br.breaker.halfOpen(); // open long enough: let the trial requests through
                } else {
                    validUntil = Math.min(validUntil, due);
                }
            }
            if (br.draining) {
                continue;
            }
            serving.add(br);
            if (br.healthy && !br.ejected && (br.breaker == null || !br.breaker.isOpen())) {
                available.add(br);
            }
        }
        int total = serving.size();
        BackendPool pool = this.members.pool;
        boolean nowPanic = available.size() * 100 < total * pool.panicThresholdPercent();
        if (nowPanic != panic) {
            panic = nowPanic;
            if (nowPanic) {
                log.warn(
                        "pool {} is in panic: {} of {} backends available; {}",
                        pool.name(),
                        available.size(),
                        total,
                        pool.failFastInPanic() ? "refusing new requests" : "spreading requests over all backends");
            } else {
                log.info("pool {} left panic: {} of {} backends available", pool.name(), available.size(), total);
            }
            int n = available.size();
            emit(() -> listener.panicModeChanged(pool.name(), nowPanic, n, total));
        }
        Candidates.Live all = new Candidates.Live(serving.toArray(new BackendRuntime[0]));
        Snapshot s = new Snapshot(
                available.size() == total ? all : new Candidates.Live(available.toArray(new BackendRuntime[0])),
                all,
                nowPanic,
                v,
                validUntil);
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
        if (gatewayFailure
                && outliers.enabled()
                && br.consecutiveGatewayFailures.get() >= outliers.consecutiveFailures()
                && !br.ejected) {
            tryEject(br);
        }
        dispatch(); // what Failsafe's listeners and tryEject queued
    }

    private synchronized void tryEject(BackendRuntime br) {
        if (br.ejected) {
            return;
        }
        int ejectedNow = 0;
        BackendRuntime[] list = members.list;
        for (BackendRuntime other : list) {
            if (other.ejected) ejectedNow++;
        }
        int maxEjected = Math.max(1, list.length * outliers.maxEjectionPercent() / 100);
        if (ejectedNow >= maxEjected) {
            log.info(
                    "backend {} failed {} times in a row but {} of {} backends are already ejected (the cap)",
                    br.backend.name(),
                    br.consecutiveGatewayFailures.get(),
                    ejectedNow,
                    list.length);
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
        log.warn(
                "backend {} ejected for {} (ejection #{}) after {} gateway-side failures in a row",
                br.backend.name(),
                d,
                br.timesEjected,
                outliers.consecutiveFailures());
        int times = br.timesEjected;
        emit(() -> listener.backendEjected(br.backend, d, times));
    }

    private void circuitChanged(BackendRuntime br, CircuitState state) {
        if (br == null) {
            return;
        }
        if (state == CircuitState.OPEN) {
            br.breakerOpenedAt.compareAndSet(BackendRuntime.NOT_STAMPED, ticker.read());
            log.warn("circuit of backend {} opened", br.backend.name());
        } else {
            log.info(
                    "circuit of backend {} is {}",
                    br.backend.name(),
                    state == CircuitState.CLOSED ? "closed" : "half-open");
            if (state == CircuitState.CLOSED) {
                br.startRamp();
            }
        }
        changed();
        emit(() -> listener.circuitStateChanged(br.backend, state)); // under Failsafe's state lock, or ours
    }

    /** Called by the health checker when its verdict on a backend changes. */
    void healthChanged(BackendRuntime br, boolean healthy, @Nullable String reason) {
        br.healthy = healthy;
        if (healthy) {
            br.startRamp();
            log.info("backend {} is healthy", br.backend.name());
        } else {
            log.warn("backend {} is unhealthy: {}", br.backend.name(), reason);
        }
        changed();
        emit(() -> listener.healthChanged(br.backend, healthy, reason)); // under the health checker's lock
    }
}
