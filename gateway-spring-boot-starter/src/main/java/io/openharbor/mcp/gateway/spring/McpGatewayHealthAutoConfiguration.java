package io.openharbor.mcp.gateway.spring;

import io.openharbor.mcp.gateway.Gateway;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * The gateway in Actuator's health endpoint as {@code mcpGateway}: DOWN when no backend can take traffic, with each
 * server and backend in its details. Add it to readiness with
 * {@code management.endpoint.health.group.readiness.include=readinessState,mcpGateway}; turn it off with
 * {@code management.health.mcp-gateway.enabled=false}.
 */
@AutoConfiguration(after = McpGatewayAutoConfiguration.class)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(Gateway.class)
@ConditionalOnEnabledHealthIndicator("mcp-gateway")
public final class McpGatewayHealthAutoConfiguration {
    /** Only Spring makes one. */
    McpGatewayHealthAutoConfiguration() {}

    @Bean
    @ConditionalOnMissingBean(name = "mcpGatewayHealthIndicator")
    HealthIndicator mcpGatewayHealthIndicator(Gateway gateway) {
        return new GatewayHealthIndicator(gateway);
    }
}
