package io.openharbor.mcp.gateway.spring;

import io.openharbor.mcp.gateway.Gateway;

/**
 * A bean that adjusts the gateway's builder after the properties have been applied and before it is built: what
 * properties cannot say (a listener, an access policy, a clock). Customizers run in {@code @Order} order; the
 * example application has one.
 */
@FunctionalInterface
public interface GatewayBuilderCustomizer {
    /**
     * Adjusts the builder.
     *
     * @param builder the builder, with every {@code mcp.gateway.*} property applied
     */
    void customize(Gateway.Builder builder);
}
