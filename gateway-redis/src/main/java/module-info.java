/**
 * Rate limits shared by every gateway instance through Redis: {@code io.openharbor.mcp.gateway.redis.RedisRateLimits}.
 * Jedis (an automatic module: it has no descriptor of its own) and commons-pool2 are implementation details.
 */
module io.openharbor.mcp.gateway.redis {
    exports io.openharbor.mcp.gateway.redis;

    requires transitive io.openharbor.mcp.gateway;
    requires redis.clients.jedis;
    requires org.apache.commons.pool2;
    requires org.slf4j;
}
