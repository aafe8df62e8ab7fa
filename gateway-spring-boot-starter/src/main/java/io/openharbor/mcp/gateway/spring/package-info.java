/**
 * Spring Boot auto-configuration of the gateway: {@link io.openharbor.mcp.gateway.spring.McpGatewayProperties} (the
 * {@code mcp.gateway.*} properties), {@link io.openharbor.mcp.gateway.spring.McpGatewayAutoConfiguration} and
 * {@link io.openharbor.mcp.gateway.spring.GatewayBuilderCustomizer}. See {@code docs/spring-boot.md}.
 */
@NullMarked
package io.openharbor.mcp.gateway.spring;

import org.jspecify.annotations.NullMarked;
