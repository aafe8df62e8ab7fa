package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.Test;

/** The custom strategy of the examples, in a real gateway in front of real MCP servers. */
class SameZoneFirstTest {

    private static String serverName(String base) {
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(base)
                        .endpoint("/mcp")
                        .build())
                .requestTimeout(Duration.ofSeconds(20))
                .build();
        try {
            McpSchema.InitializeResult init = client.initialize();
            return init.serverInfo().name();
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    @SuppressWarnings("try") // the local replica is closed early on purpose; the try closes it again, harmlessly
    void newSessionsStayInTheLocalZoneUntilItHasNoCandidate() throws Exception {
        try (DemoBackend local = DemoBackend.start("zone-a-1", 0, null);
                DemoBackend remote1 = DemoBackend.start("zone-b-1", 0, null);
                DemoBackend remote2 = DemoBackend.start("zone-b-2", 0, null)) {
            Gateway gateway = Gateway.builder()
                    .pool(BackendPool.builder("tools")
                            .loadBalancer(new SameZoneFirst("zone-a"))
                            .backend(Backend.of(remote1.name(), remote1.url().toString()))
                            .backend(Backend.of(local.name(), local.url().toString()))
                            .backend(Backend.of(remote2.name(), remote2.url().toString()))
                            .build())
                    .build();
            Server jetty = LoopbackJetty.start(0, Map.of("/mcp", new GatewayServlet(gateway)));
            try {
                String base = "http://127.0.0.1:" + LoopbackJetty.port(jetty);
                for (int i = 0; i < 4; i++) {
                    assertThat(serverName(base)).isEqualTo("demo-zone-a-1");
                }
                local.close(); // the local replica goes away: connections refused, failover to another zone
                for (int i = 0; i < 4; i++) {
                    assertThat(serverName(base)).startsWith("demo-zone-b-");
                }
            } finally {
                jetty.stop();
                gateway.close();
            }
        }
    }
}
