package io.openharbor.mcp.gateway.examples;

import com.sun.net.httpserver.HttpServer; // the JDK's own server (module jdk.httpserver)
import io.openharbor.mcp.gateway.ApiKeys; // gateway-core: the API
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.RateLimits;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler; // gateway-core: the JDK HttpServer adapter
import java.net.InetSocketAddress;
import java.util.List;

/** The README's embedding example, compiled and run by the build (tests check the README still shows this code). */
public final class EmbeddingExample {
    private EmbeddingExample() {}

    // README:BEGIN
    public static AutoCloseable start(int port, String url1, String url2, byte[] key, String apiKey) throws Exception {
        Gateway gateway = Gateway.builder()
                .pool(BackendPool.builder("tools")
                        .backend(Backend.of("replica-1", url1)) // balanced by peak EWMA, health-checked
                        .backend(Backend.of("replica-2", url2))
                        .build())
                .sessionKeys(List.of(key)) // 32 bytes, shared by all gateway instances
                .authenticator(ApiKeys.builder().key("ci-bot", apiKey).build()) // X-API-Key; "ci-bot" is the caller
                .rateLimiter(RateLimits.builder().perCaller(100, 20).build()) // per caller: 100/min, bursts of 20
                .build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/mcp", new GatewayHttpHandler(gateway));
        server.createContext("/health", new GatewayHttpHandler(gateway)); // its health report (no key needed)
        server.setExecutor(Gateway.newRequestExecutor("mcp-")); // virtual threads on Java 21+
        server.start();
        return () -> {
            server.stop(1);
            gateway.close();
        }; // clients: http://127.0.0.1:<port>/mcp with their X-API-Key
    }
    // README:END
}
