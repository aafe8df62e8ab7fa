package io.openharbor.mcp.gateway.examples;

import static java.util.Objects.requireNonNull;

import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.ResourceMetadata;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import io.openharbor.mcp.gateway.tls.ServerTls;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.BindException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.jspecify.annotations.Nullable;

/**
 * The demo's HTTP server: embedded Jetty with one connector per {@link KestrelEndpoints.Endpoint}, plain HTTP/1.1, or
 * TLS 1.2/1.3 with HTTP/1.1 and HTTP/2 chosen by ALPN, the certificate from {@link ServerTls} (re-read when its file
 * changes). {@link #bind} opens the ports first, so a taken one fails before anything else starts; {@link #serve}
 * mounts the gateway and starts it.
 */
final class DemoHost implements AutoCloseable {
    private final Server server;
    private final List<KestrelEndpoints.Endpoint> endpoints;
    private final List<ServerConnector> connectors;

    private DemoHost(Server server, List<KestrelEndpoints.Endpoint> endpoints, List<ServerConnector> connectors) {
        this.server = server;
        this.endpoints = endpoints;
        this.connectors = connectors;
    }

    /**
     * Opens a listener for each endpoint; {@code tls} holds each HTTPS endpoint's certificate, by endpoint name.
     *
     * @throws BindException naming the address when a port is taken (whatever was opened is closed again)
     */
    static DemoHost bind(List<KestrelEndpoints.Endpoint> endpoints, Map<String, ServerTls> tls) throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(400);
        threads.setName("demo-gateway");
        Executor virtual = VirtualThreads.getNamedVirtualThreadsExecutor("demo-gateway-");
        if (virtual != null) {
            threads.setVirtualThreadsExecutor(virtual); // Java 21+: each exchange on its own virtual thread
        }
        Server server = new Server(threads);
        List<ServerConnector> connectors = new ArrayList<>();
        try {
            for (KestrelEndpoints.Endpoint e : endpoints) {
                ServerConnector c = new ServerConnector(server, factories(e, tls.get(e.name())));
                c.setHost(e.host());
                c.setPort(e.port());
                c.setName(e.name());
                server.addConnector(c);
                connectors.add(c);
                try {
                    c.open();
                } catch (IOException ex) {
                    BindException named = new BindException("port " + e.port() + " on "
                            + (e.host() == null ? "every interface" : e.host()) + " is already in use ("
                            + rootMessage(ex) + "); pick another with --port N or GATEWAY_PORT (the plain-HTTP"
                            + " listener), or change Kestrel:Endpoints:" + e.name() + ":Url");
                    named.initCause(ex);
                    throw named;
                }
            }
        } catch (IOException | RuntimeException ex) {
            for (ServerConnector c : connectors) {
                c.close();
            }
            throw ex;
        }
        return new DemoHost(server, List.copyOf(endpoints), List.copyOf(connectors));
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) t = t.getCause();
        return String.valueOf(t.getMessage());
    }

    private static ConnectionFactory[] factories(KestrelEndpoints.Endpoint e, @Nullable ServerTls tls) {
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        List<ConnectionFactory> out = new ArrayList<>();
        if (!e.https()) {
            if (e.http1()) out.add(new HttpConnectionFactory(config));
            if (e.http2()) out.add(new HTTP2CServerConnectionFactory(config));
            return out.toArray(ConnectionFactory[]::new);
        }
        // isSecure() for the gateway (its HSTS and RequireHttps); no SNI-to-Host check, which Kestrel does not make
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false);
        config.addCustomizer(secure);
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        requireNonNull(tls, "an HTTPS endpoint has its certificate");
        ssl.setSslContext(tls.sslContext()); // always the current certificate: ServerTls re-reads a changed file
        ssl.setIncludeProtocols(tls.protocols().toArray(String[]::new));
        ssl.setExcludeProtocols(); // the include list alone decides: TLS 1.2 and 1.3
        List<ConnectionFactory> protocols = new ArrayList<>();
        if (e.http2()) {
            ssl.setCipherComparator(HTTP2Cipher.COMPARATOR); // ciphers HTTP/2 accepts first
            protocols.add(new HTTP2ServerConnectionFactory(config));
        }
        if (e.http1()) protocols.add(new HttpConnectionFactory(config));
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory(
                protocols.stream().map(ConnectionFactory::getProtocol).toArray(String[]::new));
        alpn.setDefaultProtocol(protocols.get(protocols.size() - 1).getProtocol()); // a client without ALPN
        out.add(new SslConnectionFactory(ssl, alpn.getProtocol()));
        out.add(alpn);
        out.addAll(protocols);
        return out.toArray(ConnectionFactory[]::new);
    }

    /** The port endpoint {@code i} listens on (the one it got, for port 0). */
    int port(int i) {
        return connectors.get(i).getLocalPort();
    }

    List<KestrelEndpoints.Endpoint> endpoints() {
        return endpoints;
    }

    /** Mounts the gateway at /mcp, its health path and its metadata paths, the metrics at /metrics, and starts. */
    void serve(Supplier<Gateway> gateway, Supplier<String> metrics) throws Exception {
        ServletContextHandler context = new ServletContextHandler();
        GatewayServlet servlet = new GatewayServlet(gateway);
        context.addServlet(new ServletHolder(servlet), "/mcp");
        context.addServlet(new ServletHolder(servlet), "/health");
        String healthPath = gateway.get().healthPath().orElse("/health");
        if (!healthPath.equals("/health")) {
            context.addServlet(new ServletHolder(servlet), healthPath); // a configured HealthPath of another name
        }
        // Always mounted, so a reload that turns OAuth on serves the metadata; without it the gateway answers 404.
        MetadataServlet metadata = new MetadataServlet(gateway, servlet);
        context.addServlet(new ServletHolder(metadata), ResourceMetadata.WELL_KNOWN);
        context.addServlet(new ServletHolder(metadata), ResourceMetadata.WELL_KNOWN + "/*");
        context.addServlet(new ServletHolder(new MetricsServlet(metrics)), "/metrics");
        server.setHandler(context);
        server.start();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("the demo's server did not stop cleanly", e);
        } finally {
            for (ServerConnector c : connectors) {
                c.close();
            }
        }
    }

    /** The gateway's metadata paths, those it has now (a reload may add them); 404 for any other path below. */
    private static final class MetadataServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Supplier<Gateway> gateway;
        private final GatewayServlet servlet;

        MetadataServlet(Supplier<Gateway> gateway, GatewayServlet servlet) {
            this.gateway = gateway;
            this.servlet = servlet;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp)
                throws IOException, jakarta.servlet.ServletException {
            if (gateway.get().resourceMetadataPaths().contains(req.getRequestURI())) {
                servlet.service(req, resp);
            } else {
                resp.setStatus(404);
                resp.setContentType("application/json");
                resp.getWriter()
                        .write("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Not"
                                + " Found\"}}");
            }
        }
    }

    /** {@code GET /metrics}: the Prometheus text format. */
    private static final class MetricsServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final transient Supplier<String> scrape;

        MetricsServlet(Supplier<String> scrape) {
            this.scrape = scrape;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
            resp.getWriter().write(scrape.get());
        }
    }
}
