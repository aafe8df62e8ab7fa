package io.openharbor.mcp.gateway.jpmstest;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.config.GatewayConfig;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.tls.BackendTls;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A host in a named module: an MCP backend stand-in and the gateway in front of it (built from a configuration
 * string, so Jackson, OkHttp, Failsafe, Caffeine and SLF4J all load as modules), both on 127.0.0.1.
 */
public final class ModularHost implements AutoCloseable {
    private final HttpServer backend;
    private final HttpServer front;
    private final Gateway gateway;

    private ModularHost(HttpServer backend, HttpServer front, Gateway gateway) {
        this.backend = backend;
        this.front = front;
        this.gateway = gateway;
    }

    /**
     * Starts the backend and the gateway on free ports.
     *
     * @return the running pair
     * @throws IOException if a port could not be bound
     */
    public static ModularHost start() throws IOException {
        HttpServer backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        backend.start();
        String url = "http://127.0.0.1:" + backend.getAddress().getPort() + "/mcp";
        Gateway gateway = GatewayConfig.loader()
                .json("{ \"Gateway\": { \"BackendServers\": [ { \"Name\": \"b1\", \"Url\": \"" + url + "\" } ] } }")
                .load()
                .build();
        HttpServer front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        GatewayHttpHandler handler = new GatewayHttpHandler(gateway);
        front.createContext("/mcp", handler);
        front.createContext("/health", handler);
        front.start();
        return new ModularHost(backend, front, gateway);
    }

    /** The gateway's base URL, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + front.getAddress().getPort();
    }

    /** The module of a type from each gateway module this host uses: core, TLS and configuration. */
    public static Module[] gatewayModules() {
        return new Module[] {Gateway.class.getModule(), BackendTls.class.getModule(), GatewayConfig.class.getModule()};
    }

    @Override
    public void close() {
        front.stop(0);
        gateway.close();
        backend.stop(0);
    }
}
