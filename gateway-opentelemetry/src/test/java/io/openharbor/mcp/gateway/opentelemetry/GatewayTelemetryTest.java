package io.openharbor.mcp.gateway.opentelemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.LoadBalancer;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.testing.DeadPort;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Spans and metrics against scripted backends, with the OpenTelemetry SDK's in-memory exporters. */
class GatewayTelemetryTest {
    private static final String CLIENT_PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final String META_PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final MockWebServer backend = new MockWebServer();
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(
                    SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpServer host;
    private Gateway gateway;

    @BeforeEach
    void start() throws IOException {
        backend.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    private final DeadPort deadPort = new DeadPort();

    @AfterEach
    void stop() {
        deadPort.close();
        if (host != null) host.stop(0);
        if (gateway != null) gateway.close();
        backend.close();
        otel.close();
    }

    private String gateway(String... urls) throws IOException {
        BackendPool.Builder pool = BackendPool.builder("pool")
                .healthCheck(HealthCheckPolicy.disabled())
                .loadBalancer(LoadBalancer.roundRobin());
        char name = 'a';
        for (String url : urls) {
            pool.backend(Backend.of(String.valueOf(name++), url));
        }
        gateway = Gateway.builder()
                .pool(pool.build())
                .exchangeListener(GatewayTelemetry.builder(otel).metrics(true).build())
                .build();
        host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host.createContext("/mcp", new GatewayHttpHandler(gateway));
        host.start();
        return "http://127.0.0.1:" + host.getAddress().getPort() + "/mcp";
    }

    private HttpResponse<String> post(String url, String body, String traceparent) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .header("MCP-Protocol-Version", "2025-06-18")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            b.header("traceparent", traceparent);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The spans once there are {@code count} (the SERVER span ends just after the answer is out). */
    private List<SpanData> awaitSpans(int count) {
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> spans.getFinishedSpanItems().size() >= count);
        return spans.getFinishedSpanItems();
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    private static SpanData kind(List<SpanData> all, SpanKind kind) {
        return all.stream().filter(s -> s.getKind() == kind).findFirst().orElseThrow();
    }

    @Test
    void aToolCallIsAServerSpanOverAClientSpanWhoseContextGoesUpstream() throws Exception {
        String url = gateway(backend.url("/mcp").toString());
        backend.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[],\"isError\":true}}"));
        String body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"add\","
                + "\"arguments\":{\"secret\":\"s3cr3t\"}}}";
        assertThat(post(url, body, CLIENT_PARENT).statusCode()).isEqualTo(200);
        List<SpanData> all = awaitSpans(2);
        assertThat(all).hasSize(2);
        SpanData server = kind(all, SpanKind.SERVER);
        SpanData call = kind(all, SpanKind.CLIENT);
        assertThat(server.getName()).isEqualTo("tools/call add");
        assertThat(server.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c"); // the HTTP traceparent's
        assertThat(server.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(call.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(call.getTraceId()).isEqualTo(server.getTraceId());
        assertThat(server.getAttributes().get(AttributeKey.stringKey("mcp.method.name")))
                .isEqualTo("tools/call");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name")))
                .isEqualTo("add");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("jsonrpc.request.id")))
                .isEqualTo("1");
        assertThat(server.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo("tool_error");
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(call.getAttributes().get(AttributeKey.stringKey("openharbor.mcp.backend")))
                .isEqualTo("a");
        assertThat(call.getAttributes().get(AttributeKey.longKey("server.port")))
                .isEqualTo((long) backend.getPort());
        assertThat(server.getAttributes().toString() + call.getAttributes()).doesNotContain("s3cr3t");
        RecordedRequest upstream = backend.takeRequest(5, TimeUnit.SECONDS);
        assertThat(upstream.getHeaders().get("traceparent"))
                .isEqualTo("00-" + call.getTraceId() + "-" + call.getSpanId() + "-01");
        assertThat(upstream.getBody().string(StandardCharsets.UTF_8)).isEqualTo(body);
    }

    @Test
    void metaTraceparentWinsOverTheHeaderAndIsOverwrittenUpstream() throws Exception {
        String url = gateway(backend.url("/mcp").toString());
        backend.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"result\":{}}"));
        String body = "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"ping\",\"params\":{\"_meta\":"
                + "{\"traceparent\":\"" + META_PARENT + "\"}}}";
        post(url, body, CLIENT_PARENT);
        List<SpanData> all = awaitSpans(2);
        SpanData server = kind(all, SpanKind.SERVER);
        SpanData call = kind(all, SpanKind.CLIENT);
        assertThat(server.getName()).isEqualTo("ping");
        assertThat(server.getTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(server.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
        String sent = "00-" + call.getTraceId() + "-" + call.getSpanId() + "-01";
        RecordedRequest upstream = backend.takeRequest(5, TimeUnit.SECONDS);
        assertThat(upstream.getHeaders().get("traceparent")).isEqualTo(sent);
        assertThat(upstream.getBody().string(StandardCharsets.UTF_8)).isEqualTo(body.replace(META_PARENT, sent));
    }

    @Test
    void aFailoverIsTwoClientSpansUnderOneServerSpan() throws Exception {
        String dead = deadPort.url();
        String url = gateway(dead, backend.url("/mcp").toString());
        backend.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[]}}"));
        assertThat(post(url, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}", null)
                        .statusCode())
                .isEqualTo(200);
        List<SpanData> all = awaitSpans(3);
        SpanData server = kind(all, SpanKind.SERVER);
        List<SpanData> calls =
                all.stream().filter(s -> s.getKind() == SpanKind.CLIENT).toList();
        assertThat(calls).hasSize(2);
        assertThat(calls).allSatisfy(c -> assertThat(c.getParentSpanId()).isEqualTo(server.getSpanId()));
        assertThat(calls.get(0).getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo("backend_error");
        assertThat(calls.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(server.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(server.getParentSpanId()).isEqualTo("0000000000000000"); // a root: no context came
    }

    @Test
    void metricsHaveBoundedAttributes() throws Exception {
        String url = gateway(backend.url("/mcp").toString());
        for (int i = 0; i < 50; i++) {
            backend.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"error\":{\"code\":-32602,\"message\":"
                    + "\"Unknown tool\"}}"));
            post(
                    url,
                    "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"tools/call\",\"params\":{\"name\":\"t" + i
                            + "\"}}",
                    null);
        }
        awaitSpans(100);
        List<MetricData> data = List.copyOf(metrics.collectAllMetrics());
        MetricData server = data.stream()
                .filter(m -> m.getName().equals("mcp.server.operation.duration"))
                .findFirst()
                .orElseThrow();
        assertThat(server.getUnit()).isEqualTo("s");
        assertThat(server.getHistogramData().getPoints()).hasSize(1);
        var point = server.getHistogramData().getPoints().iterator().next();
        assertThat(point.getCount()).isEqualTo(50);
        assertThat(point.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name")))
                .isEqualTo("_OTHER");
        assertThat(point.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo("-32602");
        assertThat(data.stream().filter(m -> m.getName().equals("mcp.client.operation.duration")))
                .singleElement()
                .satisfies(m -> assertThat(m.getHistogramData().getPoints()).hasSize(1));
    }
}
