package io.openharbor.mcp.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.testing.FakeMcpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload on change: an atomic swap of the whole gateway; a broken file keeps the running configuration. */
class ReloadingGatewayTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}";

    @TempDir
    Path dir;

    private final Fixture fixture = new Fixture();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Path file;

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private FakeMcpServer backend(String name) throws IOException {
        return fixture.backend(name);
    }

    /** Writes the configuration the way editors and Kubernetes do: a new file renamed over the old one. */
    private void write(String json) throws IOException {
        Path tmp = dir.resolve("gateway.json.tmp");
        Files.writeString(tmp, json);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String config(String extra, FakeMcpServer... backends) {
        StringBuilder sb = new StringBuilder("{ \"Gateway\": { \"BackendServers\": [");
        for (int i = 0; i < backends.length; i++) {
            sb.append(i > 0 ? "," : "")
                    .append("{ \"Name\": \"")
                    .append(backends[i].name())
                    .append("\", \"Url\": \"")
                    .append(backends[i].url())
                    .append("/mcp\" }");
        }
        return sb.append("], \"LoadBalancing\": { \"HealthCheck\": { \"Enabled\": false } },")
                .append(" \"Pool\": { \"SlowStart\": \"PT0S\" }")
                .append(extra)
                .append(" } }")
                .toString();
    }

    private ReloadingGateway start() {
        ReloadingGateway g = ReloadingGateway.start(
                GatewayConfig.loader().file(file).environment(Map.of("GATEWAY__SESSIONS__KEYS__0", KEY)));
        return fixture.closeLater(g);
    }

    private String host(ReloadingGateway gateway) throws IOException {
        return fixture.host(gateway) + "/mcp";
    }

    private HttpResponse<String> post(String url, String json, String session) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (session != null) {
            b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-06-18");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void reloadSwapsTheGatewayAndSessionsCarryOver() throws Exception {
        FakeMcpServer a = backend("a");
        FakeMcpServer b = backend("b");
        file = dir.resolve("gateway.json");
        write(config("", a));
        ReloadingGateway gateway = start();
        String url = host(gateway);
        HttpResponse<String> init = post(url, INIT, null);
        String token = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        Gateway first = gateway.get();

        assertThat(gateway.reloadIfChanged()).as("nothing changed").isFalse();
        write(config("", a, b));
        assertThat(gateway.reloadIfChanged()).isTrue();
        assertThat(gateway.generation()).isEqualTo(2);
        assertThat(gateway.get()).isNotSameAs(first);
        assertThat(gateway.get().pool().backends()).extracting(Backend::name).containsExactly("a", "b");
        assertThat(post(url, PING, token).statusCode())
                .as("the session survives the swap")
                .isEqualTo(200);

        // a removed backend: its sessions get 404 and the client re-initializes on what is left
        write(config("", b));
        assertThat(gateway.reload()).isTrue();
        assertThat(post(url, PING, token).statusCode()).isEqualTo(404);
        assertThat(post(url, INIT, null).body()).contains("\"backend\":\"b\"");
    }

    @Test
    void aBrokenFileIsRefusedAndTheRunningConfigurationStays() throws Exception {
        FakeMcpServer a = backend("a");
        FakeMcpServer b = backend("b");
        file = dir.resolve("gateway.json");
        write(config("", a));
        ReloadingGateway gateway = start();
        String url = host(gateway);
        Gateway running = gateway.get();

        write("{ \"Gateway\": { \"BackendServers\": [ { \"Name\": \"b\", \"Url\": \"" + b.url() + "\","
                + " \"MaxConnections\": 0 } ], \"Timeouts\": { \"Conect\": \"PT1S\" } } }");
        assertThat(gateway.reloadIfChanged()).isFalse();
        assertThat(gateway.get()).isSameAs(running);
        assertThat(gateway.generation()).isEqualTo(1);
        assertThat(gateway.lastError())
                .contains("Gateway:BackendServers:0:MaxConnections = \"0\"")
                .contains("Gateway:Timeouts:Conect")
                .contains("did you mean Gateway:Timeouts:Connect?");
        assertThat(post(url, PING, null).body()).contains("\"backend\":\"a\"");
        assertThat(gateway.reloadIfChanged())
                .as("the same broken file is not tried again")
                .isFalse();

        write("{ \"Gateway\": { \"BackendServers\": [ { \"Name\": \"a\" ");
        assertThat(gateway.reload()).isFalse();
        assertThat(gateway.lastError()).contains("malformed JSON");
        assertThat(gateway.get()).isSameAs(running);

        write(config("", b));
        assertThat(gateway.reloadIfChanged()).isTrue();
        assertThat(gateway.lastError()).isNull();
        assertThat(post(url, PING, null).body()).contains("\"backend\":\"b\"");
    }

    @Test
    void theOldGatewayFinishesWhatItServesBeforeClosing() throws Exception {
        FakeMcpServer a = backend("a");
        file = dir.resolve("gateway.json");
        write(config(", \"Timeouts\": { \"Drain\": \"PT20S\" }", a));
        ReloadingGateway gateway = start();
        String url = host(gateway);
        CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> {
            try {
                return post(
                        url,
                        "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"t\","
                                + "\"hold\":true}}",
                        null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(a.awaitHolding(Duration.ofSeconds(10))).isTrue();
        write(config(", \"Limits\": { \"MaxJsonDepth\": 32 }", a));
        assertThat(gateway.reload()).isTrue();
        assertThat(post(url, PING, null).statusCode())
                .as("the new gateway serves")
                .isEqualTo(200);
        assertThat(held.isDone()).isFalse();
        a.release();
        HttpResponse<String> r = held.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode())
                .as("the request the old gateway held was answered, not cut")
                .isEqualTo(200);
        assertThat(r.body()).contains("\"id\":3");
    }

    @Test
    void watchingTheFileReloadsOnItsOwn() throws Exception {
        FakeMcpServer a = backend("a");
        FakeMcpServer b = backend("b");
        file = dir.resolve("gateway.json");
        String watch = ", \"Reload\": { \"OnChange\": true, \"CheckInterval\": \"00:00:00.1\" }";
        write(config(watch, a));
        ReloadingGateway gateway = start();
        write(config(watch, a, b));
        await().atMost(Duration.ofSeconds(10)).until(() -> gateway.generation() >= 2);
        assertThat(gateway.generation()).as("the watcher saw the change").isEqualTo(2);
        assertThat(gateway.get().pool().backends()).hasSize(2);
    }

    @Test
    void anInvalidFileFailsStartUp() throws IOException {
        file = dir.resolve("gateway.json");
        write("{ \"Gateway\": { } }");
        assertThatThrownBy(() -> ReloadingGateway.start(GatewayConfig.loader().file(file)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Gateway:BackendServers: missing");
    }
}
