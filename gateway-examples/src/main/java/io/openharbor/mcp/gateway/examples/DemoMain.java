package io.openharbor.mcp.gateway.examples;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.config.ConfigException;
import io.openharbor.mcp.gateway.config.GatewayConfig;
import io.openharbor.mcp.gateway.config.ReloadingGateway;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * The demo: two MCP Java SDK servers and a gateway in front of them, all on 127.0.0.1.
 *
 * <p>Settings, as flags or environment variables:
 * <ul>
 *   <li>{@code --port N} / {@code GATEWAY_PORT}: the gateway's port (default 8080, or with a configuration file the
 *       port of {@code Kestrel:Endpoints:Http:Url}; 0 picks a free one);</li>
 *   <li>{@code --backends URL,URL} / {@code GATEWAY_BACKENDS}: use these MCP endpoints instead of starting demo
 *       replicas;</li>
 *   <li>{@code --config FILE} / {@code GATEWAY_CONFIG}: build the gateway from a configuration file (the .NET
 *       gateway's {@code appsettings.json} shape, {@code GATEWAY__...} overrides; docs/configuration.md), reloaded on
 *       change when {@code Gateway:Reload:OnChange} is true.</li>
 * </ul>
 * Stops cleanly on Ctrl-C.
 */
public final class DemoMain {
    private DemoMain() {}

    /** A running demo: the host server, the gateway it serves and what to stop. */
    public record Running(HttpServer server, Supplier<Gateway> gateway, AutoCloseable resources) implements AutoCloseable {
        /** The MCP endpoint's URL. */
        public String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
        }

        @Override
        public void close() throws Exception {
            server.stop(0);
            resources.close();
        }
    }

    public static void main(String[] args) throws Exception {
        String port = setting(args, "--port", "GATEWAY_PORT", "");
        String config = setting(args, "--config", "GATEWAY_CONFIG", "");
        Running demo;
        if (!config.isBlank()) {
            try {
                demo = fromConfig(Path.of(config), port.isBlank() ? null : Integer.parseInt(port), System.getenv());
            } catch (ConfigException e) {
                System.err.println(e.getMessage());
                System.exit(2);
                return;
            }
        } else {
            demo = withDemoReplicas(port.isBlank() ? 8080 : Integer.parseInt(port),
                    setting(args, "--backends", "GATEWAY_BACKENDS", ""));
        }
        printHelp(demo);

        CountDownLatch stopped = new CountDownLatch(1);
        Running running = demo;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping...");
            try {
                running.close();
            } catch (Exception e) {
                System.err.println("could not stop cleanly: " + e);
            }
            stopped.countDown();
        }, "demo-shutdown"));
        stopped.await();
    }

    /**
     * The gateway a configuration file describes (the .NET gateway's {@code appsettings.json} shape; see
     * docs/configuration.md), reloaded when the file changes if it says so. The host sections {@code Kestrel},
     * {@code Logging} and {@code AllowedHosts} of an ASP.NET file are accepted: the port of
     * {@code Kestrel:Endpoints:Http:Url} is used when {@code port} is null, the rest is ignored (the demo serves plain
     * HTTP on 127.0.0.1).
     *
     * @throws ConfigException if the file is invalid
     */
    public static Running fromConfig(Path file, Integer port, Map<String, String> environment) throws Exception {
        GatewayConfig.Loader loader = GatewayConfig.loader().file(file).environment(environment)
                .hostSections("Kestrel", "Logging", "AllowedHosts");
        ReloadingGateway gateway = ReloadingGateway.start(loader);
        Map<String, String> kestrel = gateway.config().hostSection("Kestrel");
        int listen = port != null ? port : kestrelHttpPort(kestrel.get("Endpoints:Http:Url"));
        if (kestrel.containsKey("Endpoints:Https:Url")) {
            System.out.println("Note: Kestrel:Endpoints:Https is not served by the demo, which listens on plain HTTP"
                    + " on 127.0.0.1 (for HTTPS in your host see docs/tls.md, ServerTls). With"
                    + " Gateway:Security:RequireHttps true, MCP requests over plain HTTP are redirected; to try the"
                    + " demo locally set GATEWAY__SECURITY__REQUIREHTTPS=false. /health is always served.");
        }
        try {
            return serve(listen, gateway, gateway);
        } catch (Exception e) {
            gateway.close();
            throw e;
        }
    }

    private static int kestrelHttpPort(String url) {
        if (url == null) {
            return 8080;
        }
        int colon = url.lastIndexOf(':');
        try {
            return Integer.parseInt(url.substring(colon + 1).replaceAll("/.*", ""));
        } catch (RuntimeException e) {
            System.out.println("Note: no port in Kestrel:Endpoints:Http:Url '" + url + "'; using 8080");
            return 8080;
        }
    }

    /** Two demo MCP SDK replicas behind the gateway, or the given MCP endpoints (comma-separated). */
    public static Running withDemoReplicas(int port, String backendList) throws Exception {
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
        return serve(port, () -> gateway, () -> {
            gateway.close();
            for (DemoBackend r : replicas) {
                r.close();
            }
        });
    }

    private static Running serve(int port, Supplier<Gateway> gateway, AutoCloseable resources) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        GatewayHttpHandler handler = new GatewayHttpHandler(gateway);
        server.createContext("/mcp", handler);
        server.createContext("/health", handler);
        ExecutorService executor = Gateway.newRequestExecutor("demo-gateway-");
        server.setExecutor(executor);
        server.start();
        return new Running(server, gateway, () -> {
            executor.shutdownNow();
            resources.close();
        });
    }

    private static void printHelp(Running demo) {
        String url = demo.url();
        System.out.println();
        System.out.println("MCP gateway listening on " + url);
        for (Backend b : demo.gateway().get().pool().backends()) {
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
        System.out.println("  curl -s http://127.0.0.1:" + demo.server().getAddress().getPort() + "/health   (backends,"
                + " circuits, latency)");
        System.out.println();
        System.out.println("Ctrl-C stops the gateway" + " and anything the demo started.");
    }

    private static String setting(String[] args, String flag, String env, String fallback) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(flag)) return args[i + 1];
        }
        String value = System.getenv(env);
        return value == null || value.isBlank() ? fallback : value;
    }
}
