package io.openharbor.mcp.gateway.config;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.testing.FakeMcpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/** What a configuration test starts (fake backends, hosts, gateways), closed in reverse order after each test. */
@SuppressWarnings("try") // close() passes on what it closes, which may declare Exception
final class Fixture implements AutoCloseable {
    private final List<AutoCloseable> closing = new ArrayList<>();

    /** Closes {@code resource} when the test ends; returns it. */
    <T extends AutoCloseable> T closeLater(T resource) {
        closing.add(resource);
        return resource;
    }

    FakeMcpServer backend(String name) throws IOException {
        return closeLater(FakeMcpServer.start(name));
    }

    /** Mounts the gateway {@code current} hands out at /mcp and /health on a JDK server; returns the base URL. */
    String host(Supplier<Gateway> current) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        GatewayHttpHandler handler = new GatewayHttpHandler(current);
        server.createContext("/mcp", handler);
        server.createContext("/health", handler);
        ExecutorService executor = Gateway.newRequestExecutor("config-test-");
        server.setExecutor(executor);
        server.start();
        closing.add(() -> {
            server.stop(0);
            executor.shutdownNow();
        });
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A {@code ping} POST to {@code base + "/mcp"} without credentials. */
    static HttpResponse<String> ping(String base) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/mcp"))
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/json, text/event-stream")
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }
}
