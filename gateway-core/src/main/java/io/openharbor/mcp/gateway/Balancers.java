package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/** The built-in strategies behind the {@link LoadBalancer} factories. Each is thread-safe and allocation-free. */
final class Balancers {
    private Balancers() {}

    /**
     * nginx's smooth weighted round robin: every pick adds each candidate's weight to its running score, takes the
     * highest score and subtracts the total from it. Equal weights give a strict rotation; weights 5:1:1 give
     * {@code a a b a c a a} rather than {@code a a a a a b c}. O(candidates) under a lock; scores are kept per pool
     * position, so ejected or retried-around backends simply sit out a round.
     */
    static final class SmoothRoundRobin implements LoadBalancer {
        private double[] scores = new double[16];

        @Override
        public synchronized Backend pick(List<Backend> list, RoutingContext ctx) {
            Candidates c = Candidates.of(list, ctx);
            int n = c.size();
            double total = 0;
            int best = -1;
            double bestScore = 0;
            for (int i = 0; i < n; i++) {
                int key = c.key(i);
                if (key >= scores.length) {
                    scores = Arrays.copyOf(scores, Math.max(key + 1, scores.length * 2));
                }
                double w = c.weight(i);
                double score = scores[key] + w;
                scores[key] = score;
                total += w;
                if (best < 0 || score > bestScore) {
                    best = i;
                    bestScore = score;
                }
            }
            scores[c.key(best)] -= total;
            return c.get(best);
        }

        @Override
        public String toString() {
            return "roundRobin";
        }
    }

    /**
     * Power of two choices: two distinct candidates drawn at random, the one with the lower cost wins. P2C avoids the
     * herd behaviour of "always the least loaded" (every gateway instance piling onto the same idle replica) while
     * staying within a constant factor of the best choice (Mitzenmacher, "The Power of Two Choices in Randomized Load
     * Balancing", 2001).
     */
    abstract static class PowerOfTwo implements LoadBalancer {
        @Override
        public final Backend pick(List<Backend> list, RoutingContext ctx) {
            Candidates c = Candidates.of(list, ctx);
            int n = c.size();
            if (n == 1) {
                return c.get(0);
            }
            RandomGenerator random = ctx.random();
            int a = random.nextInt(n);
            int b = random.nextInt(n - 1);
            if (b >= a) {
                b++;
            }
            return cost(c, b) < cost(c, a) ? c.get(b) : c.get(a);
        }

        abstract double cost(Candidates c, int i);
    }

    /** The seed's LeastConnections, as P2C on requests in flight per unit of weight. */
    static final class LeastConnections extends PowerOfTwo {
        @Override
        double cost(Candidates c, int i) {
            return (c.inFlight(i) + 1) / c.weight(i);
        }

        @Override
        public String toString() {
            return "leastConnections";
        }
    }

    /**
     * Finagle's and Linkerd's Peak-EWMA with P2C: cost = latency average × (in flight + 1) / weight. A backend with
     * requests in flight but no measured latency yet costs a large penalty, so a new or recovering replica is not
     * flooded before its first answer shows how fast it is.
     */
    static final class PeakEwma extends PowerOfTwo {
        /** Finagle's penalty for "busy but unmeasured": large enough to lose against any measured backend. */
        static final double PENALTY = (double) (Long.MAX_VALUE >> 16);

        @Override
        double cost(Candidates c, int i) {
            double latency = c.latencyNanos(i);
            int pending = c.inFlight(i);
            if (latency == 0) {
                return pending == 0 ? 0 : (PENALTY + pending) / c.weight(i);
            }
            return latency * (pending + 1) / c.weight(i);
        }

        @Override
        public String toString() {
            return "peakEwma";
        }
    }

