package io.openharbor.mcp.gateway.servlet;

import static java.util.Objects.requireNonNull;

import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.GatewayExchange;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * Mounts a {@link Gateway} in any Jakarta Servlet 6 container (Jetty 12, Tomcat 10.1+, Undertow).
 *
 * <pre>{@code
 * ServletContextHandler context = new ServletContextHandler();
 * context.addServlet(new ServletHolder(new GatewayServlet(gateway)), "/mcp");
 * server.setHandler(context);
 * }</pre>
 *
 * <p>The servlet serves requests synchronously: the container thread stays with the exchange until the answer is
 * complete. For many concurrent SSE streams run the container on virtual threads (Jetty 12:
 * {@code QueuedThreadPool.setVirtualThreadsExecutor(...)}; Tomcat: {@code useVirtualThreads="true"}).
 */
@SuppressWarnings("exports") // jakarta.servlet is the host's own container API, read by the host itself
public class GatewayServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient Supplier<Gateway> gateway;

    /**
     * A servlet that serves every request it receives through {@code gateway}.
     *
     * @param gateway the gateway to serve
     */
    public GatewayServlet(Gateway gateway) {
        requireNonNull(gateway, "gateway");
        this.gateway = () -> gateway;
    }

    /**
     * A servlet that serves each request through the gateway {@code current} returns at that moment: for a gateway
     * that is replaced at run time, such as {@code ReloadingGateway} of the {@code gateway-config} module.
     *
     * @param current the gateway to serve now
     */
    public GatewayServlet(Supplier<Gateway> current) {
        this.gateway = requireNonNull(current, "current");
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ServletExchange served = new ServletExchange(req, resp);
        gateway.get().handle(served);
        if (served.aborted) {
            // The Servlet API has no abort; a container breaks off a committed response whose servlet throws (Jetty
            // closes the HTTP/1.1 connection or resets the HTTP/2 stream, Tomcat closes the connection), where a
            // normal return would end a chunked body cleanly.
            throw new IOException("answer broken off: its backend failed mid-body");
        }
    }

    private static final class ServletExchange implements GatewayExchange {
        private final HttpServletRequest req;
        private final HttpServletResponse resp;
        private boolean aborted;

        ServletExchange(HttpServletRequest req, HttpServletResponse resp) {
            this.req = req;
            this.resp = resp;
        }

        @Override
        public String method() {
            return req.getMethod();
        }

        @Override
        public String path() {
            return req.getRequestURI();
        }

        @Override
        public String query() {
            return req.getQueryString();
        }

        @Override
        public Iterable<String> requestHeaderNames() {
            return Collections.list(req.getHeaderNames());
        }

        @Override
        public List<String> requestHeaders(String name) {
            return Collections.list(req.getHeaders(name));
        }

        @Override
        public String requestHeader(String name) {
            return req.getHeader(name);
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return InetSocketAddress.createUnresolved(req.getRemoteAddr(), req.getRemotePort());
        }

        @Override
        public boolean isSecure() {
            return req.isSecure();
        }

        @Override
        public List<X509Certificate> clientCertificates() {
            Object chain = req.getAttribute("jakarta.servlet.request.X509Certificate");
            return chain instanceof X509Certificate[] array ? List.of(array) : List.of();
        }

        @Override
        public InputStream requestBody() throws IOException {
            return req.getInputStream();
        }

        @Override
        public void addResponseHeader(String name, String value) {
            resp.addHeader(name, value);
        }

        @Override
        public OutputStream sendResponseHeaders(int status, long contentLength) throws IOException {
            resp.setStatus(status);
            if (contentLength >= 0) {
                resp.setContentLengthLong(contentLength);
            }
            // The gateway flushes this stream before it first waits on the backend, which commits the headers.
            return resp.getOutputStream();
        }

        @Override
        public void abort() {
            aborted = true;
        }
    }
}
