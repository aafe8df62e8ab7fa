package io.openharbor.mcp.gateway.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.modelcontextprotocol.spec.McpSchema;
import io.openharbor.mcp.gateway.Gateway;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The example application with properties only, on a random port, in front of two SDK replicas: the SDK client
 * initializes, lists and calls through it, progress arrives while the tool still runs, Actuator's health endpoint
 * shows both backends, and the application's registry holds the gateway's meters.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "example.replicas.start=false",
            "mcp.gateway.load-balancing.strategy=round-robin",
            "mcp.gateway.load-balancing.health-check.interval=200ms"
        })
class GatewayStarterTest {
    /** The progress tool waits here after its first notification, until the test has seen that notification. */
    private static final CountDownLatch FIRST_PROGRESS_SEEN = new CountDownLatch(1);

    private static ExampleReplica a;
    private static ExampleReplica b;

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry registry;

    @Autowired
    Gateway gateway;

    @BeforeAll
    static void replicas() throws Exception {
        a = ExampleReplica.start("replica-a", 0, GatewayStarterTest::holdAfterFirstStep);
        b = ExampleReplica.start("replica-b", 0, GatewayStarterTest::holdAfterFirstStep);
    }

    private static void holdAfterFirstStep(int step) {
        if (step == 1) {
            try {
                FIRST_PROGRESS_SEEN.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        a.close();
        b.close();
    }

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry r) {
        Clients.backends(r, () -> a, () -> b);
    }

    @Test
    void theSdkClientInitializesListsAndCallsThroughTheStarterAndSessionsSpreadOverBothReplicas() {
        Set<String> answered = new HashSet<>();
        for (int i = 0; i < 8 && answered.size() < 2; i++) {
            McpSyncClient client = Clients.client(port, null);
            try {
                assertThat(client.initialize().serverInfo().name()).startsWith("example-replica-");
                assertThat(client.listTools().tools())
                        .extracting(McpSchema.Tool::name)
                        .contains("echo", "whoami", "progress");
                assertThat(text(client.callTool(new CallToolRequest("echo", Map.of("text", "hi"), null))))
                        .isEqualTo("hi");
                answered.add(text(client.callTool(new CallToolRequest("whoami", Map.of(), null))));
            } finally {
                client.closeGracefully();
            }
        }
        assertThat(answered).containsExactlyInAnyOrder("replica-a", "replica-b");
        assertThat(registry.find("mcp.server.operation.duration")
                        .tag("mcp.method.name", "tools/call")
                        .tag("gen_ai.tool.name", "echo")
                        .timer())
                .isNotNull()
                .satisfies(t -> assertThat(t.count()).isPositive());
        assertThat(registry.find("mcp.gateway.backend.available").gauges()).hasSize(2);
    }

    @Test
    void progressArrivesStreamedWhileTheToolStillRuns() {
        List<McpSchema.ProgressNotification> seen = new CopyOnWriteArrayList<>();
        McpSyncClient client = Clients.client(port, n -> {
            seen.add(n);
            FIRST_PROGRESS_SEEN.countDown(); // the tool finishes only after this: a buffered stream would time out
        });
        try {
            client.initialize();
            CallToolResult r = client.callTool(new CallToolRequest(
                    "progress", Map.of("steps", 3), Map.of("progressToken", "p-1")));
            assertThat(text(r)).isEqualTo("counted to 3");
            assertThat(seen).extracting(McpSchema.ProgressNotification::progress).contains(1.0);
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void actuatorHealthShowsTheGatewayAndBothBackends() throws Exception {
        String health = Clients.get(port, "/actuator/health");
        assertThat(health)
                .startsWith("200 ")
                .contains("\"mcpGateway\"")
                .contains("\"replica-a\"")
                .contains("\"replica-b\"")
                .contains("\"verdict\":\"Healthy\"");
        assertThat(Clients.get(port, "/actuator/health/readiness")).startsWith("200 ");
        assertThat(gateway.pool().backends()).hasSize(2);
    }

    private static String text(CallToolResult r) {
        return ((TextContent) r.content().get(0)).text();
    }
}
