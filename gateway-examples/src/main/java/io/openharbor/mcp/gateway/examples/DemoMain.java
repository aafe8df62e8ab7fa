package io.openharbor.mcp.gateway.examples;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;

/**
 * The demo: two MCP Java SDK servers and a gateway in front of them, all on 127.0.0.1.
 *
 * <p>Settings, as flags or environment variables:
 * <ul>
 *   <li>{@code --port N} / {@code GATEWAY_PORT}: the gateway's port (default 8080; 0 picks a free one);</li>
 *   <li>{@code --backends URL,URL} / {@code GATEWAY_BACKENDS}: use these MCP endpoints instead of starting demo
 *       replicas.</li>
 * </ul>
 * Stops cleanly on Ctrl-C.
 */
public final class DemoMain {
    private DemoMain() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(setting(args, "--port", "GATEWAY_PORT", "8080"));
        String backendList = setting(args, "--backends", "GATEWAY_BACKENDS", "");

        List<DemoBackend> replicas = new ArrayList<>();
        BackendPool.Builder pool = BackendPool.builder("demo");
        if (backendList.isBlank()) {
            for (String name : List.of("replica-1", "replica-2")) {
                DemoBackend replica = DemoBackend.start(name, 0, null);
                replicas.add(replica);
                pool.backend(Backend.of(name, replica.url().toString()));
            }
        } else {
            int i = 1;
            for (String url : backendList.split(",")) {
                pool.backend(Backend.of("backend-" + i++, url.trim()));
            }
        }
        Gateway gateway = Gateway.builder().pool(pool.build()).build();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        GatewayHttpHandler handler = new GatewayHttpHandler(gateway);
        server.createContext("/mcp", handler);
        server.createContext("/health", handler);
        ExecutorService executor = Gateway.newRequestExecutor("demo-gateway-");
        server.setExecutor(executor);
        server.start();

        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
        System.out.println();
        System.out.println("MCP gateway listening on " + url);
        for (Backend b : gateway.pool().backends()) {
            System.out.println("  backend " + b.name() + " -> " + b.url());
        }
        System.out.println();
        System.out.println("Try it:");
        System.out.println("  npx @modelcontextprotocol/inspector   (Streamable HTTP, URL " + url + ")");
        System.out.println("  curl -si " + url + " -H 'Content-Type: application/json' \\");
        System.out.println("       -H 'Accept: application/json, text/event-stream' \\");
        System.out.println("       -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"curl\",\"version\":\"1\"}}}'");
        System.out.println("  then repeat with -H 'Mcp-Session-Id: <the header from that answer>' and e.g.");
        System.out.println("       -d '{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"whoami\",\"arguments\":{}}}'");
        System.out.println("  curl -s http://127.0.0.1:" + server.getAddress().getPort() + "/health   (backends,"
                + " circuits, latency)");
        System.out.println();
        System.out.println("Ctrl-C stops the gateway and the demo replicas.");

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping...");
            server.stop(0);
            gateway.close();
            executor.shutdownNow();
            for (DemoBackend r : replicas) {
                try {
                    r.close();
                } catch (Exception e) {
                    System.err.println("could not stop " + r.name() + ": " + e);
                }
            }
            stopped.countDown();
        }, "demo-shutdown"));
        stopped.await();
    }

    private static String setting(String[] args, String flag, String env, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(flag)) return args[i + 1];
        }
        String value = System.getenv(env);
        return value == null || value.isBlank() ? fallback : value;
    }
}
