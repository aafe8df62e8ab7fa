package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The pass-through behaviour, with scripted MockWebServer backends behind a gateway on a real JDK HttpServer. */
class ProxyTest {
    private static final String ACCEPT = "application/json, text/event-stream";
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    private static final String CALL =
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{}}}";
    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":8,\"method\":\"tools/list\"}";

    private final MockWebServer a = new MockWebServer();
    private final MockWebServer b = new MockWebServer();
    private final List<String> events = new CopyOnWriteArrayList<>();
    /** Released once per finished request: requestEnd runs after the client may already have read the answer. */
    private final java.util.concurrent.Semaphore ended = new java.util.concurrent.Semaphore(0);

    private final byte[] key = SessionTokens.randomKey(new java.security.SecureRandom());
    private final OkHttpClient client = new OkHttpClient.Builder()
            .retryOnConnectionFailure(false)
            .readTimeout(Duration.ofSeconds(20))
            .build();
    private Hosts.Host host;

    @BeforeEach
    void startBackends() throws IOException {
        a.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
        b.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    }

    private final List<DeadPort> deadPorts = new ArrayList<>();

    @AfterEach
    void stop() {
        if (host != null) host.close();
        deadPorts.forEach(DeadPort::close);
        a.close();
        b.close();
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }

    private final GatewayListener recorder = new GatewayListener() {
        @Override
        public void backendSelected(GatewayRequest request, Backend backend, int attempt) {
            events.add("selected " + backend.name() + " #" + attempt);
        }

        @Override
        public void requestEnd(GatewayRequest request, int status, Duration elapsed, Throwable failure) {
            events.add("end " + status
                    + (failure == null ? "" : " " + failure.getClass().getSimpleName()));
            ended.release();
        }
    };

    private Gateway.Builder gateway(String... urls) {
        // Scripted backends answer only what a test queues: no health-check traffic, a predictable rotation.
        BackendPool.Builder pool = BackendPool.builder("p")
                .healthCheck(HealthCheckPolicy.disabled())
                .loadBalancer(LoadBalancer.roundRobin());
        char name = 'a';
        for (String url : urls) {
            pool.backend(Backend.of(String.valueOf(name++), url));
        }
        return Gateway.builder().pool(pool.build()).sessionKeys(List.of(key)).listener(recorder);
    }

    private void awaitRequestEnd() throws InterruptedException {
        assertThat(ended.tryAcquire(10, TimeUnit.SECONDS))
                .as("requestEnd reported")
                .isTrue();
    }

    private String start(Gateway.Builder builder) throws Exception {
        host = Hosts.jdk(builder.build());
        return host.url();
    }

    private Request.Builder post(String url, String body) {
        return new Request.Builder().url(url).header("Accept", ACCEPT).post(RequestBody.create(body, JSON));
    }

    /** A backend URL that refuses connections until the test ends (see {@link DeadPort}). */
    private String deadUrl() {
        DeadPort dead = new DeadPort();
        deadPorts.add(dead);
        return dead.url();
    }

    private static MockResponse json(String body) {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(body)
                .build();
    }

    // ---- headers ----

    @Test
    void forwardsEndToEndHeadersAndDropsHopByHopOnesBothWays() throws Exception {
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .addHeader("X-Backend", "yes")
                .addHeader("Connection", "X-Backend-Hop")
                .addHeader("X-Backend-Hop", "1")
                .addHeader("Keep-Alive", "timeout=5")
                .addHeader("Server", "backend/1.0")
                .addHeader("Date", "Mon, 01 Jan 2024 00:00:00 GMT")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .build());
        String url = start(gateway(a.url("/mcp").toString()));
        Request request = post(url + "?tenant=t1", PING)
                .header("MCP-Protocol-Version", "2099-01-01")
                .header("Mcp-Method", "ping")
                .header("Mcp-Name", "x")
                .header("Mcp-Param-Region", "eu")
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
                .header("Authorization", "Bearer abc")
                .header("X-Unknown", "kept")
                .header("Connection", "X-Client-Hop")
                .header("X-Client-Hop", "dropped")
                .header("Keep-Alive", "timeout=1")
                .header("Proxy-Authorization", "Basic dropped")
                .header("TE", "trailers")
                .build();
        try (Response r = client.newCall(request).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("X-Backend")).isEqualTo("yes");
            assertThat(r.header("X-Backend-Hop")).isNull();
            assertThat(r.header("Keep-Alive")).isNull();
            // the host's own Date (one, as HTTP requires) and no Server naming the backend's software, as nginx does
            assertThat(r.headers("Date")).hasSizeLessThanOrEqualTo(1).doesNotContain("Mon, 01 Jan 2024 00:00:00 GMT");
            assertThat(r.headers("Server")).doesNotContain("backend/1.0");
            assertThat(r.body().string()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
        }
        RecordedRequest seen = a.takeRequest(5, TimeUnit.SECONDS);
        assertThat(seen.getUrl().encodedPath()).isEqualTo("/mcp");
        assertThat(seen.getUrl().queryParameter("tenant")).isEqualTo("t1");
        assertThat(seen.getHeaders().get("MCP-Protocol-Version")).isEqualTo("2099-01-01");
        assertThat(seen.getHeaders().get("Mcp-Method")).isEqualTo("ping");
        assertThat(seen.getHeaders().get("Mcp-Name")).isEqualTo("x");
        assertThat(seen.getHeaders().get("Mcp-Param-Region")).isEqualTo("eu");
        assertThat(seen.getHeaders().get("traceparent")).startsWith("00-0af7651916cd43dd");
        assertThat(seen.getHeaders().get("Authorization")).isEqualTo("Bearer abc");
        assertThat(seen.getHeaders().get("X-Unknown")).isEqualTo("kept");
        assertThat(seen.getHeaders().get("Content-Type")).startsWith("application/json");
        assertThat(seen.getHeaders().get("Accept")).isEqualTo(ACCEPT);
        assertThat(seen.getHeaders().get("X-Client-Hop")).isNull();
        assertThat(seen.getHeaders().get("Proxy-Authorization")).isNull();
        assertThat(seen.getHeaders().get("TE")).isNull();
        assertThat(seen.getHeaders().get("Keep-Alive")).isNull();
        assertThat(seen.getHeaders().get("Host")).endsWith(":" + a.getPort());
        assertThat(seen.getBody().utf8()).isEqualTo(PING);
    }

    // ---- bodies ----

    @Test
    void notificationGets202WithNoBody() throws Exception {
        a.enqueue(new MockResponse.Builder().code(202).build());
        String url = start(gateway(a.url("/mcp").toString()));
        try (Response r = client.newCall(post(url, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}")
                        .build())
                .execute()) {
            assertThat(r.code()).isEqualTo(202);
            assertThat(r.body().bytes()).isEmpty();
        }
    }

    @Test
    void batchReachesTheBackendIntactAndOnce() throws Exception {
        String batch = "[ {\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"},\n"
                + "  {\"jsonrpc\":\"2.0\",\"method\":\"notifications/x\"}, {\"jsonrpc\":\"2.0\",\"id\":\"z\",\"method\":\"ping\"} ]";
        a.enqueue(json(
                "[{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}},{\"jsonrpc\":\"2.0\",\"id\":\"z\",\"result\":{}}]"));
        String url = start(gateway(a.url("/mcp").toString()));
        try (Response r = client.newCall(post(url, batch).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.body().string()).startsWith("[{");
        }
        assertThat(a.takeRequest(5, TimeUnit.SECONDS).getBody().utf8()).isEqualTo(batch);
        assertThat(a.getRequestCount()).isEqualTo(1);
    }

    @Test
    void sseWithASessionIsRelayedByteForByteWithItsEventIdsSealed() throws Exception {
        // The backend's event ids embed its session id, as some servers' do: the client must see neither.
        String sse =
                "id: up-1_e1\ndata: \n\nevent: message\nid: up-1_e2\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n"
                        + "retry: 1000\r\nid: up-1_e3\r\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\r\n\r\n";
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .addHeader("Mcp-Session-Id", "up-1")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .build());
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .chunkedBody(new Buffer().writeUtf8(sse), 7)
                .build());
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body("id: up-1_e4\ndata: {}\n\n")
                .build());
        String url = start(gateway(a.url("/mcp").toString()));
        String token = initialize(url);
        String body;
        try (Response r = client.newCall(
                        post(url, CALL).header("Mcp-Session-Id", token).build())
                .execute()) {
            assertThat(r.header("Content-Type")).isEqualTo("text/event-stream");
            body = r.body().string();
        }
        assertThat(body).doesNotContain("up-1");
        // every byte but the id values as the backend sent them
        assertThat(body.replaceAll("id: [A-Za-z0-9_-]{40,}", "id: X"))
                .isEqualTo(sse.replaceAll("id: up-1_e\\d", "id: X"));
        String sealed = body.split("\n", -1)[4].substring("id: ".length());
        // resumption on the session: the backend gets its own id back
        Request resume = new Request.Builder()
                .url(url)
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", token)
                .header("Last-Event-ID", sealed)
                .get()
                .build();
        try (Response r = client.newCall(resume).execute()) {
            assertThat(r.body().string()).startsWith("id: ").doesNotContain("up-1");
        }
        a.takeRequest(5, TimeUnit.SECONDS);
        a.takeRequest(5, TimeUnit.SECONDS);
        RecordedRequest resumed = a.takeRequest(5, TimeUnit.SECONDS);
        assertThat(resumed.getHeaders().get("Last-Event-ID")).isEqualTo("up-1_e2");
        assertThat(resumed.getHeaders().get("Mcp-Session-Id")).isEqualTo("up-1");
    }

    @Test
    void aBackendErrorNamingItsSessionIdNamesTheClientsTokenInstead() throws Exception {
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .addHeader("Mcp-Session-Id", "up-7f3a")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .build());
        a.enqueue(new MockResponse.Builder()
                .code(404)
                .addHeader("Content-Type", "application/json")
                .body("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32001,\"message\":\"Session not found:"
                        + " up-7f3a\"}}")
                .build());
        String url = start(gateway(a.url("/mcp").toString()));
        String token = initialize(url);
        try (Response r = client.newCall(
                        post(url, CALL).header("Mcp-Session-Id", token).build())
                .execute()) {
            assertThat(r.code()).isEqualTo(404);
            String body = r.body().string();
            assertThat(body).doesNotContain("up-7f3a").contains("Session not found: " + token);
        }
    }

    @Test
    void sessionlessSseEventIdsNameTheirBackendSoResumptionFindsIt() throws Exception {
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body("id: s1-1\ndata: \n\nid:s1-2\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n")
                .build());
        b.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body("data: never used\n\n")
                .build());
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body("id: s1-3\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}\n\n")
                .build());
        String url = start(gateway(a.url("/mcp").toString(), b.url("/mcp").toString()));
        String body;
        try (Response r = client.newCall(post(url, CALL).build()).execute()) {
            body = r.body().string();
        }
        assertThat(body)
                .matches("(?s)id: [A-Za-z0-9_-]{40,}\ndata: \n\nid: [A-Za-z0-9_-]{40,}\ndata: .*")
                .doesNotContain("s1-1")
                .doesNotContain("s1-2");
        String lastId = body.split("\n", -1)[3].substring("id: ".length());
        // Round robin would send the next request to b; the Last-Event-ID sends it back to a, with a's own id.
        Request resume = new Request.Builder()
                .url(url)
                .header("Accept", "text/event-stream")
                .header("Last-Event-ID", lastId)
                .get()
                .build();
        try (Response r = client.newCall(resume).execute()) {
            assertThat(r.body().string())
                    .startsWith("id: ")
                    .doesNotContain("s1-3")
                    .contains("\ndata: {\"jsonrpc\"");
        }
        a.takeRequest(5, TimeUnit.SECONDS);
        RecordedRequest resumed = a.takeRequest(5, TimeUnit.SECONDS);
        assertThat(resumed.getMethod()).isEqualTo("GET");
        assertThat(resumed.getHeaders().get("Last-Event-ID")).isEqualTo("s1-2");
        assertThat(b.getRequestCount()).isZero();
    }

    // ---- sessions ----

    private String initialize(String url) throws IOException {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}";
        try (Response r = client.newCall(post(url, init).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
            String token = r.header("Mcp-Session-Id");
            assertThat(token).isNotNull().isNotEqualTo("up-1");
            return token;
        }
    }

    @Test
    void sessionTokenPinsTheBackendAndCarriesTheUpstreamId() throws Exception {
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .addHeader("Mcp-Session-Id", "up-1")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .build());
        for (int i = 0; i < 3; i++) {
            a.enqueue(new MockResponse.Builder()
                    .addHeader("Content-Type", "application/json")
                    .addHeader("Mcp-Session-Id", "up-1")
                    .body("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}")
                    .build());
        }
        String url = start(gateway(a.url("/mcp").toString(), b.url("/mcp").toString()));
        String token = initialize(url);
        for (int i = 0; i < 3; i++) {
            try (Response r = client.newCall(
                            post(url, CALL).header("Mcp-Session-Id", token).build())
                    .execute()) {
                assertThat(r.code()).isEqualTo(200);
                // A backend that echoes its session id on every answer: the client keeps seeing its own token.
                assertThat(r.header("Mcp-Session-Id")).isEqualTo(token);
            }
        }
        a.takeRequest(5, TimeUnit.SECONDS);
        for (int i = 0; i < 3; i++) {
            assertThat(a.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Mcp-Session-Id"))
                    .isEqualTo("up-1");
        }
        assertThat(b.getRequestCount()).isZero();
    }

    @Test
    void getStreamAndDeleteOfASessionGoToItsBackendWithTheUpstreamId() throws Exception {
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .addHeader("Mcp-Session-Id", "up-1")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .build());
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .body("id: 9\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}\n\n")
                .build());
        a.enqueue(new MockResponse.Builder().code(200).build());
        String url = start(gateway(a.url("/mcp").toString(), b.url("/mcp").toString()));
        String token = initialize(url);
        Request get = new Request.Builder()
                .url(url)
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", token)
                .header("Last-Event-ID", "8")
                .get()
                .build();
        try (Response r = client.newCall(get).execute()) {
            assertThat(r.code()).isEqualTo(200);
            // On a session's stream too the event ids are sealed: the client never sees the backend's own.
            assertThat(r.body().string()).matches("(?s)id: [A-Za-z0-9_-]{40,}\ndata: .*");
        }
        Request delete = new Request.Builder()
                .url(url)
                .header("Mcp-Session-Id", token)
                .delete()
                .build();
        try (Response r = client.newCall(delete).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        a.takeRequest(5, TimeUnit.SECONDS);
        RecordedRequest stream = a.takeRequest(5, TimeUnit.SECONDS);
        assertThat(stream.getMethod()).isEqualTo("GET");
        assertThat(stream.getHeaders().get("Mcp-Session-Id")).isEqualTo("up-1");
        assertThat(stream.getHeaders().get("Last-Event-ID")).isEqualTo("8");
        RecordedRequest end = a.takeRequest(5, TimeUnit.SECONDS);
        assertThat(end.getMethod()).isEqualTo("DELETE");
        assertThat(end.getHeaders().get("Mcp-Session-Id")).isEqualTo("up-1");
        assertThat(b.getRequestCount()).isZero();
    }

    @Test
    void aSecondGatewayWithTheSameKeyServesTheSession() throws Exception {
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .addHeader("Mcp-Session-Id", "up-1")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .build());
        a.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}"));
        String first = start(gateway(a.url("/mcp").toString(), b.url("/mcp").toString()));
        String token = initialize(first);
        try (Hosts.Host second = Hosts.jetty(
                gateway(a.url("/mcp").toString(), b.url("/mcp").toString()).build())) {
            try (Response r = client.newCall(post(second.url(), CALL)
                            .header("Mcp-Session-Id", token)
                            .build())
                    .execute()) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
        a.takeRequest(5, TimeUnit.SECONDS);
        assertThat(a.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("Mcp-Session-Id"))
                .isEqualTo("up-1");
        assertThat(b.getRequestCount()).isZero();
    }

    @Test
    void tokensOfAnotherKeyOrForgedOnesGet404AndReachNoBackend() throws Exception {
        String url = start(gateway(a.url("/mcp").toString()));
        SessionTokens otherKey = new SessionTokens(
                List.of(SessionTokens.randomKey(new java.security.SecureRandom())),
                java.time.Clock.systemUTC(),
                Duration.ofHours(1),
                new java.security.SecureRandom());
        for (String token : List.of("forged", otherKey.encode("p", "a", "up", ""))) {
            try (Response r = client.newCall(
                            post(url, PING).header("Mcp-Session-Id", token).build())
                    .execute()) {
                assertThat(r.code()).isEqualTo(404);
                assertThat(r.body().string())
                        .isEqualTo(
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32001,\"message\":\"Session not found\"}}");
            }
        }
        assertThat(a.getRequestCount()).isZero();
    }

    @Test
    void tokenPinnedToABackendThatIsGoneGets404() throws Exception {
        SessionTokens sameKey = new SessionTokens(
                List.of(key), java.time.Clock.systemUTC(), Duration.ofHours(1), new java.security.SecureRandom());
        String url = start(gateway(a.url("/mcp").toString()));
        for (String token : List.of(
                sameKey.encode("p", "removed-replica", "up", ""), sameKey.encode("other-pool", "a", "up", ""))) {
            try (Response r = client.newCall(
                            post(url, PING).header("Mcp-Session-Id", token).build())
                    .execute()) {
                assertThat(r.code()).isEqualTo(404);
            }
        }
        assertThat(a.getRequestCount()).isZero();
    }

    @Test
    void expiredTokenGets404() throws Exception {
        SessionTokensTest.MutableClock clock = new SessionTokensTest.MutableClock(java.time.Instant.now());
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .addHeader("Mcp-Session-Id", "up-1")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .build());
        String url = start(gateway(a.url("/mcp").toString()).clock(clock).sessionTtl(Duration.ofMinutes(30)));
        String token = initialize(url);
        clock.advance(Duration.ofMinutes(31));
        try (Response r = client.newCall(
                        post(url, PING).header("Mcp-Session-Id", token).build())
                .execute()) {
            assertThat(r.code()).isEqualTo(404);
        }
        assertThat(a.getRequestCount()).isEqualTo(1);
    }

    @Test
    void sessionWhoseBackendIsDownGets404SoTheClientReinitializes() throws Exception {
        String dead = deadUrl();
        SessionTokens sameKey = new SessionTokens(
                List.of(key), java.time.Clock.systemUTC(), Duration.ofHours(1), new java.security.SecureRandom());
        String url = start(gateway(dead, a.url("/mcp").toString()));
        try (Response r = client.newCall(post(url, CALL)
                        .header("Mcp-Session-Id", sameKey.encode("p", "a", "up", ""))
                        .build())
                .execute()) {
            assertThat(r.code()).isEqualTo(404);
            assertThat(r.body().string()).contains("-32001");
        }
        assertThat(a.getRequestCount()).isZero();
    }

    // ---- failover and retries ----

    @Test
    void connectionRefusedFailsOverToTheNextBackend() throws Exception {
        a.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}"));
        String url = start(gateway(deadUrl(), a.url("/mcp").toString()));
        try (Response r = client.newCall(post(url, CALL).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        awaitRequestEnd();
        assertThat(events).containsExactly("selected a #1", "selected b #2", "end 200");
    }

    @Test
    void toolsCallIsNeverRetriedAfterTheConnectionDropped() throws Exception {
        a.enqueue(new MockResponse.Builder()
                .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                .build());
        b.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}"));
        String url = start(gateway(a.url("/mcp").toString(), b.url("/mcp").toString()));
        try (Response r = client.newCall(post(url, CALL).build()).execute()) {
            assertThat(r.code()).isEqualTo(502);
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.body().string()).startsWith("{\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32011");
        }
        assertThat(a.getRequestCount()).isEqualTo(1);
        assertThat(b.getRequestCount()).isZero();
    }

    @Test
    void readOnlyRequestIsRetriedWhenTheConnectionDroppedBeforeAnyAnswer() throws Exception {
        a.enqueue(new MockResponse.Builder()
                .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE)
                .build());
        b.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":8,\"result\":{\"tools\":[]}}"));
        String url = start(gateway(a.url("/mcp").toString(), b.url("/mcp").toString()));
        try (Response r = client.newCall(post(url, LIST).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
        assertThat(a.getRequestCount()).isEqualTo(1);
        assertThat(b.getRequestCount()).isEqualTo(1);
    }

    @Test
    void everyBackendRefusingMeans503WithRetryAfter() throws Exception {
        String url = start(gateway(deadUrl(), deadUrl()));
        try (Response r = client.newCall(post(url, CALL).build()).execute()) {
            assertThat(r.code()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.body().string()).contains("\"id\":7").contains("-32010");
        }
    }

    @Test
    void attemptsRunningOutWhileBackendsRefuseMeans502() throws Exception {
        String url = start(gateway(deadUrl(), deadUrl(), deadUrl()).maxAttempts(2));
        try (Response r = client.newCall(post(url, CALL).build()).execute()) {
            assertThat(r.code()).isEqualTo(502);
            assertThat(r.body().string()).contains("-32011");
        }
        awaitRequestEnd();
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).isEqualTo("selected a #1");
        assertThat(events.get(1)).matches("selected [bc] #2");
        assertThat(events.get(2)).isEqualTo("end 502 ConnectException");
    }

    @Test
    void backendTooSlowToAnswerMeans504() throws Exception {
        a.enqueue(new MockResponse.Builder()
                .headersDelay(5, TimeUnit.SECONDS)
                .body("{}")
                .build());
        String url = start(gateway(a.url("/mcp").toString()).responseTimeout(Duration.ofMillis(300)));
        try (Response r = client.newCall(post(url, CALL).build()).execute()) {
            assertThat(r.code()).isEqualTo(504);
            assertThat(r.body().string()).contains("\"id\":7").contains("-32012");
        }
        assertThat(a.getRequestCount()).isEqualTo(1);
    }

    @Test
    void sseStreamSilentForLongerThanTheIdleTimeoutIsEnded() throws Exception {
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .addHeader("Mcp-Session-Id", "up-1")
                .body("id: 1\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}\n\n")
                .bodyDelay(5, TimeUnit.SECONDS)
                .build());
        String url = start(gateway(a.url("/mcp").toString()).streamIdleTimeout(Duration.ofMillis(300)));
        try (Response r = client.newCall(post(url, CALL).build()).execute()) {
            // The headers arrive; then the backend stays silent past the idle timeout and the gateway ends the stream.
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Content-Type")).isEqualTo("text/event-stream");
            assertThat(r.body().string()).isEmpty();
        }
        awaitRequestEnd();
        assertThat(events).last().asString().isEqualTo("end 200 SocketTimeoutException");
    }

    @Test
    void clientDisconnectClosesTheUpstreamCallAndIsNotRetried() throws Exception {
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 400; i++) many.append("data: {\"n\":").append(i).append("}\n\n");
        a.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .addHeader("Mcp-Session-Id", "up-1")
                .body(many.toString())
                .throttleBody(64, 50, TimeUnit.MILLISECONDS)
                .build());
        CountDownLatch ended = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        host = Hosts.jdk(gateway(a.url("/mcp").toString(), b.url("/mcp").toString())
                .listener(new GatewayListener() {
                    @Override
                    public void requestEnd(GatewayRequest request, int status, Duration elapsed, Throwable f) {
                        failure.set(f);
                        ended.countDown();
                    }
                })
                .build());
        Response r = client.newCall(post(host.url(), CALL).build()).execute();
        assertThat(r.body().source().readUtf8Line()).startsWith("data: {\"n\":0}");
        r.close();
        assertThat(ended.await(15, TimeUnit.SECONDS)).isTrue();
        assertThat(failure.get()).isInstanceOf(Relay.ClientGoneException.class);
        assertThat(a.getRequestCount()).isEqualTo(1);
        assertThat(b.getRequestCount()).isZero();
    }

    // ---- bad input ----

    private void assertRejected(Request request, int status, String body) throws IOException {
        try (Response r = client.newCall(request).execute()) {
            assertThat(r.code()).isEqualTo(status);
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
            assertThat(r.body().string()).startsWith(body);
        }
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void badInputGetsTheRightStatusAndAJsonRpcErrorAndReachesNoBackend(Hosts.Kind kind) throws Exception {
        host = Hosts.start(
                kind,
                gateway(a.url("/mcp").toString()).maxRequestBodyBytes(2048).build());
        String url = host.url();
        assertRejected(
                post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,").build(),
                400,
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error");
        assertRejected(
                post(url, "{\"id\":3,\"method\":\"ping\"}").build(),
                400,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"error\":{\"code\":-32600,\"message\":\"Invalid Request");
        assertRejected(
                post(
                                url,
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\""
                                        + "x".repeat(4096) + "\"}}")
                        .build(),
                413,
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Request body exceeds the limit of 2048 bytes");
        assertRejected(
                new Request.Builder()
                        .url(url)
                        .header("Accept", ACCEPT)
                        .post(RequestBody.create(PING, MediaType.get("text/plain")))
                        .build(),
                415,
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Unsupported Media Type");
        assertRejected(
                new Request.Builder()
                        .url(url)
                        .header("Accept", "application/json")
                        .post(RequestBody.create(PING, JSON))
                        .build(),
                406,
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Not Acceptable");
        assertRejected(
                new Request.Builder()
                        .url(url)
                        .header("Accept", "application/json")
                        .get()
                        .build(),
                406,
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600");
        try (Response r = client.newCall(new Request.Builder()
                        .url(url)
                        .put(RequestBody.create(PING, JSON))
                        .build())
                .execute()) {
            assertThat(r.code()).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("GET, POST, DELETE");
            assertThat(r.body().string()).contains("-32600");
        }
        assertRejected(
                post(url, PING).header("Mcp-Session-Id", "nope").build(),
                404,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32001");
        assertThat(a.getRequestCount()).isZero();
    }

    @Test
    void unchunkedOversizedBodyIsRefusedWithoutReadingIt() throws Exception {
        String url = start(gateway(a.url("/mcp").toString()).maxRequestBodyBytes(1024));
        byte[] big = new byte[64 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        assertRejected(
                new Request.Builder()
                        .url(url)
                        .header("Accept", ACCEPT)
                        .post(RequestBody.create(big, JSON))
                        .build(),
                413,
                "{\"jsonrpc\":\"2.0\",\"id\":null");
        assertThat(a.getRequestCount()).isZero();
    }

    @Test
    void throwingListenerAndBadBalancerDoNotBreakRequests() throws Exception {
        a.enqueue(json("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}"));
        Backend stranger = Backend.of("stranger", "http://127.0.0.1:1/mcp");
        String url = start(Gateway.builder()
                .pool(BackendPool.builder("p")
                        .healthCheck(HealthCheckPolicy.disabled())
                        .backend(Backend.of("a", a.url("/mcp").toString()))
                        .loadBalancer((candidates, ctx) -> stranger)
                        .build())
                .listener(new GatewayListener() {
                    @Override
                    public void requestStart(GatewayRequest request) {
                        throw new IllegalStateException("listener bug");
                    }
                }));
        try (Response r = client.newCall(post(url, PING).build()).execute()) {
            assertThat(r.code()).isEqualTo(200);
        }
    }
}
