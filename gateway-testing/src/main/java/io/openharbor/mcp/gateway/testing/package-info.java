/**
 * Helpers for testing code that embeds the gateway: {@link io.openharbor.mcp.gateway.testing.FakeTicker},
 * {@link io.openharbor.mcp.gateway.testing.FakeMcpServer} and the JUnit 5 extension
 * {@link io.openharbor.mcp.gateway.testing.GatewayLeakCheck}.
 */
@NullMarked
package io.openharbor.mcp.gateway.testing;

import org.jspecify.annotations.NullMarked;
