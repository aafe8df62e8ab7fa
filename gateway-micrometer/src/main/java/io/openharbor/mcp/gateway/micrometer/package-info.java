/**
 * Micrometer meters for the gateway: {@link GatewayMeters} records the MCP semantic-convention timers per message and
 * per upstream attempt, counts rejections, retries, ejections and circuit transitions, and gauges the backends, with
 * tag values of bounded variety.
 */
@NullMarked
package io.openharbor.mcp.gateway.micrometer;

import org.jspecify.annotations.NullMarked;
