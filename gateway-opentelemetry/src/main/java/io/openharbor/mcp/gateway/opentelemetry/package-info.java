/**
 * OpenTelemetry for the gateway, on the OpenTelemetry API only: {@link GatewayTelemetry} is an
 * {@link io.openharbor.mcp.gateway.ExchangeListener.Factory} that makes a SERVER span per exchange and a CLIENT span
 * per upstream attempt, propagates the attempt's trace context upstream, and optionally records the MCP
 * semantic-convention metrics.
 */
@NullMarked
package io.openharbor.mcp.gateway.opentelemetry;

import org.jspecify.annotations.NullMarked;
