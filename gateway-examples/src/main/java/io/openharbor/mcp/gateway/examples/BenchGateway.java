package io.openharbor.mcp.gateway.examples;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import java.net.InetSocketAddress;

/**
 * The gateway process of {@code bench/load.sh}: {@code BenchGateway <jdk|jetty> <port> <backend-url>...}, listening on
 * 127.0.0.1 until killed.
 */
public final class BenchGateway {
    private BenchGateway() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: BenchGateway <jdk|jetty> <port> <backend-url>...");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        // No active health checks: the nginx proxy it is compared with has none either.
        BackendPool.Builder pool = BackendPool.builder("bench").healthCheck(HealthCheckPolicy.disabled());
        for (int i = 2; i < args.length; i++) {
            pool.backend(Backend.builder("b" + (i - 1), java.net.URI.create(args[i])).maxConnections(256).build());
        }
        Gateway gateway = Gateway.builder().pool(pool.build()).build();
        if (args[0].equals("jdk")) {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
            server.createContext("/mcp", new GatewayHttpHandler(gateway));
            server.setExecutor(Gateway.newRequestExecutor("bench-"));
            server.start();
        } else {
            LoopbackJetty.start(port, new GatewayServlet(gateway));
        }
        System.out.println("bench gateway (" + args[0] + ") on 127.0.0.1:" + port + " ready");
        Thread.currentThread().join();
    }
}
