package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openharbor.mcp.gateway.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration file the demo cannot use stops it with every problem named. (The seed guide's own
 * appsettings.Production.json, HTTPS endpoint and all, is {@link KestrelHttpsTest}'s.)
 */
class DemoConfigTest {
    @TempDir
    Path dir;

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
