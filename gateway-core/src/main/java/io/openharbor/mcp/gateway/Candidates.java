package io.openharbor.mcp.gateway;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import org.jspecify.annotations.Nullable;

/**
 * The read-only list of backends a {@link LoadBalancer} chooses from, with the per-candidate numbers the built-in
 * strategies need. The gateway passes {@link Live} lists, which read the backends' runtimes directly; for a list that
 * came from elsewhere (a user calling a built-in strategy with their own list), {@link #of} wraps it and asks the
 * {@link RoutingContext}. Either way a strategy is written once, against this class.
 */
abstract class Candidates extends AbstractList<Backend> implements RandomAccess {

    /** Requests in flight to candidate {@code i}. */
    abstract int inFlight(int i);

    /** Candidate {@code i}'s peak-EWMA latency, decayed to now, in nanoseconds (0 when unknown). */
    abstract double latencyNanos(int i);

    /** Candidate {@code i}'s weight, slow start applied. */
    abstract double weight(int i);

    /** A small number that identifies candidate {@code i} across calls (its runtime's index, never reused), for per-backend state. */
    abstract int key(int i);

    static Candidates of(List<Backend> list, RoutingContext ctx) {
        return list instanceof Candidates candidates ? candidates : new Wrapped(list, ctx);
    }

    /** Candidates backed by the gateway's runtimes: no lookups, no allocation. */
    static final class Live extends Candidates {
        final BackendRuntime[] runtimes;

        Live(BackendRuntime[] runtimes) {
            this.runtimes = runtimes;
        }

        /** These candidates without the ones {@code excluded} marks (indexed by {@link BackendRuntime#index}). */
        Live without(boolean[] excluded) {
            int n = 0;
            for (BackendRuntime br : runtimes) {
                if (br.index >= excluded.length || !excluded[br.index]) n++;
            }
            BackendRuntime[] left = new BackendRuntime[n];
            int j = 0;
            for (BackendRuntime br : runtimes) {
                if (br.index >= excluded.length || !excluded[br.index]) left[j++] = br;
            }
            return new Live(left);
        }

        /** The runtime of {@code backend} among these candidates (an identity scan), or null. */
        @SuppressWarnings("ReferenceEquality") // the pool's own instance is asked for; identity is the question
        @Nullable
        BackendRuntime find(Backend backend) {
            for (BackendRuntime r : runtimes) {
                if (r.backend == backend) return r;
            }
            return null;
        }

        /** Whether {@code br} is one of these candidates (an identity scan). */
        boolean holds(BackendRuntime br) {
            for (BackendRuntime r : runtimes) {
                if (r == br) return true;
            }
            return false;
        }

        @Override
        public Backend get(int i) {
            return runtimes[i].backend;
        }

        @Override
        public int size() {
            return runtimes.length;
        }

        @Override
        int inFlight(int i) {
            return runtimes[i].inFlight.get();
        }

        @Override
        double latencyNanos(int i) {
            return runtimes[i].latencyNanos();
        }

        @Override
        double weight(int i) {
            return runtimes[i].effectiveWeight();
        }

        @Override
        int key(int i) {
            return runtimes[i].index;
        }
    }

    /** Any list, with the numbers taken from the routing context. */
    private static final class Wrapped extends Candidates {
        private final List<Backend> list;
        private final RoutingContext ctx;

        Wrapped(List<Backend> list, RoutingContext ctx) {
            this.list = list;
            this.ctx = ctx;
        }

        @Override
        public Backend get(int i) {
            return list.get(i);
        }

        @Override
        public int size() {
            return list.size();
        }

        @Override
        int inFlight(int i) {
            return ctx.inFlight(list.get(i));
        }

        @Override
        double latencyNanos(int i) {
            return ctx.latencyNanos(list.get(i));
        }

        @Override
        double weight(int i) {
            return ctx.weight(list.get(i));
        }

        @Override
        int key(int i) {
            return i;
        }
    }
}
