package io.openharbor.mcp.gateway.jdk;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpsExchange;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.GatewayExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts a {@link Gateway} on the JDK's built-in {@code com.sun.net.httpserver} server.
 *
 * <pre>{@code
 * HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 8080), 0);
 * server.createContext("/mcp", new GatewayHttpHandler(gateway));
 * server.setExecutor(Gateway.newRequestExecutor("mcp-"));   // virtual threads on Java 21+
 * server.start();
 * }</pre>
 *
 * <p><b>Set {@code -Dsun.net.httpserver.nodelay=true}.</b> Without it, the JDK server leaves Nagle's algorithm on and
 * every keep-alive request stalls about 40 ms on delayed ACKs. The JDK reads the property once, when the first server
 * is created; loading {@link Gateway} (or this class) sets it if it is not set already, so a host that builds its
 * gateway before creating its server has it in effect, whatever the order it then mounts things in. Only a server
 * created before any gateway class is used misses it (and the constructor warns if the property is set to anything
 * but {@code true}).
 *
 * <p>The JDK server's default executor is a single thread; always give it one, as above, or SSE streams will block
 * every other request.
 */
@SuppressWarnings("exports") // jdk.httpserver is the host's own server module, read by the host itself
public final class GatewayHttpHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(GatewayHttpHandler.class);
    private static final String NODELAY = "sun.net.httpserver.nodelay";

    static {
        if (System.getProperty(NODELAY) == null) {
            System.setProperty(NODELAY, "true");
        }
    }

    private final Supplier<Gateway> gateway;

    /**
     * A handler that serves every request of its context through {@code gateway}.
     *
     * @param gateway the gateway to serve
     */
    public GatewayHttpHandler(Gateway gateway) {
        this(constant(requireNonNull(gateway, "gateway")));
    }

    /**
     * A handler that serves each request through the gateway {@code current} returns at that moment: for a gateway
     * that is replaced at run time, such as {@code ReloadingGateway} of the {@code gateway-config} module.
     *
     * @param current the gateway to serve now
     */
    public GatewayHttpHandler(Supplier<Gateway> current) {
        this.gateway = requireNonNull(current, "current");
        if (!Boolean.getBoolean(NODELAY)) {
            log.warn(
                    "-D{}=true is not in effect: the JDK HttpServer will stall keep-alive requests ~40 ms each",
                    NODELAY);
        }
    }

    /**
     * Serves the exchange if its path is exactly the path of the context the handler is mounted on, or the gateway's
     * health path (so a context {@code /health} also serves a configured {@code /healthz}), or one of its
     * {@linkplain Gateway#resourceMetadataPaths() metadata paths} (a context
     * {@code /.well-known/oauth-protected-resource} serves both of them); anything else
     * (the JDK server matches contexts by prefix, so {@code /mcpx} and {@code /mcp/foo} arrive at {@code /mcp}) gets 404
     * with a JSON-RPC error body, as a servlet mapped to an exact path answers.
     */
    @Override
    public void handle(HttpExchange exchange) throws IOException {
        JdkExchange served = new JdkExchange(exchange);
        try {
            String mounted = exchange.getHttpContext().getPath();
            String path = exchange.getRequestURI().getRawPath();
            Gateway current = gateway.get();
            if (!mounted.equals(path)
                    && !path.equals(current.healthPath().orElse(null))
                    && !current.resourceMetadataPaths().contains(path)) {
                notFound(exchange, mounted);
                return;
            }
            current.handle(served);
        } finally {
            if (!served.aborted) {
                exchange.close(); // completes the body (the last chunk) and keeps the connection
            }
        }
        if (served.aborted) {
            // Not closing the exchange and throwing instead is the one way to break an answer off: the JDK server
            // then closes the connection as it is, where close() would end a chunked body cleanly, or keep a short
            // fixed-length one open with the client waiting for the rest.
            throw new IOException("answer broken off: its backend failed mid-body");
        }
    }

    private static void notFound(HttpExchange exchange, String mounted) throws IOException {
        log.debug(
                "404 for {} {}: not the mounted path {}",
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                mounted);
        byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":\"Not Found\"}}"
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(404, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static Supplier<Gateway> constant(Gateway gateway) {
        return () -> gateway;
    }

    private static final class JdkExchange implements GatewayExchange {
        private final HttpExchange ex;
        private boolean aborted;

        JdkExchange(HttpExchange ex) {
            this.ex = ex;
        }

        @Override
        public String method() {
            return ex.getRequestMethod();
        }

        @Override
        public String path() {
            return ex.getRequestURI().getRawPath();
        }

        @Override
        public String query() {
            return ex.getRequestURI().getRawQuery();
        }

        @Override
        public Iterable<String> requestHeaderNames() {
            return ex.getRequestHeaders().keySet();
        }

        @Override
        public List<String> requestHeaders(String name) {
            List<String> values = ex.getRequestHeaders().get(name);
            return values == null ? List.of() : values;
        }

        @Override
        public String requestHeader(String name) {
            return ex.getRequestHeaders().getFirst(name);
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return ex.getRemoteAddress();
        }

        @Override
        public boolean isSecure() {
            return ex instanceof HttpsExchange;
        }

        @Override
        public List<X509Certificate> clientCertificates() {
            if (!(ex instanceof HttpsExchange httpsExchange)) {
                return List.of();
            }
            try {
                Certificate[] chain = httpsExchange.getSSLSession().getPeerCertificates();
                List<X509Certificate> out = new ArrayList<>(chain.length);
                for (Certificate c : chain) {
                    if (c instanceof X509Certificate x509Certificate) out.add(x509Certificate);
                }
                return out;
            } catch (SSLPeerUnverifiedException e) {
                return List.of(); // the client sent no certificate
            }
        }

        @Override
        public InputStream requestBody() {
            return ex.getRequestBody();
        }

        @Override
        public void addResponseHeader(String name, String value) {
            ex.getResponseHeaders().add(name, value);
        }

        @Override
        public OutputStream sendResponseHeaders(int status, long contentLength) throws IOException {
            // The JDK's convention differs: 0 means chunked and -1 means no body. A HEAD answer has no body whatever
            // its length (the JDK logs a warning for each HEAD answer given a length).
            long jdkLength = contentLength == 0 || ex.getRequestMethod().equals("HEAD")
                    ? -1
                    : contentLength < 0 ? 0 : contentLength;
            ex.sendResponseHeaders(status, jdkLength);
            return ex.getResponseBody();
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }
}
