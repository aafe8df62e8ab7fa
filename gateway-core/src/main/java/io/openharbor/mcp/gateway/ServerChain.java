package io.openharbor.mcp.gateway;

import org.jspecify.annotations.Nullable;

/**
 * The request path's stages that belong to one pool of replicas: its live members, its session route, its forwarder
 * (router, transport attempts, relay) and its health. A single-server gateway has one; a federated gateway one per
 * {@link McpServer}, all sharing the gateway's transport, executor and heartbeats.
 */
final class ServerChain {
    final BackendPool pool;
    final PoolRuntime runtime;
    final SessionRoute sessions;
    final Forwarder forwarder;
    final PoolHealth health;
    final @Nullable HealthChecker healthChecker;

    ServerChain(
            BackendPool pool,
            PoolRuntime runtime,
            SessionRoute sessions,
            Forwarder forwarder,
            PoolHealth health,
            @Nullable HealthChecker healthChecker) {
        this.pool = pool;
        this.runtime = runtime;
        this.sessions = sessions;
        this.forwarder = forwarder;
        this.health = health;
        this.healthChecker = healthChecker;
    }

    /** Connections to this pool's backends that carry an exchange now. */
    int connectionsInUse() {
        int n = 0;
        for (BackendRuntime br : runtime.members().list) {
            n += br.route.connectionsInUse();
        }
        return n;
    }
}
