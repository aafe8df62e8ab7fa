package io.openharbor.mcp.gateway.example.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** The example as a user runs it: its own replicas, its application.properties, its customizer; free ports only. */
class ExampleApplicationTest {

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theExampleServesItsOwnReplicasThroughTheGateway() throws Exception {
        try (ConfigurableApplicationContext context = SpringApplication.run(
                ExampleApplication.class,
                "--server.port=0",
                "--example.replica-a.port=" + freePort(),
                "--example.replica-b.port=" + freePort())) {
            int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
            McpSyncClient client = Clients.client(port, null);
            try {
                client.initialize();
                String who = ((TextContent) client.callTool(new CallToolRequest("whoami", Map.of(), null))
                                .content()
                                .get(0))
                        .text();
                assertThat(who).isIn("replica-a", "replica-b");
            } finally {
                client.closeGracefully();
            }
            await().atMost(Duration.ofSeconds(15))
                    .untilAsserted(() -> assertThat(Clients.get(port, "/actuator/health/readiness"))
                            .startsWith("200 "));
            assertThat(Clients.get(port, "/actuator/metrics/mcp.server.operation.duration"))
                    .startsWith("200 ")
                    .contains("tools/call");
        }
    }
}
