package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-exchange event API: views, outcomes, attempts, headers upstream, against scripted backends. */
class ExchangeListenerTest {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final String OTHER_PARENT = "00-11111111111111111111111111111111-2222222222222222-01";

    private final MockWebServer a = new MockWebServer();
    private final OkHttpClient client = new OkHttpClient.Builder()
            .retryOnConnectionFailure(false)
            .readTimeout(Duration.ofSeconds(20))
            .build();
    private final BlockingQueue<String> ends = new LinkedBlockingQueue<>();
    private final List<String> attempts = new CopyOnWriteArrayList<>();
    private final List<McpCall> calls = new CopyOnWriteArrayList<>();
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    private Hosts.Host host;

    @BeforeEach
    void start() throws IOException {
        a.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    private final List<DeadPort> deadPorts = new ArrayList<>();

    /** A port that refuses connections until the test ends. */
    private DeadPort dead() {
        DeadPort d = new DeadPort();
        deadPorts.add(d);
        return d;
    }

    @AfterEach
    void stop() {
        if (host != null) host.close();
        deadPorts.forEach(DeadPort::close);
        a.close();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /** Records every event; sets a traceparent upstream when asked. */
    private ExchangeListener.Factory recorder(String traceparent) {
        return request -> new ExchangeListener() {
            @Override
            public void attemptStart(McpCall call, UpstreamAttempt attempt, UpstreamHeaders headers) {
                attempts.add("start " + attempt.number() + " "
                        + attempt.backend().name() + " " + attempt.method() + " " + attempt.target());
                if (traceparent != null) {
                    headers.set("traceparent", traceparent);
                }
            }

            @Override
            public void attemptEnd(McpCall call, UpstreamAttempt attempt, Outcome outcome) {
                attempts.add("end " + attempt.number() + " " + outcome.kind() + " " + outcome.errorType());
            }

            @Override
            public void exchangeEnd(McpCall call, Outcome outcome) {
                calls.add(call);
                outcomes.add(outcome);
                ends.add(call.method() + " " + call.target() + " " + outcome.status() + " " + outcome.kind() + " "
                        + outcome.errorType() + " attempts=" + outcome.attempts());
            }
        };
    }

    private String gateway(String traceparent, String... urls) throws Exception {
        BackendPool.Builder pool = BackendPool.builder("pool-x")
                .healthCheck(HealthCheckPolicy.disabled())
                .loadBalancer(LoadBalancer.roundRobin());
        char name = 'a';
        for (String url : urls) {
            pool.backend(Backend.of(String.valueOf(name++), url));
        }
        host = Hosts.jdk(Gateway.builder()
                .pool(pool.build())
                .exchangeListener(recorder(traceparent))
                .accessLog(true)
                .build());
        return host.url();
    }

    private Response post(String url, String body) throws IOException {
        return client.newCall(new Request.Builder()
                        .url(url)
                        .header("Accept", "application/json, text/event-stream")
                        .header("MCP-Protocol-Version", "2025-06-18")
                        .post(RequestBody.create(body, JSON))
                        .build())
                .execute();
    }

    private String end() throws InterruptedException {
        String e = ends.poll(10, TimeUnit.SECONDS);
        assertThat(e).as("exchangeEnd").isNotNull();
        return e;
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    private static String call(int id, String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}";
    }

    @Test
    void aToolsIsErrorResultIsAToolErrorAndTheViewsSayWhatWasCalled() throws Exception {
        String url = gateway(null, a.url("/mcp").toString());
        a.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"no\"}],"
                + "\"isError\":true}}"));
        try (Response r = post(url, call(7, "echo"))) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).contains("\"isError\":true"); // relayed untouched
        }
        assertThat(end()).isEqualTo("tools/call echo 200 TOOL_ERROR tool_error attempts=1");
        assertThat(attempts).containsExactly("start 1 a tools/call echo", "end 1 TOOL_ERROR tool_error");
        McpCall c = calls.get(0);
        assertThat(c.httpMethod()).isEqualTo("POST");
        assertThat(c.requestId()).isEqualTo("7");
        assertThat(c.protocolVersion()).isEqualTo("2025-06-18");
        assertThat(c.server()).isEqualTo("pool-x");
        assertThat(c.backend().name()).isEqualTo("a");
        assertThat(c.targetListed()).isFalse(); // no list has passed yet
        assertThat(outcomes.get(0).upstream())
                .isPositive()
                .isLessThanOrEqualTo(outcomes.get(0).duration());
    }

    @Test
    void aJsonRpcErrorInAStreamCountsByItsCodeAndNotificationsBeforeItDoNot() throws Exception {
        String url = gateway(null, a.url("/mcp").toString());
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":{}}\n\n"
                        + "data: {\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"sampling/createMessage\","
                        + "\"error\":{\"code\":-1}}\n\n"
                        + "data: {\"jsonrpc\":\"2.0\",\"id\":9,\"error\":{\"code\":-32602,\"message\":\"Unknown"
                        + " tool\"}}\n\n")
                .build());
        try (Response r = post(url, call(9, "nope"))) {
            assertThat(r.body().string()).contains("-32602");
        }
        assertThat(end()).isEqualTo("tools/call nope 200 JSONRPC_ERROR -32602 attempts=1");
        assertThat(outcomes.get(0).rpcErrorCode()).isEqualTo(-32602);
    }

    @Test
    void namesBecomeListedOnceAListAnswerPassesThrough() throws Exception {
        String url = gateway(null, a.url("/mcp").toString());
        a.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[{\"name\":\"echo\",\"inputSchema\":"
                + "{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"}}}},{\"name\":\"add\"}]}}"));
        try (Response r = post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}")) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(end()).isEqualTo("tools/list null 200 OK null attempts=1");
        a.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"content\":[]}}"));
        a.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":3,\"result\":{\"content\":[]}}"));
        post(url, call(2, "add")).close();
        end();
        post(url, call(3, "made-up")).close();
        end();
        assertThat(calls.get(1).targetListed()).isTrue();
        assertThat(calls.get(2).targetListed()).isFalse();
    }

    @Test
    void theListenersTraceparentGoesUpstreamInTheHeaderAndInMetaOfTheSameLength() throws Exception {
        String url = gateway(OTHER_PARENT, a.url("/mcp").toString());
        a.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{\"content\":[]}}"));
        String body = "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                + "\"_meta\":{\"traceparent\":\"" + TRACEPARENT + "\",\"progressToken\":1},\"arguments\":{}}}";
        post(url, body).close();
        end();
        assertThat(calls.get(0).traceparent()).isEqualTo(TRACEPARENT);
        RecordedRequest got = a.takeRequest(5, TimeUnit.SECONDS);
        assertThat(got.getHeaders().get("traceparent")).isEqualTo(OTHER_PARENT);
        assertThat(got.getBody().string(StandardCharsets.UTF_8)).isEqualTo(body.replace(TRACEPARENT, OTHER_PARENT));
    }

    @Test
    void aTraceparentOfAnotherLengthLeavesTheBodyAsItCame() throws Exception {
        String url = gateway(OTHER_PARENT, a.url("/mcp").toString());
        a.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":4,\"result\":{}}"));
        String body =
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"ping\",\"params\":{\"_meta\":{\"traceparent\":\"x\"}}}";
        post(url, body).close();
        end();
        RecordedRequest got = a.takeRequest(5, TimeUnit.SECONDS);
        assertThat(got.getHeaders().get("traceparent")).isEqualTo(OTHER_PARENT);
        assertThat(got.getBody().string(StandardCharsets.UTF_8)).isEqualTo(body);
    }

    @Test
    void aFailoverShowsTwoAttemptsUnderOneExchange() throws Exception {
        String dead = dead().url();
        String url = gateway(null, dead, a.url("/mcp").toString());
        a.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":5,\"result\":{\"tools\":[]}}"));
        try (Response r = post(url, "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/list\"}")) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(end()).isEqualTo("tools/list null 200 OK null attempts=2");
        assertThat(attempts)
                .containsExactly(
                        "start 1 a tools/list null",
                        "end 1 BACKEND_ERROR backend_error",
                        "start 2 b tools/list null",
                        "end 2 OK null");
    }

    @Test
    void theGatewaysOwnRefusalsHaveTheirKind() throws Exception {
        String dead = dead().url();
        String url = gateway(null, dead);
        try (Response r = client.newCall(new Request.Builder()
                        .url(url)
                        .header("Accept", "application/json, text/event-stream")
                        .post(RequestBody.create("{}", MediaType.get("text/plain")))
                        .build())
                .execute()) {
            assertThat(r.code()).isEqualTo(415);
        }
        assertThat(end()).isEqualTo("null null 415 INVALID_REQUEST invalid_request attempts=0");
        try (Response r = post(url, "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"tools/call\"")) {
            assertThat(r.code()).isEqualTo(400);
        }
        assertThat(end()).contains("400 INVALID_REQUEST");
        assertThat(outcomes.get(1).rpcErrorCode()).isEqualTo(-32700);
        try (Response r = post(url, call(6, "echo"))) {
            assertThat(r.code()).isEqualTo(503); // refused before anything was sent, and no backend is left
        }
        assertThat(end()).isEqualTo("tools/call echo 503 NO_BACKEND no_backend attempts=1");
        assertThat(attempts).containsExactly("start 1 a tools/call echo", "end 1 BACKEND_ERROR backend_error");
    }

    @Test
    void theHealthEndpointIsNotAnExchange() throws Exception {
        String url = gateway(null, a.url("/mcp").toString());
        try (Response r = client.newCall(new Request.Builder()
                        .url(url.replace("/mcp", "/health"))
                        .build())
                .execute()) {
            assertThat(r.code()).isIn(200, 503);
        }
        a.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
        post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").close();
        assertThat(end()).startsWith("ping");
        assertThat(ends).isEmpty();
    }

    @Test
    void outcomeErrorTypesAreBounded() {
        assertThat(new Outcome(Outcome.Kind.JSONRPC_ERROR, 200, 12345, 1, 0, 1, null).errorType())
                .isEqualTo("_OTHER");
        assertThat(new Outcome(Outcome.Kind.JSONRPC_ERROR, 200, -32601, 1, 0, 1, null).errorType())
                .isEqualTo("-32601");
        assertThat(new Outcome(Outcome.Kind.HTTP_ERROR, 418, null, 1, 0, 1, null).errorType())
                .isEqualTo("418");
        assertThat(new Outcome(Outcome.Kind.CIRCUIT_OPEN, 503, -32010, 1, 0, 0, null).errorType())
                .isEqualTo("circuit_open");
        assertThat(new Outcome(Outcome.Kind.OK, 200, null, 1, 0, 1, null).errorType())
                .isNull();
        assertThat(AccessLog.millis(12_345_678)).isEqualTo("12.3");
    }
}
