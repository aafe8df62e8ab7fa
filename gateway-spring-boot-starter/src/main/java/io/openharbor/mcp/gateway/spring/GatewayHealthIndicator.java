package io.openharbor.mcp.gateway.spring;

import io.openharbor.mcp.gateway.Gateway;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/** {@link GatewayHealth} as Boot 4's health indicator. */
final class GatewayHealthIndicator implements HealthIndicator {
    private final Gateway gateway;

    GatewayHealthIndicator(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public Health health() {
        GatewayHealth h = GatewayHealth.of(gateway);
        return (h.up() ? Health.up() : Health.down()).withDetails(h.details()).build();
    }
}
