package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A draining gateway ({@link Gateway#closeWhenIdle}, as on shutdown or a reload) ends its GET streams at once, which
 * carry no request and would otherwise hold the drain to its deadline, refuses new ones with 503, and lets a request
 * in flight run to its end.
 */
class DrainTest {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private ScriptedMcpServer backend;
    private ScriptedMcpServer other;
    private Hosts.Host host;

    @AfterEach
    void close() {
        if (host != null) host.close();
        if (backend != null) backend.close();
        if (other != null) other.close();
    }

    private HttpRequest.Builder post(String session, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(host.url()))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) b.header("Mcp-Session-Id", session);
        return b;
    }

    private HttpRequest get(String session) {
        return HttpRequest.newBuilder(URI.create(host.url()))
                .timeout(Duration.ofSeconds(20))
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session)
                .GET()
                .build();
    }

    /** Opens a session; {@return its id}. */
    private String initialize(String protocolVersion) throws Exception {
        HttpResponse<String> init = http.send(
                post(
                                null,
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                                        + protocolVersion
                                        + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    }

    /** Reads a GET stream to its end, which must come within {@code limit} (before any drain deadline). */
    private static void readToEnd(HttpResponse<InputStream> stream, Duration limit) throws Exception {
        CompletableFuture.supplyAsync(() -> {
                    try (InputStream in = stream.body()) {
                        return in.readAllBytes();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .get(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aDrainEndsAFederationsMergedGetStreamsAtOnceAndRefusesNewOnes(Hosts.Kind kind) throws Exception {
        backend = ScriptedMcpServer.start("a1");
        backend.getStream = true;
        backend.stateful = true;
        other = ScriptedMcpServer.start("b1");
        other.getStream = true;
        other.stateful = true;
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        host = Hosts.start(
                kind,
                Gateway.builder()
                        .sessionKeys(java.util.List.of(key))
                        .server(McpServer.builder(
                                        "a",
                                        BackendPool.builder("a-server")
                                                .backend(Backend.of("a1", backend.url()))
                                                .build())
                                .build())
                        .server(McpServer.builder(
                                        "b",
                                        BackendPool.builder("b-server")
                                                .backend(Backend.of("b1", other.url()))
                                                .build())
                                .build())
                        .build());
        String session = initialize("2025-11-25");
        HttpResponse<InputStream> stream = http.send(get(session), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);

        CompletableFuture<Void> closed = host.gateway().closeWhenIdle(Duration.ofSeconds(20));
        readToEnd(stream, Duration.ofSeconds(5)); // not at the drain's deadline
        HttpResponse<String> refused = http.send(get(session), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        closed.get(10, TimeUnit.SECONDS);
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aDrainEndsGetStreamsAtOnceRefusesNewOnesAndLetsTheCallInFlightFinish(Hosts.Kind kind) throws Exception {
        backend = ScriptedMcpServer.start("replica");
        backend.getStream = true;
        backend.stateful = true;
        backend.hang = java.util.List.of("tools/call");
        host = Hosts.start(
                kind,
                Gateway.builder()
                        .pool(BackendPool.builder("p")
                                .backend(Backend.of("replica", backend.url()))
                                .build())
                        .build());
        String session = initialize("2025-06-18");

        HttpResponse<InputStream> stream = http.send(get(session), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        CompletableFuture<HttpResponse<String>> call = http.sendAsync(
                post(
                                session,
                                "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"search\"}}")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (backend.received("tools/call").isEmpty() && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertThat(backend.received("tools/call")).hasSize(1);

        CompletableFuture<Void> closed = host.gateway().closeWhenIdle(Duration.ofSeconds(20));
        // The GET stream ends now, not at the drain's deadline: its body reaches its end.
        readToEnd(stream, Duration.ofSeconds(5));
        HttpResponse<String> refused = http.send(get(session), HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        assertThat(refused.body()).contains("\"jsonrpc\":\"2.0\"").contains("shutting down");
        assertThat(closed).isNotDone(); // the tools/call is still in flight

        backend.release();
        HttpResponse<String> answered = call.get(10, TimeUnit.SECONDS);
        assertThat(answered.statusCode()).isEqualTo(200);
        assertThat(answered.body()).contains("\"id\":2").contains("\"result\"");
        closed.get(10, TimeUnit.SECONDS);
    }
}
