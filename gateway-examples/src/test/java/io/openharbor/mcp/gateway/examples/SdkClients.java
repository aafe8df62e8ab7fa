package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;

/** The official MCP Java SDK client as the examples' tests use it. */
final class SdkClients {
    private SdkClients() {}

    /** A client of {@code base + "/mcp"}, sending {@code X-API-Key: apiKey} when the key is not null. */
    static McpSyncClient client(String base, String apiKey) {
        return client(base, apiKey, null);
    }

    /** The same, also sending {@code Authorization: authorization} when it is not null. */
    static McpSyncClient client(String base, String apiKey, String authorization) {
        return client(base, apiKey, authorization, null);
    }

    /** The same over HTTPS, trusting what {@code tls} trusts (when not null). */
    static McpSyncClient client(String base, String apiKey, String authorization, SSLContext tls) {
        HttpClientStreamableHttpTransport.Builder t =
                HttpClientStreamableHttpTransport.builder(base).endpoint("/mcp");
        if (tls != null) {
            t.customizeClient(b -> b.sslContext(tls));
        }
        if (apiKey != null) {
            t.addHttpRequestCustomizer((request, method, uri, body, context) -> request.header("X-API-Key", apiKey));
        }
        if (authorization != null) {
            t.addHttpRequestCustomizer(
                    (request, method, uri, body, context) -> request.header("Authorization", authorization));
        }
        return McpClient.sync(t.build()).requestTimeout(Duration.ofSeconds(20)).build();
    }

    /** Initializes a session through {@code base}, calls the demo backends' {@code echo} tool and checks its answer. */
    static void assertEchoes(String base, String apiKey) {
        assertEchoes(base, apiKey, null);
    }

    /** The same, also sending {@code Authorization: authorization} when it is not null. */
    static void assertEchoes(String base, String apiKey, String authorization) {
        assertEchoes(base, apiKey, authorization, null);
    }

    /** The same over HTTPS, trusting what {@code tls} trusts (when not null). */
    static void assertEchoes(String base, String apiKey, String authorization, SSLContext tls) {
        McpSyncClient client = client(base, apiKey, authorization, tls);
        try {
            client.initialize();
            McpSchema.CallToolResult r =
                    client.callTool(new McpSchema.CallToolRequest("echo", Map.of("text", "hi"), null));
            assertThat(((McpSchema.TextContent) r.content().get(0)).text()).isEqualTo("hi");
        } finally {
            client.closeGracefully();
        }
    }
}
