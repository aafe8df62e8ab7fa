/**
 * Rate limits shared by every gateway instance through Redis: {@link RedisRateLimits}, a
 * {@link io.openharbor.mcp.gateway.RateLimiter} whose buckets live in Redis. Jedis stays behind it.
 */
@NullMarked
package io.openharbor.mcp.gateway.redis;

import org.jspecify.annotations.NullMarked;
