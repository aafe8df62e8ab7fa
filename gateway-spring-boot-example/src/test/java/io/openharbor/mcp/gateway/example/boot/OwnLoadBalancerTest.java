package io.openharbor.mcp.gateway.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.LoadBalancer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A {@link LoadBalancer} bean of the application's replaces the default balancing: every new session goes its way. */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "example.replicas.start=false")
class OwnLoadBalancerTest {
    private static ExampleReplica a;
    private static ExampleReplica b;

    /** The candidates each pick was offered, in order. */
    static final List<List<String>> PICKS = new CopyOnWriteArrayList<>();

    @TestConfiguration
    static class AlwaysReplicaB {
        @Bean
        LoadBalancer alwaysReplicaB() {
            return (candidates, context) -> {
                PICKS.add(candidates.stream().map(Backend::name).toList());
                return candidates.stream()
                        .filter(c -> c.name().equals("replica-b"))
                        .findFirst()
                        .orElse(candidates.get(0));
            };
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    Gateway gateway;

    @Autowired
    LoadBalancer balancer;

    @BeforeAll
    static void replicas() throws Exception {
        a = ExampleReplica.start("replica-a", 0, null);
        b = ExampleReplica.start("replica-b", 0, null);
    }

    @AfterAll
    static void stop() throws Exception {
        a.close();
        b.close();
    }

    @DynamicPropertySource
    static void backends(DynamicPropertyRegistry r) {
        Clients.backends(r, () -> a, () -> b);
    }

    @Test
    void everySessionGoesWhereTheApplicationsBalancerSays() {
        assertThat(gateway.pool().loadBalancer()).isSameAs(balancer);
        for (int i = 0; i < 4; i++) {
            McpSyncClient client = Clients.client(port, null);
            try {
                client.initialize();
                assertThat(((TextContent) client.callTool(new CallToolRequest("whoami", Map.of(), null))
                                        .content()
                                        .get(0))
                                .text())
                        .isEqualTo("replica-b");
            } finally {
                client.closeGracefully();
            }
        }
        assertThat(PICKS).hasSizeGreaterThanOrEqualTo(4).allSatisfy(c -> assertThat(c).contains("replica-b"));
    }
}
