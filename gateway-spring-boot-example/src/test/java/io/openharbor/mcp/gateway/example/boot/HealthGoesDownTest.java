package io.openharbor.mcp.gateway.example.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Actuator's health, and readiness with the gateway in its group, go DOWN when every backend has died. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "example.replicas.start=false",
            "mcp.gateway.load-balancing.health-check.interval=100ms",
            "mcp.gateway.load-balancing.health-check.timeout=500ms",
            "mcp.gateway.load-balancing.health-check.unhealthy-threshold=1",
            "mcp.gateway.load-balancing.health-check.jitter=0"
        })
class HealthGoesDownTest {
    private static ExampleReplica a;
    private static ExampleReplica b;

    @LocalServerPort
    int port;

    @BeforeAll
    static void replicas() throws Exception {
        a = ExampleReplica.start("replica-a", 0, null);
        b = ExampleReplica.start("replica-b", 0, null);
    }

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry r) {
        Clients.backends(r, () -> a, () -> b);
    }

    @Test
    void healthAndReadinessGoDownWhenTheBackendsDie() throws Exception {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Clients.get(port, "/actuator/health"))
                        .startsWith("200 ")
                        .contains("\"verdict\":\"Healthy\""));
        a.close();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Clients.get(port, "/actuator/health"))
                        .startsWith("200 ")
                        .contains("\"verdict\":\"Degraded\""));
        b.close();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(Clients.get(port, "/actuator/health"))
                        .startsWith("503 ")
                        .contains("\"status\":\"DOWN\"")
                        .contains("\"verdict\":\"Unhealthy\"")
                        .contains("lastCheckProblem"));
        assertThat(Clients.get(port, "/actuator/health/readiness")).startsWith("503 ");
        assertThat(Clients.get(port, "/actuator/health/liveness")).startsWith("200 ");
    }
}
