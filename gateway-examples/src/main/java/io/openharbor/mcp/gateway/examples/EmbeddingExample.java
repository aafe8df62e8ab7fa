package io.openharbor.mcp.gateway.examples;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.LoadBalancer;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import java.net.InetSocketAddress;
import java.util.List;

/** The README's embedding example, compiled by the build (a test checks the README still shows this code). */
public final class EmbeddingExample {
    private EmbeddingExample() {}

    // README:BEGIN
    public static HttpServer start(String replica1, String replica2, byte[] sessionKey) throws Exception {
        Gateway gateway = Gateway.builder()
                .pool(BackendPool.builder("tools")
                        .backend(Backend.of("replica-1", replica1))
                        .backend(Backend.of("replica-2", replica2))
                        .loadBalancer(LoadBalancer.peakEwma()) // the default; also roundRobin(), ...
                        .healthCheck(HealthCheckPolicy.defaults()) // GET /health on each replica every 30 s
                        .build())
                .sessionKeys(List.of(sessionKey)) // 32 bytes, shared by all gateway instances
                .build();

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 8080), 0);
        GatewayHttpHandler handler = new GatewayHttpHandler(gateway);
        server.createContext("/mcp", handler);
        server.createContext("/health", handler); // the gateway's own health report
        server.setExecutor(Gateway.newRequestExecutor("mcp-")); // virtual threads on Java 21+
        server.start();
        return server; // MCP clients now connect to http://127.0.0.1:8080/mcp
    }
    // README:END
}
