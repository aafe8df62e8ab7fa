package io.openharbor.mcp.gateway;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

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
     * Round robin: each call takes the next candidate in turn. With weights, a smooth weighted round robin arrives with
     * the resilience work; this one treats all candidates alike. Each call returns a new, independent balancer.
     */
    static LoadBalancer roundRobin() {
        AtomicInteger next = new AtomicInteger();
        return (candidates, context) -> candidates.get(Math.floorMod(next.getAndIncrement(), candidates.size()));
    }
}
