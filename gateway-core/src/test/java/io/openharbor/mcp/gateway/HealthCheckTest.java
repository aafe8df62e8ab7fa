package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Active health checks against MockWebServer backends. The timer is off; the test runs each round of checks itself,
 * so thresholds are counted exactly and nothing waits for time.
 */
class HealthCheckTest {
    private final MockWebServer server = new MockWebServer();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<String> seen = new CopyOnWriteArrayList<>();
    private final List<String> headers = new CopyOnWriteArrayList<>();
    private final java.util.concurrent.atomic.AtomicInteger initStatus =
            new java.util.concurrent.atomic.AtomicInteger(200);
    /** What the backend answers: a health status code, or for MCP probes the body of the ping answer. */
    private final AtomicReference<MockResponse> healthAnswer = new AtomicReference<>(ok());

    private final AtomicReference<String> pingAnswer =
            new AtomicReference<>("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{}}");
    private final AtomicReference<String> initContentType = new AtomicReference<>("application/json");
    private Gateway gateway;

    private static MockResponse ok() {
        return new MockResponse.Builder().code(200).body("{\"status\":\"ok\"}").build();
    }

    private static MockResponse status(int code) {
        return new MockResponse.Builder().code(code).body("down").build();
    }

    @BeforeEach
    void start() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest r) {
                String body = r.getBody() == null ? "" : r.getBody().utf8();
                seen.add(r.getMethod() + " " + r.getUrl().encodedPath() + " " + body);
                if (r.getUrl().encodedPath().equals("/health")) {
                    return healthAnswer.get();
                }
                if (r.getMethod().equals("DELETE")) {
                    return new MockResponse.Builder().code(200).build();
                }
                headers.add("MCP-Protocol-Version=" + r.getHeaders().get("MCP-Protocol-Version") + " Mcp-Method="
                        + r.getHeaders().get("Mcp-Method"));
                if (body.contains("\"initialize\"") && initStatus.get() != 200) {
                    return status(initStatus.get());
                }
                if (body.contains("\"initialize\"")) {
                    String result = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"protocolVersion\":\"2025-03-26\","
                            + "\"capabilities\":{},\"serverInfo\":{\"name\":\"m\",\"version\":\"1\"}}}";
                    boolean sse = initContentType.get().equals("text/event-stream");
                    return new MockResponse.Builder()
                            .addHeader("Content-Type", initContentType.get())
                            .addHeader("Mcp-Session-Id", "s-1")
                            .body(sse ? "event: message\ndata: " + result + "\n\n" : result)
                            .build();
                }
                if (body.contains("notifications/initialized")) {
                    return new MockResponse.Builder().code(202).build();
                }
                return new MockResponse.Builder()
                        .addHeader("Content-Type", "application/json")
                        .body(pingAnswer.get())
                        .build();
            }
        });
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stop() throws IOException {
        if (gateway != null) gateway.close();
        server.close();
    }

    private Gateway gateway(HealthCheckPolicy policy) {
        Gateway.Builder b = Gateway.builder()
                .pool(BackendPool.builder("p")
                        .backend(Backend.of("a", server.url("/mcp").toString()))
                        .healthCheck(policy)
                        .build())
                .clock(java.time.Clock.fixed(Instant.parse("2026-11-25T12:00:00Z"), ZoneOffset.UTC))
                .listener(new GatewayListener() {
                    @Override
                    public void healthChanged(Backend backend, boolean healthy, String reason) {
                        events.add(backend.name() + (healthy ? " up" : " down: " + reason));
                    }
                });
        b.autoHealthChecks = false;
        gateway = b.build();
        return gateway;
    }

    private boolean healthy() {
        return gateway.poolRuntime.members().list[0].healthy;
    }

    private void check() {
        gateway.healthChecker.checkAll();
    }

    @Test
    void firstCheckDecidesThenThresholdsApply() {
        gateway(HealthCheckPolicy.builder()
                .unhealthyThreshold(3)
                .healthyThreshold(2)
                .build());
        assertThat(healthy()).as("healthy until the first check says otherwise").isTrue();
        assertThat(gateway.health().backends().get(0).lastCheck()).isNull();

        healthAnswer.set(status(503));
        check();
        assertThat(healthy()).as("the first check counts at once").isFalse();
        assertThat(gateway.health().status()).isEqualTo(HealthReport.Status.UNHEALTHY);
        assertThat(gateway.health().httpStatus()).isEqualTo(503);

        healthAnswer.set(ok());
        check();
        assertThat(healthy()).as("one pass of two").isFalse();
        check();
        assertThat(healthy()).isTrue();

        healthAnswer.set(status(500));
        check();
        check();
        assertThat(healthy()).as("two failures of three").isTrue();
        healthAnswer.set(ok());
        check();
        healthAnswer.set(status(500));
        check();
        check();
        assertThat(healthy()).as("a pass resets the count").isTrue();
        check();
        assertThat(healthy()).isFalse();

        assertThat(events)
                .containsExactly("a down: GET /health answered 503", "a up", "a down: GET /health answered 500");
        HealthReport.BackendHealth report = gateway.health().backends().get(0);
        assertThat(report.lastCheck()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
        assertThat(report.lastCheckProblem()).isEqualTo("GET /health answered 500");
        assertThat(seen).allMatch(s -> s.startsWith("GET /health"));
    }

    @Test
    void healthCheckPathIsResolvedOnTheBackendsOrigin() {
        gateway = null;
        Gateway.Builder b = Gateway.builder()
                .pool(BackendPool.builder("p")
                        .backend(Backend.builder("a", server.url("/deep/mcp").uri())
                                .healthCheckPath("/ready?full=1")
                                .build())
                        .build());
        b.autoHealthChecks = false;
        gateway = b.build();
        check();
        assertThat(seen).containsExactly("GET /ready ");
    }

    @Test
    void mcpProbeInitializesPingsAndEndsItsSession() {
        gateway(HealthCheckPolicy.builder()
                .mode(HealthCheckPolicy.Mode.MCP_PING)
                .build());
        check();
        assertThat(healthy()).isTrue();
        assertThat(gateway.poolRuntime.members().list[0].lastCheckProblem).isNull();
        assertThat(seen).hasSize(4);
        assertThat(seen.get(0)).startsWith("POST /mcp ").contains("\"initialize\"");
        assertThat(seen.get(1)).contains("notifications/initialized");
        assertThat(seen.get(2)).contains("\"ping\"");
        assertThat(seen.get(3)).isEqualTo("DELETE /mcp ");
    }

    @Test
    void mcpProbeMarksABackendAnsweringHttp200WithAJsonRpcErrorAsDown() {
        gateway(HealthCheckPolicy.builder()
                .mode(HealthCheckPolicy.Mode.MCP_PING)
                .build());
        pingAnswer.set("{\"jsonrpc\":\"2.0\",\"id\":2,\"error\":{\"code\":-32603,\"message\":\"db down\"}}");
        check();
        assertThat(healthy()).isFalse();
        assertThat(events).containsExactly("a down: ping: JSON-RPC error -32603 db down");
        assertThat(seen.get(seen.size() - 1))
                .as("the probe's session is ended even so")
                .isEqualTo("DELETE /mcp ");
    }

    @Test
    void mcpToolsListProbeReadsAnSseAnswer() {
        initContentType.set("text/event-stream");
        pingAnswer.set("{\"jsonrpc\":\"2.0\",\"id\":2,\"result\":{\"tools\":[]}}");
        gateway(HealthCheckPolicy.builder()
                .mode(HealthCheckPolicy.Mode.MCP_TOOLS_LIST)
                .build());
        check();
        assertThat(healthy()).isTrue();
        assertThat(seen.get(2)).contains("\"tools/list\"");
    }

    @Test
    void mcpProbeFailsOnAnInitializeError() {
        gateway(HealthCheckPolicy.builder()
                .mode(HealthCheckPolicy.Mode.MCP_PING)
                .build());
        pingAnswer.set("not json");
        check();
        assertThat(healthy()).isFalse();
        assertThat(gateway.poolRuntime.members().list[0].lastCheckProblem).startsWith("ping: malformed JSON answer");
    }

    @Test
    void aServerWithoutSessionsIsProbedWithServerDiscover() {
        // A 2026-07-28 server: initialize is refused with 400, server/discover answers.
        initStatus.set(400);
        pingAnswer.set("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"supportedVersions\":[\"2026-07-28\"]}}");
        gateway(HealthCheckPolicy.builder()
                .mode(HealthCheckPolicy.Mode.MCP_PING)
                .build());
        check();
        assertThat(healthy())
                .as(String.valueOf(gateway.poolRuntime.members().list[0].lastCheckProblem))
                .isTrue();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).contains("\"initialize\"");
        assertThat(seen.get(1)).contains("\"server/discover\"");
        assertThat(headers.get(1)).contains("MCP-Protocol-Version=2026-07-28").contains("Mcp-Method=server/discover");
        // from then on it is probed the stateless way first: no initialize
        seen.clear();
        check();
        assertThat(healthy()).isTrue();
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0)).contains("\"server/discover\"");
    }

    @Test
    void aServerRefusingBothHandshakesIsDown() {
        initStatus.set(400);
        pingAnswer.set("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"no\"}}");
        gateway(HealthCheckPolicy.builder()
                .mode(HealthCheckPolicy.Mode.MCP_PING)
                .build());
        check();
        assertThat(healthy()).isFalse();
        assertThat(gateway.poolRuntime.members().list[0].lastCheckProblem)
                .isEqualTo("initialize refused: HTTP 400; server/discover: JSON-RPC error -32601 no");
    }

    @Test
    void anUnreachableBackendIsDown() throws IOException {
        gateway(HealthCheckPolicy.defaults());
        server.close();
        check();
        assertThat(healthy()).isFalse();
        assertThat(gateway.poolRuntime.members().list[0].lastCheckProblem).contains("ConnectException");
    }

    @Test
    void jitterStaysWithinItsFraction() {
        gateway(HealthCheckPolicy.builder()
                .interval(java.time.Duration.ofSeconds(30))
                .jitter(0.1)
                .build());
        for (int i = 0; i < 1000; i++) {
            long d = gateway.healthChecker.nextDelayNanos();
            assertThat(d).isBetween(27_000_000_000L, 33_000_000_000L);
        }
    }
}
