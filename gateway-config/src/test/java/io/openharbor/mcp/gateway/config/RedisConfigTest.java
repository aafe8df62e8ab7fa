package io.openharbor.mcp.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.testing.DeadPort;
import io.openharbor.mcp.gateway.testing.FakeMcpServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code Gateway:Security:RateLimiting:Redis}: the limits shared through Redis, and its failure policy, here against a
 * Redis that is not there (gateway-redis's own tests run a real one).
 */
@SuppressWarnings("try") // Fixture.close() passes on what it closes
class RedisConfigTest {

    private static GatewayConfig load(String redis, String backend, Map<String, String> env) {
        return GatewayConfig.loader()
                .environment(env)
                .json("{\"Gateway\":{\"BackendServers\":[{\"Url\":\"" + backend + "\"}],\"Security\":{"
                        + "\"RateLimiting\":{\"RequestsPerMinute\":100,\"BurstSize\":20,\"Redis\":" + redis + "}}}}")
                .load();
    }

    @Test
    void theRedisSectionSharesTheLimitsAndItsFailurePolicyAppliesWhenRedisIsAway() throws Exception {
        try (Fixture f = new Fixture();
                DeadPort dead = new DeadPort()) {
            FakeMcpServer backend = f.backend("b");
            String redis = "redis://127.0.0.1:" + dead.port();
            GatewayConfig closed = load(
                    "{\"Url\":\"" + redis + "\",\"Timeout\":\"00:00:00.050\",\"FailurePolicy\":\"FailClosed\"}",
                    backend.url(),
                    Map.of("Gateway__Security__RateLimiting__Redis__Password", "from-the-environment"));
            Gateway g = f.closeLater(closed.build());
            assertThat(Fixture.ping(f.host(() -> g)).statusCode())
                    .as("fail closed: refused while Redis is away")
                    .isEqualTo(429);
            GatewayConfig open = load(
                    "{\"Url\":\"" + redis + "\",\"Timeout\":\"00:00:00.050\",\"FailurePolicy\":\"FailOpen\"}",
                    backend.url(),
                    Map.of());
            Gateway g2 = f.closeLater(open.build());
            assertThat(Fixture.ping(f.host(() -> g2)).statusCode())
                    .as("fail open: local buckets decide")
                    .isEqualTo(200);
        }
    }

    @Test
    void eachRedisProblemIsNamedByItsKey() {
        assertThatThrownBy(() -> load("{\"Timeout\":\"00:00:00.050\"}", "http://127.0.0.1:9/mcp", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Gateway:Security:RateLimiting:Redis:Url: missing");
        assertThatThrownBy(() -> load(
                        "{\"Url\":\"http://127.0.0.1:6379\",\"FailurePolicy\":\"Sometimes\"}",
                        "http://127.0.0.1:9/mcp",
                        Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Gateway:Security:RateLimiting:Redis:Url")
                .hasMessageContaining("redis://");
        assertThatThrownBy(() -> load(
                        "{\"Url\":\"redis://127.0.0.1:6379\",\"FailurePolicy\":\"Sometimes\",\"User\":\"gw\","
                                + "\"Timeout\":\"00:01:00\"}",
                        "http://127.0.0.1:9/mcp",
                        Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors())
                        .anyMatch(l -> l.startsWith("Gateway:Security:RateLimiting:Redis:FailurePolicy"))
                        .anyMatch(l -> l.startsWith("Gateway:Security:RateLimiting:Redis:User"))
                        .anyMatch(l -> l.startsWith("Gateway:Security:RateLimiting:Redis:Timeout")));
    }
}
