package io.openharbor.mcp.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Federation's own costs over real loopback HTTP (JDK {@code HttpServer} host and backends, JDK {@code HttpClient}):
 * {@code initialize} fanned out to three servers against one server behind a single-pool gateway, and a
 * {@code tools/list} of a view of 2,502 tools (one server with 2,500, read upstream in pages of 1,000, and two with
 * one each) served from the catalogs: the first page of 100, and the whole view in one page. Run with
 * {@code bash bench/jmh.sh FederationBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FederationBenchmark {
    static {
        // The JDK HttpServer reads this once, when the JVM's first server starts: the backends start before the
        // gateway class (which sets it) is loaded. Without it every small answer waits ~40 ms (Nagle, delayed ACK).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|\\d+)");
    private static final Pattern CURSOR = Pattern.compile("\"cursor\"\\s*:\\s*\"p(\\d+)\"");
    private static final String INITIALIZE = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"b\",\"version\":\"1\"}}}";
    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String federated;
    private String wholeView;
    private String single;

    @Setup
    public void setUp() throws Exception {
        String big = backend("big", 2500);
        String small1 = backend("s1", 1);
        String small2 = backend("s2", 1);
        federated = host(federation(big, small1, small2).build());
        wholeView = host(federation(big, small1, small2).listPageSize(10_000).build());
        single = host(Gateway.builder()
                .pool(BackendPool.builder("one")
                        .backend(Backend.of("s1", small1))
                        .healthCheck(HealthCheckPolicy.disabled())
                        .build())
                .build());
        for (String url : List.of(federated, wholeView)) {
            post(url, LIST); // reads the catalogs once
        }
    }

    private static Gateway.Builder federation(String big, String small1, String small2) {
        Gateway.Builder b = Gateway.builder();
        String[][] members = {{"big", big}, {"sa", small1}, {"sb", small2}};
        for (String[] m : members) {
            b.server(McpServer.builder(
                            m[0],
                            BackendPool.builder(m[0] + "-server")
                                    .backend(Backend.of(m[0] + "-1", m[1]))
                                    .healthCheck(HealthCheckPolicy.disabled())
                                    .build())
                    .build());
        }
        return b;
    }

    @TearDown
    public void tearDown() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        for (HttpServer s : servers) {
            s.stop(0);
        }
    }

    @Benchmark
    public String initializeThreeServers() throws Exception {
        return post(federated, INITIALIZE);
    }

    @Benchmark
    public String initializeOneServer() throws Exception {
        return post(single, INITIALIZE);
    }

    @Benchmark
    public String listFirstPageOf2502() throws Exception {
        return post(federated, LIST);
    }

    @Benchmark
    public String listWholeViewOf2502() throws Exception {
        return post(wholeView, LIST);
    }

    private String post(String url, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json, text/event-stream")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200 || !r.body().contains("\"result\"")) {
            throw new IllegalStateException("unexpected answer " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    private String host(Gateway gateway) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mcp", new GatewayHttpHandler(gateway));
        ExecutorService executor = Gateway.newRequestExecutor("bench-host-");
        server.setExecutor(executor);
        server.start();
        servers.add(server);
        closing.add(gateway);
        closing.add(executor::shutdownNow);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    }

    /** A stateless MCP backend answering initialize, and tools/list with {@code tools} tools in pages of 1,000. */
    private String backend(String name, int tools) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ExecutorService executor = Executors.newFixedThreadPool(4);
        server.setExecutor(executor);
        closing.add(executor::shutdownNow);
        server.createContext("/", ex -> answer(ex, name, tools));
        server.start();
        servers.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    }

    private static void answer(HttpExchange ex, String name, int tools) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher id = ID.matcher(body);
            if (!id.find()) {
                ex.sendResponseHeaders(202, -1);
                return;
            }
            String result;
            if (body.contains("\"initialize\"")) {
                result =
                        "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{\"tools\":{}},\"serverInfo\":{\"name\":\""
                                + name + "\",\"version\":\"1\"}}";
            } else if (body.contains("\"tools/list\"")) {
                Matcher c = CURSOR.matcher(body);
                int from = c.find() ? Integer.parseInt(c.group(1)) : 0;
                int to = Math.min(tools, from + 1000);
                StringBuilder sb = new StringBuilder("{\"tools\":[");
                for (int i = from; i < to; i++) {
                    if (i > from) sb.append(',');
                    sb.append("{\"name\":\"tool_")
                            .append(i)
                            .append("\",\"description\":\"Tool number ")
                            .append(i)
                            .append(" of the benchmark\",\"inputSchema\":{\"type\":\"object\",\"properties\":{\"q\":")
                            .append("{\"type\":\"string\"}}}}");
                }
                sb.append(']');
                if (to < tools) sb.append(",\"nextCursor\":\"p").append(to).append('"');
                result = sb.append('}').toString();
            } else if (body.contains("\"prompts/list\"") || body.contains("\"resources/")) {
                result = null;
            } else {
                result = "{}";
            }
            String json = result == null
                    ? "{\"jsonrpc\":\"2.0\",\"id\":" + id.group(1) + ",\"error\":{\"code\":-32601,\"message\":\"no\"}}"
                    : "{\"jsonrpc\":\"2.0\",\"id\":" + id.group(1) + ",\"result\":" + result + "}";
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
