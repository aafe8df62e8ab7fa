package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.GatewayListener;
import io.openharbor.mcp.gateway.GatewayRequest;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The official MCP Java SDK as a real client, through the gateway mounted on each bundled adapter, against two MCP Java
 * SDK servers.
 */
class McpSdkThroughGatewayTest {
    private final CountDownLatch progressSeen = new CountDownLatch(1);
    private final CountDownLatch releaseTool = new CountDownLatch(1);
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final CountDownLatch deleteEnded = new CountDownLatch(1);
    private DemoBackend one;
    private DemoBackend two;
    private AutoCloseable host;
    private Gateway gateway;

    @BeforeEach
    void startReplicas() throws Exception {
        DemoBackend.StepHook gate = step -> {
            if (step == 1) {
                releaseTool.await(20, TimeUnit.SECONDS);
            }
        };
        one = DemoBackend.start("replica-1", 0, gate);
        two = DemoBackend.start("replica-2", 0, gate);
        gateway = Gateway.builder()
                .pool(BackendPool.builder("demo")
                        .backend(Backend.of(one.name(), one.url().toString()))
                        .backend(Backend.of(two.name(), two.url().toString()))
                        .build())
                .listener(new GatewayListener() {
                    @Override
                    public void requestEnd(GatewayRequest r, int status, Duration elapsed, Throwable failure) {
                        seen.add(r.httpMethod() + " " + r.rpcMethod() + " " + status + " session=" + r.hasSession());
                        if (r.httpMethod().equals("DELETE")) {
                            deleteEnded.countDown();
                        }
                    }
                })
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) host.close();
        gateway.close();
        one.close();
        two.close();
    }

    private String mount(String adapter) throws Exception {
        if (adapter.equals("jdk")) {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            GatewayHttpHandler handler = new GatewayHttpHandler(gateway);
            server.createContext("/mcp", handler);
            server.createContext("/health", handler);
            ExecutorService executor = Gateway.newRequestExecutor("sdk-test-");
            server.setExecutor(executor);
            server.start();
            host = () -> {
                server.stop(0);
                executor.shutdownNow();
            };
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }
        GatewayServlet servlet = new GatewayServlet(gateway);
        Server jetty = LoopbackJetty.start(0, Map.of("/mcp", servlet, "/health", servlet));
        host = jetty::stop;
        return "http://127.0.0.1:" + LoopbackJetty.port(jetty);
    }

    /** The SDK's client of {@code base + "/mcp"}, counting down {@code progressSeen} on each progress notification. */
    private McpSyncClient sdkClient(String base) {
        return McpClient.sync(HttpClientStreamableHttpTransport.builder(base)
                        .endpoint("/mcp")
                        .build())
                .requestTimeout(Duration.ofSeconds(30))
                .progressConsumer(p -> progressSeen.countDown())
                .build();
    }

    private static String text(CallToolResult result) {
        return ((McpSchema.TextContent) result.content().get(0)).text();
    }

    @ParameterizedTest(name = "through the {0} adapter")
    @ValueSource(strings = {"jdk", "jetty"})
    void sdkClientWorksThroughTheGateway(String adapter) throws Exception {
        String base = mount(adapter);
        McpSyncClient client = sdkClient(base);
        try {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.serverInfo().name()).startsWith("demo-replica-");

            assertThat(client.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .contains("echo", "add", "whoami", "progress");
            assertThat(text(client.callTool(new CallToolRequest("echo", Map.of("text", "hello"), null))))
                    .isEqualTo("hello");
            assertThat(text(client.callTool(new CallToolRequest("add", Map.of("a", 2, "b", 40), null))))
                    .isEqualTo("42");

            // The session stays on the replica that initialized it, though the balancer spreads new work.
            String owner = init.serverInfo().name().substring("demo-".length());
            for (int i = 0; i < 4; i++) {
                assertThat(text(client.callTool(new CallToolRequest("whoami", Map.of(), null))))
                        .isEqualTo(owner);
            }

        } finally {
            client.closeGracefully();
        }
        // Closing the client ends the session with a DELETE that reached the owning replica.
        assertThat(deleteEnded.await(10, TimeUnit.SECONDS)).as("DELETE served").isTrue();

        // The health report is served by the same adapter on its own path, in the seed's shape.
        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(health.body())
                .contains(
                        "\"status\":\"Healthy\"",
                        "\"service\":\"MCP Gateway\"",
                        "{\"name\":\"replica-1\",\"healthy\":true",
                        "{\"name\":\"replica-2\",\"healthy\":true",
                        "\"circuit\":\"closed\"");
        assertThat(seen).anyMatch(s -> s.startsWith("DELETE null 2") && s.endsWith("session=true"));
        assertThat(seen).anyMatch(s -> s.startsWith("POST initialize 200 session=false"));
        assertThat(seen).filteredOn(s -> s.contains("tools/call")).allMatch(s -> s.contains(" 200 session=true"));
    }

    /**
     * A progress notification reaches the SDK client while the tool is still running (the tool waits for the test to
     * see it before it finishes). Not on Java 25+: there the MCP Java SDK's own client (2.1.0,
     * HttpClientStreamableHttpTransport) never delivers a POST's event stream that starts with a notification, with
     * or without the gateway in between (the replica and the gateway both send it, as
     * {@link #progressStreamsThroughTheGatewayBeforeTheResult} checks on every Java version).
     */
    @ParameterizedTest(name = "through the {0} adapter")
    @ValueSource(strings = {"jdk", "jetty"})
    void sdkClientSeesProgressWhileTheToolRuns(String adapter) throws Exception {
        assumeTrue(Runtime.version().feature() < 25, "MCP Java SDK 2.1.0's client drops progress on Java 25+");
        String base = mount(adapter);
        McpSyncClient client = sdkClient(base);
        try {
            client.initialize();
            // A progress notification reaches the client while the tool is still running: the tool waits for the
            // test to see it before it finishes.
            CompletableFuture<CallToolResult> call =
                    CompletableFuture.supplyAsync(() -> client.callTool(CallToolRequest.builder("progress")
                            .arguments(Map.of("steps", 2))
                            .progressToken("progress-1")
                            .build()));
            assertThat(progressSeen.await(20, TimeUnit.SECONDS))
                    .as("progress notification seen")
                    .isTrue();
            assertThat(call).isNotDone();
            releaseTool.countDown();
            assertThat(text(call.get(20, TimeUnit.SECONDS))).isEqualTo("counted to 2");
        } finally {
            client.closeGracefully();
        }
    }

    /** The progress events of a running tool call reach the client through the gateway before its result. */
    @ParameterizedTest(name = "through the {0} adapter")
    @ValueSource(strings = {"jdk", "jetty"})
    void progressStreamsThroughTheGatewayBeforeTheResult(String adapter) throws Exception {
        String url = mount(adapter) + "/mcp";
        HttpClient http =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> init = http.send(
                post(
                        url,
                        null,
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                                + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                                + "\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(http.send(
                                post(url, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(202);

        HttpResponse<InputStream> call = http.send(
                post(
                        url,
                        session,
                        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                                + "{\"name\":\"progress\",\"arguments\":{\"steps\":2},\"_meta\":{\"progressToken\":\"p1\"}}}"),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(call.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        try (BufferedReader events =
                new java.io.BufferedReader(new java.io.InputStreamReader(call.body(), StandardCharsets.UTF_8))) {
            String first = nextData(events);
            assertThat(first).contains("\"method\":\"notifications/progress\"", "\"progressToken\":\"p1\"");
            assertThat(releaseTool.getCount()).as("the tool is still held").isEqualTo(1);
            releaseTool.countDown();
            String data = nextData(events);
            while (data.contains("notifications/progress")) {
                data = nextData(events);
            }
            assertThat(data).contains("\"id\":2", "counted to 2");
        }
    }

    private static HttpRequest post(String url, @Nullable String session, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-11-25")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
        }
        return b.build();
    }

    /** The next SSE data line (the read times out with the request after 20 s); fails at the end of the stream. */
    private static String nextData(BufferedReader events) throws IOException {
        for (String line = events.readLine(); line != null; line = events.readLine()) {
            if (line.startsWith("data:")) {
                return line.substring(5).trim();
            }
        }
        throw new AssertionError("the event stream ended early");
    }
}
