package io.openharbor.mcp.gateway;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The health report of a federation: every server's replicas in the seed's {@code backends[]} (named
 * {@code server/replica}), and one entry per server. It is {@code Unhealthy} (503) when a required server, or every
 * server, has no replica available; {@code Degraded} when any server is less than healthy.
 */
final class FederationHealth {
    private final List<McpServer> servers;
    private final List<ServerChain> chains;
    private final String serviceName;
    private final Clock clock;

    FederationHealth(List<McpServer> servers, List<ServerChain> chains, String serviceName, Clock clock) {
        this.servers = List.copyOf(servers);
        this.chains = List.copyOf(chains);
        this.serviceName = serviceName;
        this.clock = clock;
    }

    HealthReport report() {
        List<HealthReport.BackendHealth> backends = new ArrayList<>();
        List<HealthReport.ServerHealth> entries = new ArrayList<>(servers.size());
        List<HealthReport.CertificateInfo> certificates = List.of();
        boolean requiredDown = false;
        boolean anyUp = false;
        boolean allHealthy = true;
        boolean panic = false;
        for (int i = 0; i < servers.size(); i++) {
            McpServer s = servers.get(i);
            HealthReport r = chains.get(i).health.report();
            certificates = r.certificates();
            List<String> names = new ArrayList<>(r.backends().size());
            for (HealthReport.BackendHealth b : r.backends()) {
                String name = s.id() + "/" + b.name();
                names.add(name);
                backends.add(new HealthReport.BackendHealth(
                        name,
                        b.healthy(),
                        b.lastCheck(),
                        b.lastCheckProblem(),
                        b.available(),
                        b.draining(),
                        b.circuit(),
                        b.inFlight(),
                        b.maxConnections(),
                        b.latency(),
                        b.successRate(),
                        b.consecutiveFailures(),
                        b.ejected(),
                        b.ejectionRemaining(),
                        b.timesEjected(),
                        b.weight(),
                        b.effectiveWeight(),
                        b.certificate()));
            }
            entries.add(new HealthReport.ServerHealth(s.id(), s.prefix(), s.required(), r.status(), r.panic(), names));
            boolean up = r.status() != HealthReport.Status.UNHEALTHY;
            anyUp |= up;
            requiredDown |= s.required() && !up;
            allHealthy &= r.status() == HealthReport.Status.HEALTHY;
            panic |= r.panic();
        }
        HealthReport.Status status = requiredDown || !anyUp
                ? HealthReport.Status.UNHEALTHY
                : allHealthy ? HealthReport.Status.HEALTHY : HealthReport.Status.DEGRADED;
        return new HealthReport(
                status, serviceName, "federation", clock.instant(), panic, backends, certificates, entries);
    }
}
