package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a new user meets first: the demo's flags, a taken port, and settings from the environment alone. */
class DemoMainTest {
    private DemoBackend one;
    private DemoMain.Running demo;

    @AfterEach
    void stop() throws Exception {
        if (demo != null) demo.close();
        if (one != null) one.close();
    }

    /** Runs the demo's entry point on arguments it must refuse; returns the exit code and what it printed. */
    @Test
    void aTakenPortExitsAtOnceNamingItAndLeavesNothingRunning() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String[] r = DemoRuns.refused(Map.of(), "--port", String.valueOf(taken.getLocalPort()));
            assertThat(r[0]).isEqualTo("1");
            assertThat(r[1]).contains("port " + taken.getLocalPort()).contains("already in use");
        }
        // the demo replicas are not started before the port is bound, so no server thread outlives the failure
        await().atMost(Duration.ofSeconds(5))
                .pollInSameThread() // Awaitility's own poller would be a thread started after the snapshot
                .untilAsserted(() -> assertThat(Thread.getAllStackTraces().keySet())
                        .allSatisfy(t -> assertThat(before.contains(t) || t.isDaemon() || !t.isAlive())
                                .as("thread " + t.getName())
                                .isTrue()));
    }

    @Test
    void badFlagsPrintTheUsage() {
        for (String[] args : new String[][] {{"--port", "abc"}, {"--port", "70000"}, {"--prot", "1"}, {"--port"}}) {
            String[] r = DemoRuns.refused(Map.of(), args);
            assertThat(r[0]).as(String.join(" ", args)).isEqualTo("2");
            assertThat(r[1])
                    .as(String.join(" ", args))
                    .startsWith("error: ")
                    .contains("Usage:")
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ");
        }
        String[] help = DemoRuns.refused(Map.of(), "--help");
        assertThat(help[0]).isEqualTo("0");
        assertThat(help[1]).startsWith("Usage:");
    }

    @Test
    void backendsInTwoPlacesAreRefusedRatherThanOneSilentlyWinning() {
        String[] r = DemoRuns.refused(Map.of(
                "GATEWAY_BACKENDS",
                "http://127.0.0.1:9/mcp",
                "GATEWAY__BACKENDSERVERS__0__URL",
                "http://127.0.0.1:10/mcp"));
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[1]).contains("cannot be combined with GATEWAY__ configuration variables");
    }

    /** A {@code ping} POST to the demo's MCP endpoint with no credentials. */
    private HttpResponse<String> pingWithoutCredentials() throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(demo.url()))
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/json, text/event-stream")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void gatewayVariablesWithoutAFileConfigureTheDemo() throws Exception {
        one = DemoBackend.start("env-replica", 0, null);
        demo = DemoMain.start(
                new String[] {"--port", "0"},
                Map.of(
                        "GATEWAY__BACKENDSERVERS__0__NAME", "from-env",
                        "GATEWAY__BACKENDSERVERS__0__URL", one.url().toString(),
                        "GATEWAY__SECURITY__APIKEY", "env-key-0123456789"));
        assertThat(demo.gateway().get().pool().backends())
                .extracting(b -> b.name())
                .containsExactly("from-env");
        String base = demo.url().replace("/mcp", "");
        HttpResponse<String> noKey = pingWithoutCredentials();
        assertThat(noKey.statusCode())
                .as("the key from the environment is enforced")
                .isEqualTo(401);
        SdkClients.assertEchoes(base, "env-key-0123456789");
    }

    @Test
    void theDemoIsAnOAuthResourceServerWhenTheVariablesSaySo() throws Exception {
        MockOAuth2Server issuer = new MockOAuth2Server();
        issuer.start(InetAddress.getByName("127.0.0.1"), 0);
        try {
            one = DemoBackend.start("env-replica", 0, null);
            String resource = "http://127.0.0.1:8080/mcp"; // what tokens name; the demo itself listens on a free port
            demo = DemoMain.start(
                    new String[] {"--port", "0"},
                    Map.of(
                            "GATEWAY__BACKENDSERVERS__0__URL", one.url().toString(),
                            "GATEWAY__SECURITY__OAUTH__RESOURCE", resource,
                            "GATEWAY__SECURITY__OAUTH__ISSUER",
                                    issuer.issuerUrl("default").toString()));
            String base = demo.url().replace("/mcp", "");
            HttpResponse<String> metadata = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(base + "/.well-known/oauth-protected-resource/mcp"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(metadata.statusCode()).isEqualTo(200);
            assertThat(metadata.body()).contains("\"resource\":\"" + resource + "\"");
            String token = issuer.issueToken("default", "alice", resource).serialize();
            SdkClients.assertEchoes(base, null, "Bearer " + token);
            HttpResponse<String> noToken = pingWithoutCredentials();
            assertThat(noToken.statusCode()).isEqualTo(401);
            assertThat(noToken.headers().firstValue("WWW-Authenticate").orElseThrow())
                    .contains("resource_metadata=\"http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp\"");
            assertThat(one.requestsWithAuthorization()).isZero();
        } finally {
            issuer.shutdown();
        }
    }

    @Test
    void theFederatedDemoServesBothServersUnderTheirPrefixes() throws Exception {
        demo = DemoMain.start(new String[] {"--federated", "--port", "0"}, Map.of());
        String base = demo.url().replace("/mcp", "");
        io.modelcontextprotocol.client.McpSyncClient client = SdkClients.client(base, null);
        try {
            client.initialize();
            assertThat(client.listTools().tools())
                    .extracting(io.modelcontextprotocol.spec.McpSchema.Tool::name)
                    .contains("demo_echo", "notes_echo", "notes_search", "demo_whoami");
            io.modelcontextprotocol.spec.McpSchema.CallToolResult r =
                    client.callTool(new io.modelcontextprotocol.spec.McpSchema.CallToolRequest(
                            "notes_echo", Map.of("text", "hi"), null));
            assertThat(((io.modelcontextprotocol.spec.McpSchema.TextContent)
                                    r.content().get(0))
                            .text())
                    .startsWith("notes notes-");
        } finally {
            client.closeGracefully();
        }
        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("\"servers\":[{\"name\":\"demo\"", "\"name\":\"notes/notes-2\"");
        String[] refused = DemoRuns.refused(Map.of(), "--federated", "--backends", "http://127.0.0.1:1/mcp");
        assertThat(refused[0]).isEqualTo("2");
        assertThat(refused[1]).contains("--federated starts its own servers");
    }

    @Test
    void aMissingValueIsAUsageError() {
        assertThatThrownBy(() -> DemoMain.start(new String[] {"--config"}, Map.of()))
                .isInstanceOf(DemoMain.UsageException.class)
                .hasMessageContaining("--config needs a value");
    }
}
