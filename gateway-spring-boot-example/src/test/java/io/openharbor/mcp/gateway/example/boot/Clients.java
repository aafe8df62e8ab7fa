package io.openharbor.mcp.gateway.example.boot;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.test.context.DynamicPropertyRegistry;

/** What the acceptance tests share: the SDK client of the gateway, and plain GETs of Actuator. */
final class Clients {
    private static final HttpClient HTTP = HttpClient.newHttpClient(); // Java 17's is not AutoCloseable

    private Clients() {}

    /** An SDK client of the gateway at {@code http://127.0.0.1:port/mcp}. */
    static McpSyncClient client(int port, Consumer<McpSchema.ProgressNotification> progress) {
        HttpClientStreamableHttpTransport t = HttpClientStreamableHttpTransport.builder("http://127.0.0.1:" + port)
                .endpoint("/mcp")
                .build();
        McpClient.SyncSpec spec = McpClient.sync(t).requestTimeout(Duration.ofSeconds(20));
        if (progress != null) {
            spec.progressConsumer(progress);
        }
        return spec.build();
    }

    /** The body of {@code GET http://127.0.0.1:port + path}. */
    static String get(int port, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    /** The two replicas as the gateway's backends, read when the context starts (after {@code @BeforeAll}). */
    static void backends(DynamicPropertyRegistry r, Supplier<ExampleReplica> a, Supplier<ExampleReplica> b) {
        r.add("mcp.gateway.backend-servers[0].name", () -> "replica-a");
        r.add("mcp.gateway.backend-servers[0].url", () -> a.get().url().toString());
        r.add("mcp.gateway.backend-servers[1].name", () -> "replica-b");
        r.add("mcp.gateway.backend-servers[1].url", () -> b.get().url().toString());
    }
}
