package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.micrometer.GatewayMeters;
import io.openharbor.mcp.gateway.opentelemetry.GatewayTelemetry;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.awaitility.Awaitility;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Metrics and traces of real MCP traffic (the official SDK's client and servers) through each bundled adapter, into a
 * real Micrometer registry and the OpenTelemetry SDK's in-memory exporter.
 */
class ObservabilityTest {
    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    private static final String CLIENT_PARENT = "00-" + TRACE + "-b7ad6b7169203331-01";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private DemoBackend replica;
    private Gateway gateway;
    private AutoCloseable host;

    @BeforeEach
    void startReplica() throws Exception {
        replica = DemoBackend.start("replica-1", 0, null);
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) host.close();
        if (gateway != null) gateway.close();
        replica.close();
        otel.close();
    }

    /** The gateway, with meters and traces, in front of {@code backends} (tried in this order), on an adapter. */
    private String mount(String adapter, Backend... backends) throws Exception {
        BackendPool.Builder pool = BackendPool.builder("demo")
                .healthCheck(HealthCheckPolicy.disabled())
                .loadBalancer((candidates, context) -> candidates.get(0));
        for (Backend b : backends) {
            pool.backend(b);
        }
        GatewayMeters meters = GatewayMeters.create(registry);
        gateway = meters.addTo(Gateway.builder().pool(pool.build()))
                .exchangeListener(GatewayTelemetry.create(otel))
                .build();
        meters.bindTo(gateway);
        if (adapter.equals("jdk")) {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/mcp", new GatewayHttpHandler(gateway));
            ExecutorService executor = Gateway.newRequestExecutor("observability-test-");
            server.setExecutor(executor);
            server.start();
            host = () -> {
                server.stop(0);
                executor.shutdownNow();
            };
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }
        Server jetty = LoopbackJetty.start(0, Map.of("/mcp", new GatewayServlet(gateway)));
        host = jetty::stop;
        return "http://127.0.0.1:" + LoopbackJetty.port(jetty);
    }

    /** The SDK client, as a traced application would send it: each request carries the caller's trace context. */
    private static McpSyncClient client(String base) {
        return McpClient.sync(HttpClientStreamableHttpTransport.builder(base)
                        .endpoint("/mcp")
                        .addHttpRequestCustomizer(
                                (request, method, uri, body, context) -> request.header("traceparent", CLIENT_PARENT))
                        .build())
                .requestTimeout(Duration.ofSeconds(20))
                .build();
    }

    private List<SpanData> named(String name, SpanKind kind) {
        return spans.getFinishedSpanItems().stream()
                .filter(s -> s.getName().equals(name) && s.getKind() == kind)
                .toList();
    }

    private long count(String name, String... tags) {
        return registry.find(name).tags(tags).timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    @ParameterizedTest(name = "through the {0} adapter")
    @ValueSource(strings = {"jdk", "jetty"})
    void aToolCallIsOneServerSpanOverOneClientSpanAndToolErrorsCountAsSuch(String adapter) throws Exception {
        String base = mount(adapter, Backend.of(replica.name(), replica.url().toString()));
        McpSyncClient client = client(base);
        try {
            client.initialize();
            client.listTools();
            CallToolResult echo = client.callTool(new CallToolRequest("echo", Map.of("text", "hi"), null));
            assertThat(echo.isError()).isNotEqualTo(true);
            CallToolResult fail = client.callTool(new CallToolRequest("fail", Map.of("reason", "test"), null));
            assertThat(fail.isError()).isTrue();
        } finally {
            client.closeGracefully();
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> named("tools/call fail", SpanKind.SERVER).size() == 1);

        SpanData server = named("tools/call echo", SpanKind.SERVER).get(0);
        List<SpanData> calls = named("tools/call echo", SpanKind.CLIENT);
        assertThat(named("tools/call echo", SpanKind.SERVER)).hasSize(1);
        assertThat(calls).hasSize(1);
        SpanData call = calls.get(0);
        assertThat(server.getTraceId()).isEqualTo(TRACE);
        assertThat(server.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(call.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(server.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name")))
                .isEqualTo("echo");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("mcp.session.id")))
                .hasSize(16);
        assertThat(call.getAttributes().get(AttributeKey.stringKey("openharbor.mcp.backend")))
                .isEqualTo("replica-1");
        // the replica saw the CLIENT span as its parent
        assertThat(replica.traceparents()).contains("00-" + TRACE + "-" + call.getSpanId() + "-01");
        assertThat(named("tools/call fail", SpanKind.SERVER)
                        .get(0)
                        .getAttributes()
                        .get(AttributeKey.stringKey("error.type")))
                .isEqualTo("tool_error");

        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> count("mcp.server.operation.duration", "gen_ai.tool.name", "fail") == 1);
        assertThat(count("mcp.server.operation.duration", "gen_ai.tool.name", "fail", "error.type", "tool_error"))
                .isEqualTo(1);
        assertThat(count("mcp.server.operation.duration", "gen_ai.tool.name", "echo", "error.type", "none"))
                .isEqualTo(1);
        assertThat(count(
                        "mcp.client.operation.duration",
                        "mcp.method.name",
                        "tools/call",
                        "openharbor.mcp.backend",
                        "replica-1"))
                .isEqualTo(2);
        assertThat(count("mcp.server.operation.duration", "mcp.method.name", "initialize"))
                .isEqualTo(1);
        assertThat(registry.get("mcp.gateway.backend.available")
                        .tag("openharbor.mcp.backend", "replica-1")
                        .gauge()
                        .value())
                .isEqualTo(1.0);
    }

    @ParameterizedTest(name = "through the {0} adapter")
    @ValueSource(strings = {"jdk", "jetty"})
    void aRetriedInitializeIsTwoClientSpansUnderOneServerSpan(String adapter) throws Exception {
        String dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            dead = "http://127.0.0.1:" + s.getLocalPort() + "/mcp";
        }
        String base = mount(
                adapter,
                Backend.of("a-dead", dead),
                Backend.of(replica.name(), replica.url().toString()));
        McpSyncClient client = client(base);
        try {
            client.initialize();
        } finally {
            client.closeGracefully();
        }
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> named("initialize", SpanKind.SERVER).size() == 1
                        && named("initialize", SpanKind.CLIENT).size() == 2);
        SpanData server = named("initialize", SpanKind.SERVER).get(0);
        List<SpanData> attempts = named("initialize", SpanKind.CLIENT);
        assertThat(attempts).allSatisfy(a -> assertThat(a.getParentSpanId()).isEqualTo(server.getSpanId()));
        assertThat(attempts)
                .extracting(a -> a.getAttributes().get(AttributeKey.stringKey("openharbor.mcp.backend")))
                .containsExactlyInAnyOrder("a-dead", "replica-1");
        assertThat(attempts)
                .extracting(a -> a.getAttributes().get(AttributeKey.stringKey("error.type")))
                .containsExactlyInAnyOrder("backend_error", null);
        assertThat(server.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isNull();
        assertThat(registry.get("mcp.gateway.retries")
                        .tag("openharbor.mcp.backend", "a-dead")
                        .counter()
                        .count())
                .isEqualTo(1);
    }
}
