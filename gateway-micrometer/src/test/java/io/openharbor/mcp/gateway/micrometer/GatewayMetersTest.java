package io.openharbor.mcp.gateway.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.LoadBalancer;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The meters against scripted backends, in a real {@link SimpleMeterRegistry}. */
class GatewayMetersTest {
    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");
    private static final Pattern NAME = Pattern.compile("\"name\":\"([^\"]+)\"");

    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private HttpServer backend;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpServer host;
    private Gateway gateway;
    private GatewayMeters meters;

    @BeforeEach
    void start() throws IOException {
        // A scripted MCP server (the JDK's, with TCP_NODELAY: MockWebServer's answers stall on delayed ACKs, 44 ms
        // each, too slow for ten thousand): lists "add" and "fail"; "add" succeeds, "fail" returns isError, any other
        // name gets -32602.
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/mcp", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher id = ID.matcher(body);
            String idJson = id.find() ? id.group(1) : "null";
            String answer;
            if (body.contains("\"tools/list\"")) {
                answer = "{\"tools\":[{\"name\":\"add\"},{\"name\":\"fail\"}]}";
            } else {
                Matcher name = NAME.matcher(body);
                String tool = name.find() ? name.group(1) : "";
                answer = switch (tool) {
                    case "add" -> "{\"content\":[]}";
                    case "fail" -> "{\"content\":[],\"isError\":true}";
                    default -> null;
                };
            }
            byte[] json = (answer == null
                            ? "{\"jsonrpc\":\"2.0\",\"id\":" + idJson
                                    + ",\"error\":{\"code\":-32602,\"message\":\"Unknown tool\"}}"
                            : "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"result\":" + answer + "}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, json.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(json);
            }
        });
        backend.setExecutor(executor);
        backend.start();
    }

    private String backendUrl() {
        return "http://127.0.0.1:" + backend.getAddress().getPort() + "/mcp";
    }

    @AfterEach
    void stop() {
        if (host != null) host.stop(0);
        if (gateway != null) gateway.close();
        backend.stop(0);
        executor.shutdownNow();
    }

    private String gateway(String... urls) throws IOException {
        BackendPool.Builder pool = BackendPool.builder("pool")
                .healthCheck(HealthCheckPolicy.disabled())
                .loadBalancer(LoadBalancer.roundRobin());
        char name = 'a';
        for (String url : urls) {
            pool.backend(Backend.of(String.valueOf(name++), url));
        }
        meters = GatewayMeters.create(registry);
        gateway = meters.addTo(Gateway.builder().pool(pool.build())).build();
        meters.bindTo(gateway);
        host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host.createContext("/mcp", new GatewayHttpHandler(gateway));
        host.setExecutor(executor);
        host.start();
        return "http://127.0.0.1:" + host.getAddress().getPort() + "/mcp";
    }

    private int post(String url, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json")
                .header("MCP-Protocol-Version", "2025-06-18")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String call(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\"}}";
    }

    private long count(String name, String... tags) {
        return registry.find(name).tags(tags).timers().stream()
                .mapToLong(Timer::count)
                .sum();
    }

    /** The timer counts once the exchanges have ended (their ends follow the answers). */
    private void awaitCount(long expected, String name, String... tags) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> count(name, tags) == expected);
    }

    @Test
    void toolErrorsAndJsonRpcErrorsAreCountedAsSuchAndToolNamesOnlyOnceListed() throws Exception {
        String url = gateway(backendUrl());
        assertThat(post(url, call(1, "add"))).isEqualTo(200);
        awaitCount(1, "mcp.server.operation.duration", "gen_ai.tool.name", "_OTHER", "error.type", "none");
        assertThat(post(url, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}"))
                .isEqualTo(200);
        assertThat(post(url, call(3, "add"))).isEqualTo(200);
        assertThat(post(url, call(4, "fail"))).isEqualTo(200);
        assertThat(post(url, call(5, "nope"))).isEqualTo(200);
        awaitCount(
                1,
                "mcp.server.operation.duration",
                "mcp.method.name",
                "tools/call",
                "gen_ai.tool.name",
                "add",
                "error.type",
                "none",
                "mcp.protocol.version",
                "2025-06-18",
                "openharbor.mcp.server",
                "pool");
        awaitCount(1, "mcp.server.operation.duration", "gen_ai.tool.name", "fail", "error.type", "tool_error");
        awaitCount(1, "mcp.server.operation.duration", "gen_ai.tool.name", "_OTHER", "error.type", "-32602");
        awaitCount(1, "mcp.server.operation.duration", "mcp.method.name", "tools/list", "gen_ai.tool.name", "none");
        assertThat(count("mcp.client.operation.duration", "openharbor.mcp.backend", "a", "error.type", "tool_error"))
                .isEqualTo(1);
        Timer t = registry.find("mcp.server.operation.duration")
                .tag("gen_ai.tool.name", "add")
                .timer();
        assertThat(t.takeSnapshot().histogramCounts()).hasSize(14); // the semantic conventions' buckets
    }

    @Test
    void tenThousandUnknownToolNamesMakeABoundedNumberOfTimeSeries() throws Exception {
        String url = gateway(backendUrl());
        assertThat(post(url, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"tools/list\"}"))
                .isEqualTo(200);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int thread = t;
                sent.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 2_500; i++) {
                        int id = thread * 2_500 + i + 1;
                        if (post(url, call(id, "made-up-" + id)) == 200) ok++;
                    }
                    return ok;
                }));
            }
            for (Future<Integer> f : sent) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(2_500);
            }
        } finally {
            pool.shutdownNow();
        }
        awaitCount(10_000, "mcp.server.operation.duration", "gen_ai.tool.name", "_OTHER");
        List<Meter> series = registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("mcp."))
                .toList();
        // the two timers of each kind (tools/list, and every made-up tool as one _OTHER series), each with its 14
        // bucket gauges, and the gateway's own gauges: nothing that grows with the names
        assertThat(registry.find("mcp.server.operation.duration").timers()).hasSize(2);
        assertThat(registry.find("mcp.client.operation.duration").timers()).hasSize(2);
        assertThat(series.size())
                .as(series.stream().map(m -> m.getId().toString()).toList().toString())
                .isLessThan(100);
    }

    @Test
    void poolEventsAreCountedAndBackendsGauged() throws Exception {
        String dead;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            dead = "http://127.0.0.1:" + s.getLocalPort() + "/mcp";
        }
        String url = gateway(dead, backendUrl());
        assertThat(post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}"))
                .isEqualTo(200);
        Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> registry.find("mcp.gateway.retries").counter() != null);
        assertThat(registry.get("mcp.gateway.retries")
                        .tag("openharbor.mcp.backend", "a")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("mcp.gateway.backend.in_flight")
                        .tag("openharbor.mcp.backend", "b")
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("mcp.gateway.backend.circuit.state")
                        .tag("openharbor.mcp.backend", "b")
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("mcp.gateway.exchanges.active").gauge().value()).isZero();
        assertThat(count("mcp.client.operation.duration", "openharbor.mcp.backend", "a", "error.type", "backend_error"))
                .isEqualTo(1);
    }
}
