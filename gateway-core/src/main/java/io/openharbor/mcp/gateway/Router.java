package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router: which backend takes an attempt. A request pinned by its session or resumption id goes to that backend or
 * is answered (404, 503); any other asks the pool's {@link LoadBalancer} among the available backends it has not
 * tried or found full. Either way the result is a {@link Lease}: a bulkhead slot on the backend and, outside panic, a
 * breaker permit. One per gateway; the per-request part is a {@link Tried}.
 */
final class Router {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);

    private final PoolRuntime pool;
    private final BackendPool policy;
    private final Answers answers;

    Router(PoolRuntime pool, BackendPool policy, Answers answers) {
        this.pool = pool;
        this.policy = policy;
        this.answers = answers;
    }

    /** A backend taken for one attempt: its slot is held until {@link #close()}. */
    static final class Lease implements AutoCloseable {
        final BackendRuntime br;
        /** Whether the attempt holds a breaker permit (its outcome is counted by the breaker). */
        final boolean permit;

        Lease(BackendRuntime br, boolean permit) {
            this.br = br;
            this.permit = permit;
        }

        @Override
        public void close() {
            br.releaseSlot();
        }
    }

    /** What one request has tried: the backends it must not be sent to again, and its last failure. */
    static final class Tried {
        private boolean @Nullable [] excluded;

        @Nullable
        AttemptFailure lastFailure;

        @Nullable
        BackendRuntime lastFailed;

        void exclude(BackendRuntime br, int bound) {
            if (excluded == null || br.index >= excluded.length) {
                int size = Math.max(bound, br.index + 1);
                excluded = excluded == null ? new boolean[size] : Arrays.copyOf(excluded, size);
            }
            excluded[br.index] = true;
        }

        Candidates.Live from(Candidates.Live base) {
            return excluded == null ? base : base.without(excluded);
        }
    }

    void exclude(Tried tried, BackendRuntime br) {
        tried.exclude(br, pool.indexBound());
    }

    /** Whether a backend the request has not been excluded from is routable now. */
    boolean candidateLeft(Tried tried) {
        return !tried.from(pool.routable(pool.snapshot())).isEmpty();
    }

    /** The lease for the next attempt, or null after answering. */
    @Nullable
    Lease next(RequestState r, Tried tried) throws IOException {
        return r.pinned != null ? pinned(r) : choose(r, tried);
    }

    /**
     * The backend named by the session or the resumption id, with a bulkhead slot taken; null after answering 404 (the
     * session's backend is down and a conforming client re-initializes elsewhere) or 503 (its bulkhead is full).
     */
    private @Nullable Lease pinned(RequestState r) throws IOException {
        BackendRuntime br = requireNonNull(r.pinned, "called for pinned requests");
        PoolRuntime.Snapshot snap = pool.snapshot();
        if (r.clientToken != null && (br.draining || (!snap.panic && !snap.available.holds(br)))) {
            return gone(r, br);
        }
        if (!br.tryAcquireSlot()) {
            answers.full(
                    r,
                    "the session's backend " + br.backend.name() + " has " + br.backend.maxConnections()
                            + " requests in flight");
            return null;
        }
        if (br.draining) {
            br.releaseSlot();
            if (r.clientToken != null) {
                return gone(r, br);
            }
            // a resumption GET of a session-less stream: its backend is leaving, so the stream cannot be resumed
            answers.unavailable(
                    r,
                    GatewayListener.Rejection.NO_BACKEND,
                    "Service Unavailable: no backend is" + " available",
                    "the stream's backend " + br.backend.name() + " is " + unavailableReason(br));
            return null;
        }
        // Half-open: a session request may be one of the trial requests; if none is left it goes anyway (it has
        // nowhere else to go) and its outcome is not counted by the breaker.
        return new Lease(br, br.breaker != null && !snap.panic && br.breaker.tryAcquirePermit());
    }

    private @Nullable Lease gone(RequestState r, BackendRuntime br) throws IOException {
        answers.sessionBackendGone(
                r,
                "404 for {} {}: the session's backend {} is unavailable ({}); the client will" + " re-initialize",
                r.ex.method(),
                r.ex.path(),
                br.backend.name(),
                unavailableReason(br));
        return null;
    }

    /**
     * Asks the pool's balancer for an available backend that this request has not failed on or found full, and takes
     * a bulkhead slot and (outside panic) a breaker permit on it. Returns null after answering 503 when none is left.
     */
    private @Nullable Lease choose(RequestState r, Tried tried) throws IOException {
        PoolRuntime.Snapshot snap = pool.snapshot();
        if (snap.panic && policy.failFastInPanic()) {
            answers.unavailable(
                    r,
                    GatewayListener.Rejection.PANIC_FAIL_FAST,
                    "Service Unavailable: no backend is available",
                    "pool in panic, failing fast");
            return null;
        }
        Candidates.Live base = pool.routable(snap);
        boolean full = false;
        while (true) {
            Candidates.Live candidates = tried.from(base);
            if (candidates.isEmpty()) {
                noneLeft(r, tried, full);
                return null;
            }
            BackendRuntime br = pick(r, candidates);
            if (!br.tryAcquireSlot()) {
                full = true;
                exclude(tried, br);
                continue;
            }
            if (br.draining) {
                // Its drain began after the snapshot was taken: the drain may already count on it being idle.
                br.releaseSlot();
                exclude(tried, br);
                continue;
            }
            boolean permit = false;
            if (br.breaker != null && !snap.panic) {
                if (!br.breaker.tryAcquirePermit()) {
                    // half-open and its trial requests are taken: another backend it is
                    br.releaseSlot();
                    exclude(tried, br);
                    continue;
                }
                permit = true;
            }
            return new Lease(br, permit);
        }
    }

    private void noneLeft(RequestState r, Tried tried, boolean full) throws IOException {
        if (full) {
            answers.full(r, "every candidate backend is at its connection limit");
            return;
        }
        AttemptFailure last = tried.lastFailure;
        r.failure = last == null ? null : last.failure();
        if (last == null && r.events != null) {
            r.circuitOpen = pool.circuitsOpen();
        }
        if (last != null && last.tls() && tried.lastFailed != null) {
            // Every backend tried refused TLS verification (or its handshake): a configuration problem, not an outage;
            // say so, as for a single attempt.
            answers.tlsFailed(r, tried.lastFailed.backend.name(), last);
            return;
        }
        answers.unavailable(
                r,
                GatewayListener.Rejection.NO_BACKEND,
                "Service Unavailable: no backend is available",
                last == null ? "no backend available" : "every backend failed: " + last.failure());
    }

    private BackendRuntime pick(RequestState r, Candidates.Live candidates) {
        if (candidates.size() == 1) {
            return candidates.runtimes[0];
        }
        Backend picked;
        try {
            picked = policy.loadBalancer().pick(candidates, r);
        } catch (RuntimeException e) {
            log.warn("load balancer {} threw; using the first candidate", policy.loadBalancer(), e);
            return candidates.runtimes[0];
        }
        // Resolved among the candidates, not the pool's current members: a backend removed while the balancer ran is
        // still the runtime it picked, and the draining check after its slot sends the request elsewhere.
        BackendRuntime br = picked == null ? null : candidates.find(picked);
        if (br == null) {
            log.warn("load balancer returned {}, which is not a candidate; using the first candidate", picked);
            return candidates.runtimes[0];
        }
        return br;
    }

    static String unavailableReason(BackendRuntime br) {
        if (br.removed) return "removed from the pool";
        if (br.draining) return "draining";
        if (!br.healthy) return "failing health checks";
        if (br.ejected) return "ejected";
        return "circuit open";
    }
}
