package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Smaller defects found by trying the gateway as a user would; each test failed before its fix. */
class FieldDefectsTest {
    private static final String CALL =
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{}}}";

    @RegisterExtension
    final LoopbackBackend loopback = new LoopbackBackend();

    private final MockWebServer backend = loopback.server;
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Hosts.Host host;

    private Gateway.Builder gateway(String... urls) {
        BackendPool.Builder pool = BackendPool.builder("p").healthCheck(HealthCheckPolicy.disabled());
        for (int i = 0; i < urls.length; i++) {
            pool.backend(Backend.of("b" + i, urls[i]));
        }
        return Gateway.builder().pool(pool.build()).listener(new GatewayListener() {
            @Override
            public void retry(GatewayRequest request, Backend failed, int nextAttempt, Throwable cause) {
                events.add("retry " + failed.name());
            }

            @Override
            public void rejected(GatewayRequest request, Rejection reason) {
                events.add("rejected " + reason);
            }
        });
    }

    @Test
    void aDuplicateBackendUrlIsRefused() {
        String url = backend.url("/mcp").toString();
        assertThatThrownBy(() -> BackendPool.builder("p")
                        .backend(Backend.of("a", url))
                        .backend(Backend.of(
                                "b", url.replace("127.0.0.1", "127.0.0.1").replace("/mcp", "/./mcp"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backends 'a' and 'b' have the same URL");
    }

    @Test
    void addingALiveBackendsUrlUnderAnotherNameIsRefused() throws Exception {
        String url = backend.url("/mcp").toString();
        host = loopback.closing(Hosts.jdk(gateway(url).build()));
        assertThatThrownBy(() -> host.gateway().addBackend(Backend.of("again", url)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has the URL");
    }

    @Test
    void aClosedGatewayAnswers503WithRetryAfter() throws Exception {
        host = loopback.closing(
                Hosts.jdk(gateway(backend.url("/mcp").toString()).build()));
        host.gateway().close();
        RawHttp.Answer a = RawHttp.send(host.url(), RawHttp.Req.post("/mcp", CALL));
        assertThat(a.status).isEqualTo(503);
        assertThat(a.header("Retry-After")).isEqualTo("1");
        assertThat(a.body).contains("-32010").contains("shutting down");
        assertThat(backend.getRequestCount()).isZero();
        assertThat(events).containsExactly("rejected GATEWAY_CLOSED");
    }

    @Test
    void withASingleBackendAFailureIsNotRetriedNorLoggedAsTryingAnother() throws Exception {
        // a port nobody listens on: connection refused, nothing sent
        String dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            dead = "http://127.0.0.1:" + s.getLocalPort() + "/mcp";
        }
        host = loopback.closing(Hosts.jdk(gateway(dead).build()));
        RawHttp.Answer a = RawHttp.send(host.url(), RawHttp.Req.post("/mcp", CALL));
        assertThat(a.status).isEqualTo(503);
        assertThat(events).as("no retry announced with nobody to retry on").containsExactly("rejected NO_BACKEND");
    }

    @Test
    void wildcardAcceptRangesGetTheGatewaysOwn406() throws Exception {
        host = loopback.closing(
                Hosts.jdk(gateway(backend.url("/mcp").toString()).build()));
        for (String accept : List.of("*/*", "application/*, text/*", "application/json, */*")) {
            RawHttp.Answer post = RawHttp.send(
                    host.url(),
                    new RawHttp.Req("POST", "/mcp")
                            .header("Content-Type", "application/json")
                            .header("Accept", accept)
                            .body(CALL));
            assertThat(post.status).as("POST Accept: " + accept).isEqualTo(406);
            assertThat(post.body).contains("-32600").contains("Not Acceptable");
        }
        RawHttp.Answer get = RawHttp.send(host.url(), new RawHttp.Req("GET", "/mcp").header("Accept", "*/*"));
        assertThat(get.status).isEqualTo(406);
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void aCompressedEventStreamGetsNoHeartbeatsInItsBytes() throws Exception {
        okio.Buffer gzipped = new okio.Buffer();
        try (okio.BufferedSink gz = okio.Okio.buffer(new okio.GzipSink(gzipped))) {
            gz.writeUtf8("data: {\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{}}\n\n");
        }
        byte[] expected = gzipped.readByteArray();
        backend.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "text/event-stream")
                .addHeader("Content-Encoding", "gzip")
                .bodyDelay(500, java.util.concurrent.TimeUnit.MILLISECONDS)
                .body(new okio.Buffer().write(expected))
                .build());
        host = loopback.closing(Hosts.jdk(gateway(backend.url("/mcp").toString())
                .streamHeartbeat(java.time.Duration.ofMillis(100))
                .build()));
        okhttp3.OkHttpClient client = new okhttp3.OkHttpClient.Builder().build();
        okhttp3.Request request = new okhttp3.Request.Builder()
                .url(host.url())
                .header("Accept", "application/json, text/event-stream")
                .header("Accept-Encoding", "gzip")
                .post(okhttp3.RequestBody.create(CALL, okhttp3.MediaType.get("application/json")))
                .build();
        try (okhttp3.Response r = client.newCall(request).execute()) {
            assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(r.body().bytes()).isEqualTo(expected);
        }
    }

    @Test
    void aTruncatedBodyIsAParseErrorWithoutJacksonInternals() throws Exception {
        host = loopback.closing(
                Hosts.jdk(gateway(backend.url("/mcp").toString()).build()));
        RawHttp.Answer a = RawHttp.send(host.url(), RawHttp.Req.post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,"));
        assertThat(a.status).isEqualTo(400);
        assertThat(a.body)
                .contains("-32700")
                .doesNotContain("Source")
                .doesNotContain("REDACTED")
                .doesNotContain("StreamReadFeature");
    }

    @Test
    void theHealthCheckProblemNamesTheConfigurationKeyAsWellAsTheBuilder() throws Exception {
        backend.enqueue(new MockResponse.Builder().code(404).build());
        Gateway.Builder b = Gateway.builder()
                .pool(BackendPool.builder("p")
                        .backend(Backend.of("a", backend.url("/mcp").toString()))
                        .build());
        b.autoHealthChecks = false;
        try (Gateway gateway = b.build()) {
            gateway.healthChecker.checkAll();
            assertThat(gateway.health().backends().get(0).lastCheckProblem())
                    .contains("GET /health answered 404")
                    .contains("HealthCheckPath")
                    .contains("HealthCheck:Mode McpPing")
                    .contains("Backend.Builder.healthCheckPath");
        }
    }
}
