package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openharbor.mcp.gateway.config.ConfigException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A .NET gateway user's settings run the demo: the seed guide's appsettings.Production.json (Kestrel section, comments
 * and all), its backend URLs pointed at two MCP SDK servers on loopback, and its documented environment variables.
 */
class DemoConfigTest {
    /** The seed guide's example, kept once in the repository (with ${PORT1}/${PORT2} placeholders). */
    private static final Path SEED = Path.of("../gateway-config/src/test/resources/seed-appsettings.json");

    @TempDir
    Path dir;

    private DemoBackend one;
    private DemoBackend two;
    private DemoMain.Running demo;

    @AfterEach
    void stop() throws Exception {
        if (demo != null) demo.close();
        if (one != null) one.close();
        if (two != null) two.close();
    }

    @Test
    void theSeedSettingsStartTheDemoAndShowTheirBackends() throws Exception {
        one = DemoBackend.start("replica-1", 0, null);
        two = DemoBackend.start("replica-2", 0, null);
        Path file = dir.resolve("appsettings.Production.json");
        Files.writeString(
                file,
                Files.readString(SEED)
                        .replace("http://127.0.0.1:${PORT1}", one.url().toString())
                        .replace("http://127.0.0.1:${PORT2}", two.url().toString()));
        demo = DemoMain.fromConfig(
                file,
                0,
                Map.of(
                        "GATEWAY__SECURITY__APIKEY", "gateway-api-key", // the seed's documented variable
                        "GATEWAY__SECURITY__REQUIREHTTPS", "false", // the demo listens on plain HTTP
                        "KESTREL__CERTIFICATES__DEFAULT__PASSWORD", "ignored"));

        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(demo.url().replace("/mcp", "/health")))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"name\":\"mcp-server-1\"", "\"name\":\"mcp-server-2\"");

        String base = demo.url().replace("/mcp", "");
        SdkClients.assertEchoes(base, "gateway-api-key");
    }

    @Test
    void anInvalidFileStopsTheDemoWithEveryProblem() throws Exception {
        Path file = dir.resolve("bad.json");
        Files.writeString(
                file,
                "{ \"Gateway\": { \"BackendServers\": [ { \"Url\": \"localhost:5050\" } ],"
                        + " \"LoadBalancing\": { \"Stratgy\": \"RoundRobin\" } } }");
        assertThatThrownBy(() -> DemoMain.fromConfig(file, 0, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Gateway:BackendServers:0:Url")
                .hasMessageContaining("did you mean Gateway:LoadBalancing:Strategy?");
    }
}