    /**
     * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam, "Consistent Hashing with Bounded Loads",
     * 2018; HAProxy's {@code hash-balance-factor}): requests with the same key go to the same backend as long as that
     * backend carries less than {@code balanceFactor} × the average load; otherwise the walk continues clockwise round
     * the ring. Each backend has 64 ring points per unit of weight. The ring is built once per candidate list (the
     * gateway reuses its list until a backend's availability changes), so picks do not allocate. Requests whose key is
     * null are spread by least connections.
     */
    static final class ConsistentHash implements LoadBalancer {
        static final int POINTS_PER_WEIGHT = 64;
        private final Function<GatewayRequest, String> keyFunction;
        private final double balanceFactor;
        private final LoadBalancer fallback = new LeastConnections();
        private volatile @Nullable Ring ring;

        ConsistentHash(Function<GatewayRequest, String> keyFunction, double balanceFactor) {
            this.keyFunction = requireNonNull(keyFunction, "keyFunction");
            if (!(balanceFactor > 1.0 && balanceFactor <= 100)) {
                throw new IllegalArgumentException(
                        "balanceFactor must be above 1.0 and at most 100, was: " + balanceFactor);
            }
            this.balanceFactor = balanceFactor;
        }

        @Override
        public Backend pick(List<Backend> list, RoutingContext ctx) {
            String key = keyFunction.apply(ctx.request());
            if (key == null) {
                return fallback.pick(list, ctx);
            }
            Candidates c = Candidates.of(list, ctx);
            int n = c.size();
            if (n == 1) {
                return c.get(0);
            }
            Ring r = ring;
            if (r == null || r.source != list) {
                r = new Ring(list);
                ring = r;
            }
            long total = 1;
            for (int i = 0; i < n; i++) {
                total += c.inFlight(i);
            }
            double capacity = Math.ceil(balanceFactor * total / n);
            int start = r.indexOf(hash(key));
            int points = r.points.length;
            for (int step = 0; step < points; step++) {
                int owner = r.owners[(start + step) % points];
                if (c.inFlight(owner) < capacity) {
                    return c.get(owner);
                }
            }
            return c.get(r.owners[start]);
        }

        @Override
        public String toString() {
            return "consistentHash(" + balanceFactor + ")";
        }

        /** Sorted ring points and the candidate index that owns each one. */
        static final class Ring {
            final List<Backend> source;
            final long[] points;
            final int[] owners;

            Ring(List<Backend> source) {
                this.source = source;
                int total = 0;
                for (Backend b : source) {
                    total += POINTS_PER_WEIGHT * b.weight();
                }
                long[] hashes = new long[total];
                int[] ownerOfPoint = new int[total];
                int k = 0;
                for (int i = 0; i < source.size(); i++) {
                    Backend b = source.get(i);
                    for (int j = 0, m = POINTS_PER_WEIGHT * b.weight(); j < m; j++) {
                        hashes[k] = hash(b.name() + "#" + j);
                        ownerOfPoint[k++] = i;
                    }
                }
                Integer[] order = new Integer[total];
                for (int i = 0; i < total; i++) order[i] = i;
                Arrays.sort(order, (x, y) -> Long.compareUnsigned(hashes[x], hashes[y]));
                this.points = new long[total];
                this.owners = new int[total];
                for (int i = 0; i < total; i++) {
                    points[i] = hashes[order[i]];
                    owners[i] = ownerOfPoint[order[i]];
                }
            }

            /** The first point at or after {@code h} (wrapping round). */
            int indexOf(long h) {
                int lo = 0;
                int hi = points.length - 1;
                if (Long.compareUnsigned(h, points[hi]) > 0) {
                    return 0;
                }
                while (lo < hi) {
                    int mid = (lo + hi) >>> 1;
                    if (Long.compareUnsigned(points[mid], h) < 0) {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                return lo;
            }
        }

        /** FNV-1a over the UTF-16 chars, then MurmurHash3's 64-bit finaliser for avalanche. No allocation. */
        static long hash(String s) {
            long h = 0xcbf29ce484222325L;
            for (int i = 0, n = s.length(); i < n; i++) {
                h ^= s.charAt(i);
                h *= 0x100000001b3L;
            }
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            h *= 0xc4ceb9fe1a85ec53L;
            h ^= h >>> 33;
            return h;
        }
    }
}
