package io.openharbor.mcp.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.Gateway;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code Gateway:Security:OAuth} and the backends' own headers, from the file and the environment. */
@SuppressWarnings("try") // Fixture.close() passes on what it closes
class OAuthConfigTest {
    private static final String BACKEND = "{\"Url\":\"http://127.0.0.1:9/mcp\"}";

    private static GatewayConfig load(String security, Map<String, String> env) {
        return GatewayConfig.loader()
                .environment(env)
                .json("{\"Gateway\":{\"BackendServers\":[" + BACKEND + "],\"Security\":" + security + "}}")
                .load();
    }

    @Test
    void theOAuthSectionMakesTheGatewayAResourceServerThatServesItsMetadata() throws Exception {
        GatewayConfig config = load(
                "{\"OAuth\":{\"Resource\":\"http://127.0.0.1:8080/mcp\",\"Issuer\":\"http://127.0.0.1:9/realms/mcp\","
                        + "\"RequiredScopes\":[\"mcp:tools\"],\"ClockSkew\":\"00:00:30\",\"JwksRefreshInterval\":\"PT10S\"}}",
                Map.of());
        try (Fixture f = new Fixture();
                Gateway gateway = f.closeLater(config.build())) {
            assertThat(gateway.resourceMetadataPaths())
                    .containsExactly(
                            "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource");
            String base = f.host(() -> gateway);
            HttpResponse<String> none = Fixture.ping(base);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate"))
                    .hasValue(
                            "Bearer resource_metadata=\"http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp\","
                                    + " scope=\"mcp:tools\"");
        }
    }

    @Test
    void introspectionTakesItsSecretFromTheEnvironment() {
        GatewayConfig config = load(
                "{\"OAuth\":{\"Resource\":\"https://mcp.example.com/mcp\",\"Issuer\":\"https://login.example.com\","
                        + "\"CacheFor\":\"00:00:30\",\"Introspection\":{\"ClientId\":\"gateway\"}}}",
                Map.of("Gateway__Security__OAuth__Introspection__ClientSecret", "s3cret"));
        try (Gateway gateway = config.build()) {
            assertThat(gateway.resourceMetadataPaths()).hasSize(2);
        }
    }

    @Test
    void eachOAuthProblemIsNamedByItsKey() {
        assertThatThrownBy(() -> load("{\"OAuth\":{\"Resource\":\"https://mcp.example.com/mcp\"}}", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Gateway:Security:OAuth: Resource")
                .hasMessageContaining("Issuer");
        assertThatThrownBy(() -> load(
                        "{\"OAuth\":{\"Resource\":\"https://mcp.example.com/mcp\",\"Issuer\":\"http://login.example.com\","
                                + "\"Algorithms\":[\"HS256\"],\"ClockSkew\":\"00:10:00\"}}",
                        Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors())
                        .hasSize(3)
                        .anyMatch(l -> l.startsWith("Gateway:Security:OAuth:Issuer") && l.contains("https"))
                        .anyMatch(l -> l.startsWith("Gateway:Security:OAuth:Algorithms") && l.contains("never"))
                        .anyMatch(l -> l.startsWith("Gateway:Security:OAuth:ClockSkew")));
        assertThatThrownBy(() -> load(
                        "{\"ApiKey\":\"0123456789abcdef0123\",\"OAuth\":{\"Resource\":\"https://mcp.example.com/mcp\","
                                + "\"Issuer\":\"https://login.example.com\"}}",
                        Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("one authenticator");
        assertThatThrownBy(() -> load(
                        "{\"OAuth\":{\"Resource\":\"https://mcp.example.com/mcp\",\"Issuer\":\"https://login.example.com\","
                                + "\"Introspection\":{\"ClientId\":\"gateway\"}}}",
                        Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("ClientSecret");
    }

    @Test
    void aBackendGetsItsOwnHeadersAndForwardsCredentialsOnlyWhenTold() {
        GatewayConfig config = GatewayConfig.loader()
                .environment(Map.of("Gateway__BackendServers__0__Headers__Authorization", "Bearer backend-token"))
                .json("{\"Gateway\":{\"BackendServers\":[{\"Url\":\"http://127.0.0.1:9/mcp\","
                        + "\"Headers\":{\"X-Tenant\":\"t1\"}},"
                        + "{\"Url\":\"http://127.0.0.1:10/mcp\",\"ForwardClientCredentials\":true}]}}")
                .load();
        try (Gateway gateway = config.build()) {
            Backend first = gateway.pool().backends().get(0);
            assertThat(first.headers())
                    .containsOnly(Map.entry("X-Tenant", "t1"), Map.entry("Authorization", "Bearer backend-token"));
            assertThat(first.forwardsClientCredentials()).isFalse();
            assertThat(gateway.pool().backends().get(1).forwardsClientCredentials())
                    .isTrue();
        }
        GatewayConfig cc = GatewayConfig.loader()
                .environment(Map.of("Gateway__BackendServers__0__ClientCredentials__ClientSecret", "s3cret"))
                .json("{\"Gateway\":{\"BackendServers\":[{\"Url\":\"http://127.0.0.1:9/mcp\","
                        + "\"ClientCredentials\":{\"Issuer\":\"https://login.example.com\",\"ClientId\":\"gateway\","
                        + "\"Scopes\":[\"search:read\"],\"Resource\":\"https://search.internal/mcp\"}}]}}")
                .load();
        try (Gateway gateway = cc.build()) {
            assertThat(gateway.pool().backends().get(0).credentials())
                    .hasToString("OAuthClientCredentials[gateway@https://login.example.com]");
        }
        assertThatThrownBy(() -> GatewayConfig.loader()
                        .environment(Map.of())
                        .json("{\"Gateway\":{\"BackendServers\":[{\"Url\":\"http://127.0.0.1:9/mcp\","
                                + "\"ClientCredentials\":{\"Issuer\":\"https://login.example.com\"}}]}}")
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Gateway:BackendServers:0:ClientCredentials: Issuer, ClientId and ClientSecret");
        assertThatThrownBy(() -> GatewayConfig.loader()
                        .environment(Map.of())
                        .json("{\"Gateway\":{\"BackendServers\":[{\"Url\":\"http://127.0.0.1:9/mcp\","
                                + "\"Headers\":{\"Host\":\"x\"}}]}}")
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Gateway:BackendServers:0:Headers:Host");
    }
}
