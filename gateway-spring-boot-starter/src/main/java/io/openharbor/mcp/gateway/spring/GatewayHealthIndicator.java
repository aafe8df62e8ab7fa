package io.openharbor.mcp.gateway.spring;

import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthReport;
import io.openharbor.mcp.gateway.HealthReport.BackendHealth;
import io.openharbor.mcp.gateway.HealthReport.ServerHealth;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The gateway's health report as Actuator's: UP while some backend of every required server can take traffic
 * ({@code Healthy} or {@code Degraded}, which the details tell apart), DOWN when none can ({@code Unhealthy}). Details:
 * the verdict, and per server (a federation) and per backend what {@code /health} of the gateway shows.
 */
final class GatewayHealthIndicator implements HealthIndicator {
    private final Gateway gateway;

    GatewayHealthIndicator(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public Health health() {
        HealthReport r = gateway.health();
        Health.Builder h = r.status() == HealthReport.Status.UNHEALTHY ? Health.down() : Health.up();
        h.withDetail("verdict", r.status().label()).withDetail("pool", r.pool()).withDetail("panic", r.panic());
        if (!r.servers().isEmpty()) {
            Map<String, Object> servers = new LinkedHashMap<>();
            for (ServerHealth s : r.servers()) {
                Map<String, Object> d = new LinkedHashMap<>();
                d.put("verdict", s.status().label());
                d.put("prefix", s.prefix());
                d.put("required", s.required());
                d.put("panic", s.panic());
                d.put("backends", s.backends());
                servers.put(s.name(), d);
            }
            h.withDetail("servers", servers);
        }
        Map<String, Object> backends = new LinkedHashMap<>();
        for (BackendHealth b : r.backends()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("healthy", b.healthy());
            d.put("available", b.available());
            d.put("draining", b.draining());
            d.put("circuit", b.circuit().name());
            d.put("inFlight", b.inFlight());
            d.put("maxConnections", b.maxConnections());
            d.put("latencyMillis", b.latency().toNanos() / 1e6);
            d.put("successRate", b.successRate());
            d.put("ejected", b.ejected());
            if (b.lastCheck() != null) {
                d.put("lastCheck", b.lastCheck().toString());
            }
            if (b.lastCheckProblem() != null) {
                d.put("lastCheckProblem", b.lastCheckProblem());
            }
            if (b.certificate() != null) {
                d.put("certificateNotAfter", b.certificate().notAfter().toString());
                d.put("certificateDaysLeft", b.certificate().daysLeft());
            }
            backends.put(b.name(), d);
        }
        return h.withDetail("backends", backends).build();
    }
}
