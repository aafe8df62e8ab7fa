/**
 * The gateway's public API: {@link io.openharbor.mcp.gateway.Gateway} and its builder, backend pools, balancing,
 * health, security and the listener SPI. Everything else in the package is package-private.
 *
 * <p>Every type is null-marked (JSpecify): a parameter, return value or field may be null only where it says
 * {@code @Nullable}; NullAway checks this when the library is compiled.
 */
@NullMarked
package io.openharbor.mcp.gateway;

import org.jspecify.annotations.NullMarked;
