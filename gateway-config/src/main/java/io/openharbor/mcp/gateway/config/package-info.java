/**
 * The gateway from a configuration file in the .NET gateway's {@code appsettings.json} shape
 * ({@link io.openharbor.mcp.gateway.config.GatewayConfig}), reloaded on change by
 * {@link io.openharbor.mcp.gateway.config.ReloadingGateway}.
 */
@NullMarked
package io.openharbor.mcp.gateway.config;

import org.jspecify.annotations.NullMarked;
