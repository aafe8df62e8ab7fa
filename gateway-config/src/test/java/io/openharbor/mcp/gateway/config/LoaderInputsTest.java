package io.openharbor.mcp.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.LoadBalancer;
import io.openharbor.mcp.gateway.McpServer;
import io.openharbor.mcp.gateway.TlsPolicy;
import java.util.Map;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** What a host framework hands the loader: flattened keys with origins, and a balancer or TLS policy from code. */
class LoaderInputsTest {
    private static final LoadBalancer FIRST = (candidates, context) -> candidates.get(0);

    /** A policy of the host's own: the system's trust, but a different instance from the default. */
    private static final TlsPolicy HOSTS_OWN = new TlsPolicy() {
        @Override
        public SSLSocketFactory socketFactory() {
            return TlsPolicy.system().socketFactory();
        }

        @Override
        public X509TrustManager trustManager() {
            return TlsPolicy.system().trustManager();
        }
    };

    @Test
    void flattenedKeysAreReadAsAFileWouldBeAndTheirOriginsNameEachProblem() {
        GatewayConfig config = GatewayConfig.loader()
                .environment(Map.of())
                .keys(
                        "test properties",
                        Map.of(
                                "Gateway:BackendServers:0:Name", "one",
                                "Gateway:BackendServers:0:Url", "http://127.0.0.1:9/mcp",
                                "gateway:backendservers:0:maxconnections", "7"),
                        key -> "from " + key)
                .load();
        assertThat(config.pool().backends()).singleElement().satisfies(b -> {
            assertThat(b.name()).isEqualTo("one");
            assertThat(b.maxConnections()).isEqualTo(7);
        });

        assertThatThrownBy(() -> GatewayConfig.loader()
                        .environment(Map.of())
                        .keys(
                                "test properties",
                                Map.of(
                                        "Gateway:BackendServers:0:Url", "http://127.0.0.1:9/mcp",
                                        "Gateway:BackendServers:0:MaxConnections", "0",
                                        "Gateway:Security:RequireHttp", "true"),
                                key -> "from " + key)
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("invalid gateway configuration test properties: 2 problems")
                .hasMessageContaining(
                        "Gateway:BackendServers:0:MaxConnections = \"0\" (from Gateway:BackendServers:0:MaxConnections)")
                .hasMessageContaining("(from Gateway:Security:RequireHttp): unknown key");
    }

    @Test
    void aBackendWithoutAUrlIsOneProblemNotAlsoItsOtherKeysCalledUnknown() {
        assertThatThrownBy(() -> GatewayConfig.loader()
                        .environment(Map.of())
                        .json("{\"Gateway\":{\"BackendServers\":[{\"MaxConnections\":5,\"Weight\":2},"
                                + "{\"Url\":\"not a url\",\"Weight\":2},{\"Url\":\"http://127.0.0.1:9/mcp\"}]}}")
                        .load())
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).errors())
                        .hasSize(2)
                        .anyMatch(l -> l.startsWith("Gateway:BackendServers:0:Url: missing"))
                        .anyMatch(l -> l.startsWith("Gateway:BackendServers:1:Url = \"not a url\""))
                        .noneMatch(l -> l.contains("unknown key")));
    }

    @Test
    void aBalancerFromCodeServesEveryPoolAndConflictsWithAStrategy() {
        GatewayConfig federation = GatewayConfig.loader()
                .environment(Map.of())
                .json(
                        "{\"Gateway\":{\"LoadBalancing\":{\"Strategy\":\"ToolBased\"},\"Servers\":["
                                + "{\"Name\":\"a\",\"Prefix\":\"a\",\"BackendServers\":[{\"Url\":\"http://127.0.0.1:9/mcp\"}]},"
                                + "{\"Name\":\"b\",\"Prefix\":\"b\",\"BackendServers\":[{\"Url\":\"http://127.0.0.1:10/mcp\"}]}]}}")
                .loadBalancer(FIRST)
                .load();
        assertThat(federation.servers())
                .extracting(s -> s.pool().loadBalancer())
                .containsOnly(FIRST);

        assertThatThrownBy(() -> GatewayConfig.loader()
                        .environment(Map.of())
                        .json("{\"Gateway\":{\"LoadBalancing\":{\"Strategy\":\"RoundRobin\"},"
                                + "\"BackendServers\":[{\"Url\":\"http://127.0.0.1:9/mcp\"}]}}")
                        .loadBalancer(FIRST)
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Gateway:LoadBalancing:Strategy = \"RoundRobin\": a LoadBalancer given in code");
    }

    @Test
    void aTlsPolicyFromCodeServesHttpsBackendsWithoutTlsOptionsOfTheirOwn() {
        TlsPolicy policy = HOSTS_OWN;
        GatewayConfig config = GatewayConfig.loader()
                .environment(Map.of())
                .json("{\"Gateway\":{\"BackendServers\":["
                        + "{\"Name\":\"plain\",\"Url\":\"https://127.0.0.1:9/mcp\"},"
                        + "{\"Name\":\"own\",\"Url\":\"https://127.0.0.1:10/mcp\","
                        + "\"TlsOptions\":{\"Protocols\":[\"TLSv1.3\"]}}]}}")
                .tlsPolicy(policy)
                .load();
        assertThat(config.pool().backend("plain"))
                .extracting(Backend::tlsPolicy)
                .isSameAs(policy);
        assertThat(config.pool().backend("own")).extracting(Backend::tlsPolicy).isNotSameAs(policy);
        assertThat(config.servers()).extracting(McpServer::id).isEmpty();
    }
}
