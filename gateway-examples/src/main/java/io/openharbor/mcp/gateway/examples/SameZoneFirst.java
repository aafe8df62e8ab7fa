package io.openharbor.mcp.gateway.examples;

import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.LoadBalancer;
import io.openharbor.mcp.gateway.RoutingContext;
import java.util.List;

/**
 * A custom {@link LoadBalancer} in a few lines: keep traffic in the gateway's own zone (backends named
 * {@code <zone>-...}), least loaded first, and cross zones only when no local replica is a candidate (the gateway has
 * already left out unhealthy, ejected, open-circuit and full backends). Use it with
 * {@code BackendPool.builder("tools").loadBalancer(new SameZoneFirst("eu-west-1a"))}.
 */
public final class SameZoneFirst implements LoadBalancer {
    private final String prefix;
    private final LoadBalancer otherZones = LoadBalancer.peakEwma();

    public SameZoneFirst(String zone) {
        this.prefix = zone + "-";
    }

    @Override
    public Backend pick(List<Backend> candidates, RoutingContext ctx) {
        Backend best = null;
        for (Backend b : candidates) {
            if (b.name().startsWith(prefix) && (best == null || ctx.inFlight(b) < ctx.inFlight(best))) {
                best = b;
            }
        }
        return best != null ? best : otherZones.pick(candidates, ctx);
    }
}
