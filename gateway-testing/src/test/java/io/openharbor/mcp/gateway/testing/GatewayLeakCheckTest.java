package io.openharbor.mcp.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** The leak check fails what leaks and passes what does not (each case runs in JUnit's test kit). */
class GatewayLeakCheckTest {

    private static Gateway gatewayFor(FakeMcpServer backend) {
        return Gateway.builder()
                .pool(BackendPool.builder("leaky")
                        .backend(Backend.of("b1", backend.url() + "/mcp"))
                        .build())
                .build();
    }

    private static Events run(Class<?> testClass) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                .selectors(selectClass(testClass))
                .execute()
                .allEvents();
    }

    private static List<String> failures(Events events) {
        return events.failed().stream()
                .map(Event::getPayload)
                .map(p -> p.flatMap(o -> o instanceof org.junit.platform.engine.TestExecutionResult r
                                ? r.getThrowable()
                                : java.util.Optional.empty())
                        .map(Throwable::getMessage)
                        .orElse(""))
                .toList();
    }

    @Test
    void aGatewayNobodyClosesFailsItsClass() {
        List<String> failed = failures(run(NeverClosed.class));
        assertThat(failed)
                .singleElement()
                .asString()
                .contains("left gateway threads running")
                .contains("mcp-gateway-");
        NeverClosed.gateway.close();
    }

    @Test
    void aRequestStillHeldFailsItsTestAndTheGatewayIsClosedAnyway() throws Exception {
        List<String> failed = failures(run(HeldRequest.class));
        assertThat(failed)
                .singleElement()
                .asString()
                .contains("still holds")
                .contains("1 in-flight slot(s) on backend 'b1'")
                .contains("backend connection(s) in use");
        HeldRequest.backend.close();
        HeldRequest.host.stop(0);
    }

    @Test
    void aTestThatReleasesEverythingPasses() {
        Events events = run(Tidy.class);
        assertThat(failures(events)).isEmpty();
        assertThat(events.succeeded()
                        .filter(e -> e.getTestDescriptor().isTest())
                        .count())
                .isEqualTo(1);
    }

    static class NeverClosed {
        @RegisterExtension
        static final GatewayLeakCheck CHECK = GatewayLeakCheck.waiting(Duration.ofMillis(300));

        static FakeMcpServer backend;
        static Gateway gateway;

        @Test
        void buildsAGatewayAndForgetsIt() throws IOException {
            backend = FakeMcpServer.start("b1");
            gateway = gatewayFor(backend); // its health checker and watchdog threads start now
        }

        @AfterAll
        static void stopBackend() {
            backend.close();
        }
    }

    static class HeldRequest {
        @RegisterExtension
        static final GatewayLeakCheck CHECK = GatewayLeakCheck.waiting(Duration.ofMillis(300));

        static FakeMcpServer backend;
        static HttpServer host;

        @Test
        void leavesARequestInFlight() throws Exception {
            backend = FakeMcpServer.start("b1");
            Gateway gateway = GatewayLeakCheck.watch(gatewayFor(backend));
            host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            host.createContext("/mcp", new GatewayHttpHandler(gateway));
            host.start();
            String url = "http://127.0.0.1:" + host.getAddress().getPort() + "/mcp";
            CompletableFuture<Void> held =
                    CompletableFuture.runAsync(() -> post(url, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"hold\"}"));
            assertThat(backend.awaitHolding(Duration.ofSeconds(10))).isTrue();
            assertThat(held).isNotDone();
        }
    }

    static class Tidy {
        @RegisterExtension
        static final GatewayLeakCheck CHECK = GatewayLeakCheck.waiting(Duration.ofSeconds(5));

        @Test
        void answeredRequestsHoldNothing() throws Exception {
            try (FakeMcpServer backend = FakeMcpServer.start("b1")) {
                Gateway gateway = GatewayLeakCheck.watch(gatewayFor(backend));
                HttpServer host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
                host.createContext("/mcp", new GatewayHttpHandler(gateway));
                host.start();
                try {
                    String url = "http://127.0.0.1:" + host.getAddress().getPort() + "/mcp";
                    for (int i = 0; i < 3; i++) {
                        assertThat(post(url, "{\"jsonrpc\":\"2.0\",\"id\":" + i + ",\"method\":\"ping\"}"))
                                .isEqualTo(200);
                    }
                } finally {
                    host.stop(0);
                }
            }
        }
    }

    private static int post(String url, String body) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
            c.setConnectTimeout(5_000);
            c.setReadTimeout((int) TimeUnit.SECONDS.toMillis(30));
            c.setRequestMethod("POST");
            c.setRequestProperty("Content-Type", "application/json");
            c.setRequestProperty("Accept", "application/json, text/event-stream");
            c.setDoOutput(true);
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
            int status = c.getResponseCode();
            c.getInputStream().readAllBytes();
            return status;
        } catch (IOException e) {
            return -1;
        }
    }
}
