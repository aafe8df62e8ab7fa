package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Slow answers arrive in the gateway's own SSE stream (so that a client leaving can be noticed, see
 * {@link AbandonedStreamTest}); fast answers and {@code initialize} keep the backend's own.
 */
class EarlyAnswerTest {
    private static final String CALL =
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\",\"arguments\":{}}}";
    private static final String RESULT = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[]}}";

    /** Long enough that a fast answer of a cold JVM on a busy machine still comes within it. */
    private static final Duration HEARTBEAT = Duration.ofMillis(500);
    /** A slow answer: well past the heartbeat, and past the sweep that commits (one to one and a half intervals). */
    private static final long SLOW_MILLIS = 1500;

    @RegisterExtension
    final LoopbackBackend loopback = new LoopbackBackend();

    private final MockWebServer backend = loopback.server;
    private Hosts.Host host;

    private String gateway(Hosts.Kind kind) throws Exception {
        host = loopback.closing(Hosts.start(
                kind,
                Gateway.builder()
                        .pool(BackendPool.builder("p")
                                .healthCheck(HealthCheckPolicy.disabled())
                                .backend(Backend.of("a", backend.url("/mcp").toString()))
                                .build())
                        .streamHeartbeat(HEARTBEAT)
                        .build()));
        return host.url();
    }

    private static RawHttp.Answer call(String url, String version) throws Exception {
        return RawHttp.send(
                url,
                RawHttp.Req.post("/mcp", CALL)
                        .header("MCP-Protocol-Version", version)
                        .header("Mcp-Method", "tools/call")
                        .header("Mcp-Name", "slow"));
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aSlowJsonAnswerArrivesAsOneEventOfTheGatewaysStream(Hosts.Kind kind) throws Exception {
        String url = gateway(kind);
        backend.enqueue(new MockResponse.Builder()
                .headersDelay(SLOW_MILLIS, TimeUnit.MILLISECONDS)
                .addHeader("Content-Type", "application/json")
                .body(RESULT)
                .build());
        RawHttp.Answer a = call(url, "2026-07-28");
        assertThat(a.status).isEqualTo(200);
        assertThat(a.header("Content-Type")).isEqualTo("text/event-stream");
        // heartbeats while waiting, then the answer as one message event
        assertThat(a.body).startsWith(":\n").endsWith("event: message\ndata: " + RESULT + "\n\n");
        assertThat(a.body.replace(":\n", "")).isEqualTo("event: message\ndata: " + RESULT + "\n\n");
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aSlowFailureBecomesAJsonRpcErrorEventForTheRequest(Hosts.Kind kind) throws Exception {
        String url = gateway(kind);
        backend.enqueue(new MockResponse.Builder()
                .code(500)
                .headersDelay(SLOW_MILLIS, TimeUnit.MILLISECONDS)
                .addHeader("Content-Type", "text/plain")
                .body("internal trouble")
                .build());
        RawHttp.Answer a = call(url, "2026-07-28");
        assertThat(a.status).isEqualTo(200);
        assertThat(a.body)
                .contains("event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":7,\"error\":{\"code\":-32011,")
                .contains("answered HTTP 500")
                .doesNotContain("internal trouble");
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aFastAnswerIsTheBackendsOwnAndInitializeIsNeverAnsweredEarly(Hosts.Kind kind) throws Exception {
        String url = gateway(kind);
        backend.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(RESULT)
                .build());
        RawHttp.Answer fast = call(url, "2025-11-25");
        assertThat(fast.header("Content-Type")).isEqualTo("application/json");
        assertThat(fast.body).isEqualTo(RESULT);
        // a slow initialize: its answer's Mcp-Session-Id header is the session, so it must come as it is
        backend.enqueue(new MockResponse.Builder()
                .headersDelay(SLOW_MILLIS, TimeUnit.MILLISECONDS)
                .addHeader("Content-Type", "application/json")
                .addHeader("Mcp-Session-Id", "up-1")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .build());
        RawHttp.Answer init = RawHttp.send(
                url,
                RawHttp.Req.post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}"));
        assertThat(init.header("Content-Type")).isEqualTo("application/json");
        assertThat(init.header("Mcp-Session-Id")).isNotNull().isNotEqualTo("up-1");
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aSlowGetStreamIsTheGatewaysStreamCarryingTheBackendsEvents(Hosts.Kind kind) throws Exception {
        String url = gateway(kind);
        backend.enqueue(new MockResponse.Builder()
                .headersDelay(SLOW_MILLIS, TimeUnit.MILLISECONDS)
                .addHeader("Content-Type", "text/event-stream")
                .body("data: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n")
                .build());
        RawHttp.Answer a = RawHttp.send(url, new RawHttp.Req("GET", "/mcp").header("Accept", "text/event-stream"));
        assertThat(a.status).isEqualTo(200);
        assertThat(a.header("Content-Type")).isEqualTo("text/event-stream");
        assertThat(a.body.replace(":\n", "")).isEqualTo("data: {\"jsonrpc\":\"2.0\",\"method\":\"n\"}\n\n");
    }
}
