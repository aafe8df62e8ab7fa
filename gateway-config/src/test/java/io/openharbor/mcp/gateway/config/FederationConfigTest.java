package io.openharbor.mcp.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthReport;
import io.openharbor.mcp.gateway.McpServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code Gateway:Servers}: a federation from the configuration file and the environment. */
class FederationConfigTest {
    private static final String TWO_SERVERS = """
            {
              "Gateway": {
                "LoadBalancing": { "Strategy": "ToolBased", "HealthCheck": { "Enabled": false } },
                "Federation": { "NameSeparator": "__", "MaxNameLength": 48, "Timeout": "00:00:03",
                                "CatalogRefresh": "00:01:00", "ListPageSize": 50 },
                "Servers": [
                  { "Name": "docs", "Prefix": "docs", "Required": true, "Exclude": [ "debug_*" ],
                    "BackendServers": [ { "Name": "docs-1", "Url": "http://127.0.0.1:1/mcp" },
                                        { "Name": "docs-2", "Url": "http://127.0.0.1:2/mcp", "Weight": 3 } ] },
                  { "Name": "tickets", "Prefix": "tix",
                    "LoadBalancing": { "Strategy": "RoundRobin" },
                    "BackendServers": [ { "Url": "http://127.0.0.1:3/mcp" } ] }
                ]
              }
            }
            """;

    @Test
    void serversBecomeAFederationEachWithItsPool() {
        GatewayConfig config =
                GatewayConfig.loader().json(TWO_SERVERS).environment(Map.of()).load();
        assertThat(config.servers()).extracting(McpServer::id).containsExactly("docs", "tickets");
        McpServer docs = config.servers().get(0);
        assertThat(docs.prefix()).isEqualTo("docs");
        assertThat(docs.required()).isTrue();
        assertThat(docs.exposes("debug_dump")).isFalse();
        assertThat(docs.exposes("search")).isTrue();
        assertThat(docs.pool().backends()).extracting(Backend::name).containsExactly("docs-1", "docs-2");
        assertThat(docs.pool().loadBalancer().toString()).containsIgnoringCase("ewma");
        McpServer tickets = config.servers().get(1);
        assertThat(tickets.required()).isFalse();
        assertThat(tickets.pool().loadBalancer().toString()).containsIgnoringCase("round");
        assertThat(config.backendNames()).containsExactly("docs/docs-1", "docs/docs-2", "tickets/127.0.0.1:3");
        assertThatThrownBy(config::pool).isInstanceOf(IllegalStateException.class);

        try (Gateway gateway = config.build()) {
            HealthReport health = gateway.health();
            assertThat(health.servers())
                    .extracting(HealthReport.ServerHealth::prefix)
                    .containsExactly("docs", "tix");
        }
    }

    @Test
    void environmentOverridesReachTheServersKeys() {
        GatewayConfig config = GatewayConfig.loader()
                .json(TWO_SERVERS)
                .environment(Map.of(
                        "GATEWAY__SERVERS__1__PREFIX", "tickets",
                        "GATEWAY__SERVERS__1__REQUIRED", "true",
                        "GATEWAY__SERVERS__2__NAME", "wiki",
                        "GATEWAY__SERVERS__2__PREFIX", "wiki",
                        "GATEWAY__SERVERS__2__BACKENDSERVERS__0__URL", "http://127.0.0.1:4/mcp",
                        "GATEWAY__FEDERATION__TIMEOUT", "PT5S"))
                .load();
        assertThat(config.servers()).extracting(McpServer::prefix).containsExactly("docs", "tickets", "wiki");
        assertThat(config.servers().get(1).required()).isTrue();
    }

    @Test
    void aServerListWithOnlyEnvironmentVariablesWorks() {
        GatewayConfig config = GatewayConfig.loader()
                .environment(Map.of(
                        "GATEWAY__SERVERS__0__NAME", "a",
                        "GATEWAY__SERVERS__0__PREFIX", "a",
                        "GATEWAY__SERVERS__0__BACKENDSERVERS__0__URL", "http://127.0.0.1:5/mcp"))
                .load();
        assertThat(config.servers()).singleElement().extracting(McpServer::id).isEqualTo("a");
    }

    @Test
    void mistakesAreReportedTogetherNamingTheKeys() {
        String bad = """
                {
                  "Gateway": {
                    "BackendServers": [ { "Url": "http://127.0.0.1:9/mcp" } ],
                    "Federation": { "MaxNameLength": 10, "Timeout": "30" },
                    "Servers": [
                      { "Name": "one", "Prefix": "x", "BackendServers": [ { "Url": "http://127.0.0.1:1/mcp" } ] },
                      { "Name": "two", "Prefix": "x", "BackendServers": [ { "Url": "http://127.0.0.1:2/mcp" } ] },
                      { "Name": "three", "Prefix": "Bad_Prefix", "BackendServers": [ { "Url": "http://127.0.0.1:3/mcp" } ] },
                      { "Name": "four", "Prefix": "four", "Requierd": true, "BackendServers": [] }
                    ]
                  }
                }
                """;
        assertThatThrownBy(() ->
                        GatewayConfig.loader().json(bad).environment(Map.of()).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("either BackendServers (one pool) or Servers")
                .hasMessageContaining("'one' and 'two' both have the prefix 'x'")
                .hasMessageContaining("Gateway:Servers:2:Prefix = \"Bad_Prefix\"")
                .hasMessageContaining("Gateway:Federation:MaxNameLength")
                .hasMessageContaining("Gateway:Federation:Timeout")
                .hasMessageContaining("Gateway:Servers:3:BackendServers: missing")
                .hasMessageContaining("Requierd")
                .hasMessageContaining("did you mean Gateway:Servers:3:Required?");
    }

    @Test
    void aReloadAddsAServerToTheFederation(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("gateway.json");
        String one = """
                { "Gateway": { "Servers": [
                  { "Name": "docs", "Prefix": "docs", "BackendServers": [ { "Url": "http://127.0.0.1:1/mcp" } ] } ] } }
                """;
        java.nio.file.Files.writeString(file, one);
        try (ReloadingGateway gateway =
                ReloadingGateway.start(GatewayConfig.loader().file(file).environment(Map.of()))) {
            assertThat(gateway.get().servers()).extracting(McpServer::prefix).containsExactly("docs");
            java.nio.file.Files.writeString(
                    file,
                    one.replace(
                            "] } ] } }",
                            "] },\n"
                                    + "  { \"Name\": \"wiki\", \"Prefix\": \"wiki\", \"BackendServers\": [ { \"Url\":"
                                    + " \"http://127.0.0.1:2/mcp\" } ] } ] } }"));
            assertThat(gateway.reloadIfChanged())
                    .as(String.valueOf(gateway.lastError()))
                    .isTrue();
            assertThat(gateway.get().servers()).extracting(McpServer::prefix).containsExactly("docs", "wiki");
            assertThat(gateway.config().backendNames()).containsExactly("docs/127.0.0.1:1", "wiki/127.0.0.1:2");
        }
    }
}
