package io.openharbor.mcp.gateway.spring;

import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthReport;
import io.openharbor.mcp.gateway.HealthReport.BackendHealth;
import io.openharbor.mcp.gateway.HealthReport.ServerHealth;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's health report as Actuator shows it, in no Boot line's types: UP while some backend of every required
 * server can take traffic ({@code Healthy} or {@code Degraded}, which the details tell apart), DOWN when none can
 * ({@code Unhealthy}). Details: the verdict, and per server (a federation) and per backend what the gateway's own
 * health JSON shows.
 *
 * @param up whether the status is UP
 * @param details the details, in order
 */
record GatewayHealth(boolean up, Map<String, Object> details) {
    static GatewayHealth of(Gateway gateway) {
        HealthReport r = gateway.health();
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("verdict", r.status().label());
        h.put("pool", r.pool());
        h.put("panic", r.panic());
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
            h.put("servers", servers);
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
        h.put("backends", backends);
        return new GatewayHealth(r.status() != HealthReport.Status.UNHEALTHY, h);
    }
}
