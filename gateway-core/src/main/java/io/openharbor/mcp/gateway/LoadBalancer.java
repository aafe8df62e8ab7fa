package io.openharbor.mcp.gateway;

import java.util.List;
import java.util.function.Function;

/**
 * Chooses the backend for a request that is not pinned to one by its session. This is the extension point for
 * balancing strategies: a custom strategy is a lambda or a class of a few lines.
 *
 * <pre>{@code
 * // Send everything to the replica with the fewest requests in flight.
 * LoadBalancer leastBusy = (candidates, ctx) -> {
 *   Backend best = candidates.get(0);
 *   for (Backend b : candidates) if (ctx.inFlight(b) < ctx.inFlight(best)) best = b;
 *   return best;
 * };
 * }</pre>
 *
 * <p>The candidates are the backends that may take the request now: healthy by the active checks, not ejected, with a
 * breaker that admits traffic, and not yet tried by this request (or, when the pool is in panic, all of its backends).
 * A backend whose {@link Backend#maxConnections()} is reached after it was picked is skipped and {@code pick} is asked
 * again without it.
 *
 * <p>Contract: {@code candidates} is never empty and must not be modified; the result must be one of its elements.
 * {@code pick} is called concurrently from many threads, on the hot path of every request: it must be thread-safe,
 * should not allocate, and must not block. A strategy that throws or returns a non-candidate is logged and the
 * request falls back to the first candidate.
 *
 * <p>Requests that carry a session are routed to the backend named in their session token and never reach the
 * balancer.
 */
@FunctionalInterface
public interface LoadBalancer {

    /**
     * Picks one of {@code candidates} for the request described by {@code context}.
     *
     * @param candidates the backends that may serve the request (never empty, read-only)
     * @param context the request and the live state of the candidates
     * @return one element of {@code candidates}
     */
    Backend pick(List<Backend> candidates, RoutingContext context);

    /**
     * Smooth weighted round robin (nginx's): candidates take turns in proportion to their weights, interleaved rather
     * than in bursts; equal weights give a strict rotation. Each call returns a new, independent balancer.
     *
     * @return a new balancer
     */
    static LoadBalancer roundRobin() {
        return new Balancers.SmoothRoundRobin();
    }

    /**
     * The seed's LeastConnections, as power of two choices: two random candidates, the one with fewer requests in
     * flight per unit of weight wins.
     *
     * @return a new balancer
     */
    static LoadBalancer leastConnections() {
        return new Balancers.LeastConnections();
    }

    /**
     * Peak-EWMA with power of two choices, the default (Finagle's and Linkerd's): two random candidates, the one with
     * the lower latency average × (requests in flight + 1) / weight wins. A replica that turns slow is avoided after
     * its first slow answer and tried again as its average decays.
     *
     * @return a new balancer
     */
    static LoadBalancer peakEwma() {
        return new Balancers.PeakEwma();
    }

    /**
     * Consistent hashing with bounded loads: requests whose {@code keyFunction} gives the same key go to the same
     * backend (a cache-friendly affinity that survives backends joining and leaving, moving only their share of keys),
     * unless that backend already carries more than 1.25 × the average load; then the next backend round the ring
     * takes it. A {@code null} key is balanced by least connections.
     *
     * <pre>{@code
     * LoadBalancer.consistentHash(request -> request.header("X-Tenant"))
     * }</pre>
     *
     * @param keyFunction the affinity key of a request, or null to balance it by load
     * @return a new balancer
     */
    static LoadBalancer consistentHash(Function<GatewayRequest, String> keyFunction) {
        return new Balancers.ConsistentHash(keyFunction, 1.25);
    }

    /**
     * As {@link #consistentHash(Function)} with a chosen bound: a backend takes a keyed request while it carries less
     * than {@code balanceFactor} × the average load (above 1.0; lower spreads more, higher keeps affinity longer).
     *
     * @param keyFunction the affinity key of a request, or null to balance it by load
     * @param balanceFactor the most a backend may carry, as a multiple of the average load (more than 1)
     * @return a new balancer
     */
    static LoadBalancer consistentHash(Function<GatewayRequest, String> keyFunction, double balanceFactor) {
        return new Balancers.ConsistentHash(keyFunction, balanceFactor);
    }
}
