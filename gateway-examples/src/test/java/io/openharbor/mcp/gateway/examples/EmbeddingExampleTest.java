package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelcontextprotocol.client.McpSyncClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's example runs: the official MCP SDK client gets through with its API key, and not without one. */
class EmbeddingExampleTest {
    private static final String KEY = "ci-bot-key-0123456789abcdef";
    private DemoBackend one;
    private DemoBackend two;
    private AutoCloseable running;

    @AfterEach
    void stop() throws Exception {
        if (running != null) running.close();
        if (one != null) one.close();
        if (two != null) two.close();
    }

    @Test
    void theReadmeGatewayServesCallersWithAKeyOnly() throws Exception {
        one = DemoBackend.start("replica-1", 0, null);
        two = DemoBackend.start("replica-2", 0, null);
        byte[] sessionKey = new byte[32];
        new SecureRandom().nextBytes(sessionKey);
        int port = freePort();
        running = EmbeddingExample.start(port, one.url().toString(), two.url().toString(), sessionKey, KEY);
        String base = "http://127.0.0.1:" + port;

        SdkClients.assertEchoes(base, KEY);

        McpSyncClient withoutKey = SdkClients.client(base, null);
        try {
            assertThatThrownBy(withoutKey::initialize).isInstanceOf(RuntimeException.class);
        } finally {
            withoutKey.close();
        }

        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("replica-1").contains("replica-2");
    }

    /** A port of 127.0.0.1 that was free a moment ago (the example takes a port, as a host's configuration would). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
