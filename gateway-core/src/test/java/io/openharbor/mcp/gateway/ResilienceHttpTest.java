package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Failover, bulkheads, breakers, timeouts and the health endpoint with real loopback servers and a real host. */
class ResilienceHttpTest {
    private static final String ACCEPT = "application/json, text/event-stream";
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\"}";
    private static final String CALL =
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{}}}";

    private final List<MockWebServer> servers = new ArrayList<>();
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final OkHttpClient client = new OkHttpClient.Builder()
            .retryOnConnectionFailure(false)
            .readTimeout(Duration.ofSeconds(20))
            .build();
    private Hosts.Host host;

    private final GatewayListener listener = new GatewayListener() {
        @Override
        public void retry(GatewayRequest request, Backend failed, int nextAttempt, Throwable cause) {
            events.add("retry after " + failed.name());
        }

        @Override
        public void rejected(GatewayRequest request, Rejection reason) {
            events.add("rejected " + reason);
        }

        @Override
        public void circuitStateChanged(Backend backend, CircuitState state) {
            events.add(backend.name() + " " + state);
        }

        @Override
        public void backendEjected(Backend backend, Duration duration, int timesEjected) {
            events.add(backend.name() + " ejected");
        }
    };

    @AfterEach
    void stop() throws IOException {
        if (host != null) host.close();
        for (MockWebServer s : servers) s.close();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    /** A backend that answers every request with JSON naming itself (or with {@code code}). */
    private MockWebServer backend(String name, int code) throws IOException {
        MockWebServer s = new MockWebServer();
        served.put(name, new AtomicInteger());
        s.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                served.get(name).incrementAndGet();
                return new MockResponse.Builder()
                        .code(code)
                        .addHeader("Content-Type", "application/json")
                        .body("{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{\"from\":\"" + name + "\"}}")
                        .build();
            }
        });
        s.start(InetAddress.getByName("127.0.0.1"), 0);
        servers.add(s);
        return s;
    }

    private BackendPool.Builder pool() {
        return BackendPool.builder("p")
                .healthCheck(HealthCheckPolicy.disabled())
                .loadBalancer(LoadBalancer.roundRobin());
    }

    private String start(BackendPool.Builder pool, Gateway.Builder gateway) throws Exception {
        host = Hosts.jdk(gateway.pool(pool.build()).listener(listener).build());
        return host.url();
    }

    private Response post(String url, String body) throws IOException {
        return client.newCall(new Request.Builder()
                        .url(url)
                        .header("Accept", ACCEPT)
                        .post(RequestBody.create(body, JSON))
                        .build())
                .execute();
    }

    @Test
    void aKilledBackendStopsReceivingTrafficAndNoSafeRequestFails() throws Exception {
        MockWebServer a = backend("a", 200);
        MockWebServer b = backend("b", 200);
        MockWebServer c = backend("c", 200);
        String url = start(
                pool().backend(Backend.of("a", a.url("/mcp").toString()))
                        .backend(Backend.of("b", b.url("/mcp").toString()))
                        .backend(Backend.of("c", c.url("/mcp").toString())),
                Gateway.builder());
        for (int i = 0; i < 30; i++) {
            try (Response r = post(url, i % 2 == 0 ? LIST : CALL)) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
        assertThat(served.get("c").get()).isEqualTo(10);
        c.close(); // connections to it are now refused: nothing of a request can reach it

        for (int i = 0; i < 60; i++) {
            try (Response r = post(url, i % 2 == 0 ? LIST : CALL)) {
                assertThat(r.code()).as("request %s", i).isEqualTo(200);
                assertThat(r.body().string()).doesNotContain("\"from\":\"c\"");
            }
        }
        // Five refused connections, each failed over at once, and the backend is out (breaker and ejection).
        assertThat(events.stream().filter(e -> e.equals("retry after c"))).hasSize(5);
        assertThat(events).contains("c OPEN", "c ejected");
        assertThat(served.get("a").get() + served.get("b").get()).isEqualTo(80);
        HealthReport.BackendHealth ch = host.gatewayHealth().backends().get(2);
        assertThat(ch.available()).isFalse();
        assertThat(ch.circuit()).isEqualTo(CircuitState.OPEN);
        assertThat(host.gatewayHealth().status()).isEqualTo(HealthReport.Status.DEGRADED);
    }

    @Test
    void aBackendAnswering500OpensItsCircuitAndTrafficMovesAway() throws Exception {
        MockWebServer a = backend("a", 500);
        MockWebServer b = backend("b", 200);
        String url = start(
                pool().backend(Backend.of("a", a.url("/mcp").toString()))
                        .backend(Backend.of("b", b.url("/mcp").toString())),
                Gateway.builder());
        int errors = 0;
        for (int i = 0; i < 30; i++) {
            try (Response r = post(url, CALL)) {
                if (r.code() == 500) errors++;
            }
        }
        assertThat(errors)
                .as("the backend's own 500s are relayed, five of them")
                .isEqualTo(5);
        assertThat(served.get("a").get()).isEqualTo(5);
        assertThat(events).contains("a OPEN").doesNotContain("a ejected"); // 500 is not a gateway-side failure
    }

    @Test
    void aFullBackendIsSkippedAndAFullPoolAnswers503AtOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        MockWebServer slow = new MockWebServer();
        served.put("slow", new AtomicInteger());
        slow.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
                served.get("slow").incrementAndGet();
                holding.countDown();
                release.await(20, TimeUnit.SECONDS);
                return new MockResponse.Builder()
                        .addHeader("Content-Type", "application/json")
                        .body("{}")
                        .build();
            }
        });
        slow.start(InetAddress.getByName("127.0.0.1"), 0);
        servers.add(slow);
        String url = start(
                pool().backend(Backend.builder("slow", slow.url("/mcp").uri())
                        .maxConnections(1)
                        .build()),
                Gateway.builder());

        java.util.concurrent.CompletableFuture<Integer> first =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try (Response r = post(url, CALL)) {
                        return r.code();
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        try (Response r = post(url, CALL)) {
            assertThat(r.code()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.body().string()).contains("\"id\":7", "-32010", "connection limit");
        }
        assertThat(first)
                .as("the 503 came while the first request is still held")
                .isNotDone();
        assertThat(served.get("slow").get()).isEqualTo(1);
        assertThat(events).contains("rejected BULKHEAD_FULL");
        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo(200);
    }

    @Test
    void aRequestSkipsAFullBackendForOneWithRoom() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        MockWebServer slow = new MockWebServer();
        slow.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) throws InterruptedException {
                holding.countDown();
                release.await(20, TimeUnit.SECONDS);
                return new MockResponse.Builder()
                        .addHeader("Content-Type", "application/json")
                        .body("{}")
                        .build();
            }
        });
        slow.start(InetAddress.getByName("127.0.0.1"), 0);
        servers.add(slow);
        MockWebServer b = backend("b", 200);
        String url = start(
                pool().backend(Backend.builder("slow", slow.url("/mcp").uri())
                                .maxConnections(1)
                                .build())
                        .backend(Backend.of("b", b.url("/mcp").toString())),
                Gateway.builder());
        var first = java.util.concurrent.CompletableFuture.runAsync(() -> {
            try (Response r = post(url, CALL)) {
                assertThat(r.code()).isEqualTo(200);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertThat(holding.await(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 4; i++) {
            try (Response r = post(url, CALL)) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.body().string()).contains("\"from\":\"b\"");
            }
        }
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
    }

    @Test
    void aJsonAnswerLateBeyondTheRequestTimeoutIs504() throws Exception {
        MockWebServer a = new MockWebServer();
        a.enqueue(new MockResponse.Builder()
                .headersDelay(3, TimeUnit.SECONDS)
                .addHeader("Content-Type", "application/json")
                .body("{}")
                .build());
        a.start(InetAddress.getByName("127.0.0.1"), 0);
        servers.add(a);
        String url = start(
                pool().backend(Backend.of("a", a.url("/mcp").toString())),
                Gateway.builder().requestTimeout(Duration.ofMillis(300)));
        try (Response r = post(url, CALL)) {
            assertThat(r.code()).isEqualTo(504);
            assertThat(r.body().string()).contains("-32012");
        }
    }

    @Test
    void aStreamThatKeepsSendingOutlivesTheRequestTimeout() throws Exception {
        MockWebServer a = new MockWebServer();
        StringBuilder events = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            events.append("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\","
                            + "\"params\":{\"progress\":")
                    .append(i)
                    .append("}}\n\n");
        }
        String sse = events + "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}\n\n";
        int perEvent = sse.length() / 7 + 1;
        // About 100 ms between events, 700 ms in all: well past the 250 ms whole-request limit.
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body(sse)
                .throttleBody(perEvent, 100, TimeUnit.MILLISECONDS)
                .build());
        a.start(InetAddress.getByName("127.0.0.1"), 0);
        servers.add(a);
        String url = start(
                pool().backend(Backend.of("a", a.url("/mcp").toString())),
                Gateway.builder().requestTimeout(Duration.ofMillis(250)));
        try (Response r = post(url, CALL)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo(sse);
        }
    }

    @Test
    void h2cPriorKnowledgeSpeaksHttp2ToTheBackend() throws Exception {
        MockWebServer a = new MockWebServer();
        a.setProtocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body("{\"ok\":1}")
                .build());
        a.start(InetAddress.getByName("127.0.0.1"), 0);
        servers.add(a);
        String url = start(
                pool().backend(Backend.builder("a", a.url("/mcp").uri())
                        .h2cPriorKnowledge(true)
                        .build()),
                Gateway.builder());
        try (Response r = post(url, CALL)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).isEqualTo("{\"ok\":1}");
        }
        RecordedRequest seen = a.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getVersion()).isEqualTo("HTTP/2");
        assertThat(seen.getBody().utf8()).isEqualTo(CALL);
    }

    @Test
    void aSessionWhoseBackendCircuitIsOpenGets404() throws Exception {
        MockWebServer a = new MockWebServer();
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .addHeader("Mcp-Session-Id", "up-1")
                .body("{}")
                .build());
        a.start(InetAddress.getByName("127.0.0.1"), 0);
        servers.add(a);
        MockWebServer b = backend("b", 200);
        String url = start(
                BackendPool.builder("p")
                        .healthCheck(HealthCheckPolicy.disabled())
                        .loadBalancer((list, ctx) -> list.get(0))
                        .backend(Backend.of("a", a.url("/mcp").toString()))
                        .backend(Backend.of("b", b.url("/mcp").toString())),
                Gateway.builder());
        String token;
        try (Response r = post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}")) {
            token = r.header("Mcp-Session-Id");
        }
        BackendRuntime ar = host.gateway().poolRuntime.members().list[0];
        ar.breaker.open();
        try (Response r = client.newCall(new Request.Builder()
                        .url(url)
                        .header("Accept", ACCEPT)
                        .header("Mcp-Session-Id", token)
                        .post(RequestBody.create(CALL, JSON))
                        .build())
                .execute()) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(r.body().string()).contains("-32001");
        }
        assertThat(a.getRequestCount()).isEqualTo(1);
    }

    @Test
    void aPoolInPanicCanFailFast() throws Exception {
        MockWebServer a = backend("a", 200);
        String url = start(
                pool().failFastInPanic(true)
                        .backend(Backend.of("a", a.url("/mcp").toString())),
                Gateway.builder());
        host.gateway().poolRuntime.members().list[0].breaker.open();
        try (Response r = post(url, CALL)) {
            assertThat(r.code()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
        }
        assertThat(events).contains("rejected PANIC_FAIL_FAST");
        assertThat(served.get("a").get()).isZero();
    }

    @Test
    void aSpentRetryBudgetReportsTheFailureInsteadOfTryingAnother() throws Exception {
        MockWebServer a = backend("a", 200);
        a.close(); // refuses connections
        MockWebServer b = backend("b", 200);
        String url = start(
                pool().backend(Backend.of("a", a.url("/mcp").toString()))
                        .backend(Backend.of("b", b.url("/mcp").toString())),
                Gateway.builder().retryBudget(0, 0));
        try (Response r = post(url, LIST)) {
            assertThat(r.code()).isEqualTo(502);
            assertThat(r.body().string()).contains("-32011");
        }
        assertThat(events).contains("rejected RETRY_BUDGET_EXHAUSTED").doesNotContain("retry after a");
        assertThat(served.get("b").get()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void healthEndpointServesTheReportAnd503WhenNoBackendCanServe(Hosts.Kind kind) throws Exception {
        MockWebServer a = backend("a", 200);
        Gateway gateway = Gateway.builder()
                .pool(pool().backend(Backend.of("a", a.url("/mcp").toString())).build())
                .serviceName("Tools Gateway")
                .build();
        host = Hosts.start(kind, gateway);
        String healthUrl = host.url().replace("/mcp", "/health");
        try (Response r =
                client.newCall(new Request.Builder().url(healthUrl).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.header("Cache-Control")).isEqualTo("no-store");
            assertThat(r.body().string())
                    .startsWith("{\"status\":\"Healthy\",\"service\":\"Tools Gateway\",")
                    .contains(
                            "{\"name\":\"a\",\"healthy\":true,\"lastCheck\":null,",
                            "\"circuit\":\"closed\"",
                            "\"inFlight\":0",
                            "\"maxConnections\":100",
                            "\"ejected\":false");
        }
        gateway.poolRuntime.members().list[0].breaker.open();
        try (Response r =
                client.newCall(new Request.Builder().url(healthUrl).build()).execute()) {
            assertThat(r.code()).isEqualTo(503);
            assertThat(r.body().string())
                    .startsWith("{\"status\":\"Unhealthy\"")
                    .contains("\"circuit\":\"open\"", "\"panic\":true");
        }
        try (Response r = client.newCall(new Request.Builder()
                        .url(healthUrl)
                        .post(RequestBody.create("{}", JSON))
                        .build())
                .execute()) {
            assertThat(r.code()).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
        }
        assertThat(served.get("a").get()).isZero();
    }
}
