package io.openharbor.mcp.gateway.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The server processes of {@code bench/load.sh}, listening on 127.0.0.1 until killed:
 *
 * <pre>
 * BenchGateway &lt;jdk|jetty&gt; &lt;port&gt; [--max-connections N] [--jetty-virtual-threads] &lt;backend-url&gt;...
 * BenchGateway &lt;local-jdk|local-jetty&gt; &lt;port&gt;
 * </pre>
 *
 * <p>{@code jdk} and {@code jetty} run the gateway in that host server. {@code --max-connections} sets each
 * backend's bulkhead (default 256; the stream benchmark needs one slot per open stream);
 * {@code --jetty-virtual-threads} runs Jetty's request handling on virtual threads (Java 21+), which a blocking
 * servlet needs to hold thousands of streams (Jetty's default pool has 200 threads).
 *
 * <p>{@code local-jdk} and {@code local-jetty} run the same host server, set up the same way, with a trivial handler on
 * {@code /mcp} instead of the gateway: it reads the request body and answers the canned {@code tools/call} result of the
 * nginx backend. The difference in CPU per request between the two is the gateway's own share.
 */
public final class BenchGateway {
    /** The canned answer of the nginx backend in {@code bench/load.sh}, byte for byte. */
    static final byte[] CANNED =
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"isError\":false}}"
                    .getBytes(StandardCharsets.UTF_8);

    private BenchGateway() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        switch (mode) {
            case "local-jdk" -> startJdk(port, new CannedHandler());
            case "local-jetty" -> LoopbackJetty.start(port, new CannedServlet());
            case "jdk", "jetty" -> startGateway(mode, port, args);
            default -> usage();
        }
        System.out.println("bench server (" + mode + ") on 127.0.0.1:" + port + " ready");
        Thread.currentThread().join();
    }

    private static void usage() {
        System.err.println("usage: BenchGateway <jdk|jetty> <port> [--max-connections N] [--jetty-virtual-threads]"
                + " <backend-url>...\n       BenchGateway <local-jdk|local-jetty> <port>");
        System.exit(2);
    }

    private static void startGateway(String adapter, int port, String[] args) throws Exception {
        int maxConnections = 256;
        boolean jettyVirtual = false;
        List<String> urls = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            if (args[i].equals("--max-connections") && i + 1 < args.length) {
                maxConnections = Integer.parseInt(args[++i]);
            } else if (args[i].equals("--jetty-virtual-threads")) {
                jettyVirtual = true;
            } else {
                urls.add(args[i]);
            }
        }
        if (urls.isEmpty()) {
            usage();
        }
        // No active health checks: the nginx proxy it is compared with has none either.
        BackendPool.Builder pool = BackendPool.builder("bench").healthCheck(HealthCheckPolicy.disabled());
        for (int i = 0; i < urls.size(); i++) {
            pool.backend(Backend.builder("b" + (i + 1), java.net.URI.create(urls.get(i)))
                    .maxConnections(maxConnections)
                    .build());
        }
        Gateway gateway = Gateway.builder().pool(pool.build()).build();
        if (adapter.equals("jdk")) {
            startJdk(port, new GatewayHttpHandler(gateway));
        } else if (jettyVirtual) {
            startJettyOnVirtualThreads(port, new GatewayServlet(gateway));
        } else {
            LoopbackJetty.start(port, new GatewayServlet(gateway));
        }
    }

    /** The JDK HttpServer as the gateway's examples set it up: backlog 1024, the gateway's request executor. */
    private static void startJdk(int port, HttpHandler handler) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 1024);
        server.createContext("/mcp", handler);
        server.setExecutor(Gateway.newRequestExecutor("bench-"));
        server.start();
    }

    /** {@link LoopbackJetty}'s server, with requests handled on virtual threads. */
    private static void startJettyOnVirtualThreads(int port, HttpServlet servlet) throws Exception {
        if (!VirtualThreads.areSupported()) {
            throw new IllegalStateException("--jetty-virtual-threads needs Java 21+");
        }
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("jetty-vt-"));
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        connector.setAcceptQueueSize(1024);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(servlet), "/mcp");
        jetty.setHandler(context);
        jetty.start();
    }

    private static final class CannedHandler implements HttpHandler {
        @Override
        public void handle(HttpExchange ex) throws IOException {
            try (ex) {
                try (InputStream in = ex.getRequestBody()) {
                    in.readAllBytes();
                }
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, CANNED.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(CANNED);
                }
            }
        }
    }

    private static final class CannedServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            try (InputStream in = req.getInputStream()) {
                in.readAllBytes();
            }
            resp.setStatus(200);
            resp.setContentType("application/json");
            resp.setContentLength(CANNED.length);
            try (OutputStream out = resp.getOutputStream()) {
                out.write(CANNED);
            }
        }
    }
}
