package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The adapters serve exactly the paths they are mounted on, and answer load-balancer probes quietly. */
class HostPathsTest {
    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

    @RegisterExtension
    final LoopbackBackend loopback = new LoopbackBackend();

    private final MockWebServer backend = loopback.server;
    private Hosts.Host host;

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void pathsOtherThanTheMountedOnesGet404AndNeverReachABackend(Hosts.Kind kind) throws Exception {
        host = loopback.closing(Hosts.start(kind, gateway()));
        String base = host.url();
        for (String path : List.of("/mcpx", "/mcp/foo", "/mcp/", "/mcp/health")) {
            RawHttp.Answer a = RawHttp.send(base, RawHttp.Req.post(path, PING));
            if (kind == Hosts.Kind.JDK) {
                assertThat(a.status).as("POST " + path).isEqualTo(404);
                assertThat(a.body)
                        .as("POST " + path)
                        .contains("\"code\":-32600")
                        .contains("Not Found");
            } else {
                // not the servlet's: Jetty's default servlet answers (405 for a POST)
                assertThat(a.status).as("POST " + path).isIn(404, 405);
            }
        }
        for (String path : List.of("/healthz", "/health/x", "/mcp/health")) {
            RawHttp.Answer a = RawHttp.send(base, new RawHttp.Req("GET", path).header("Accept", "text/event-stream"));
            assertThat(a.status).as("GET " + path).isEqualTo(404);
        }
        assertThat(backend.getRequestCount()).isZero();
        // the mounted paths still work
        backend.enqueue(new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                .build());
        assertThat(RawHttp.send(base, RawHttp.Req.post("/mcp", PING)).status).isEqualTo(200);
        assertThat(RawHttp.send(base, new RawHttp.Req("GET", "/health")).status).isEqualTo(200);
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void headOnTheHealthPathAnswersWithoutABodyOrAWarning(Hosts.Kind kind) throws Exception {
        List<String> warnings = new CopyOnWriteArrayList<>();
        Logger jdk = Logger.getLogger("com.sun.net.httpserver");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) warnings.add(r.getMessage());
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jdk.addHandler(capture);
        try {
            host = loopback.closing(Hosts.start(kind, gateway()));
            for (int i = 0; i < 3; i++) {
                RawHttp.Answer a = RawHttp.send(host.url(), new RawHttp.Req("HEAD", "/health"));
                assertThat(a.status).isEqualTo(200);
                assertThat(a.body).isEmpty();
                assertThat(a.header("Content-Type")).startsWith("application/json");
            }
        } finally {
            jdk.removeHandler(capture);
        }
        assertThat(warnings).isEmpty();
    }

    private Gateway gateway() {
        return Gateway.builder()
                .pool(BackendPool.builder("p")
                        .healthCheck(HealthCheckPolicy.disabled())
                        .backend(Backend.of("a", backend.url("/mcp").toString()))
                        .build())
                .build();
    }
}
