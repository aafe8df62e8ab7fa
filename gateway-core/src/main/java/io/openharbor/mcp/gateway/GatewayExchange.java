package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP request/response exchange, as the host's HTTP server sees it. This is the only thing a host adapter has to
 * implement; the gateway never sees the host server's own types.
 *
 * <p>The adapters {@code io.openharbor.mcp.gateway.jdk.GatewayHttpHandler} (JDK {@code com.sun.net.httpserver}) and
 * {@code io.openharbor.mcp.gateway.servlet.GatewayServlet} (Jakarta Servlet 6) are about fifty lines each; an adapter
 * for another server (Vert.x, Netty, Helidon, Undertow) is written the same way. The accessors map one to one, as in
 * this one over the Servlet API:
 *
 * <pre>{@code
 * gateway.handle(new GatewayExchange() {
 *   @Override public String method() { return request.getMethod(); }
 *   @Override public String path() { return request.getRequestURI(); }
 *   @Override public String query() { return request.getQueryString(); }
 *   @Override public Iterable<String> requestHeaderNames() { return Collections.list(request.getHeaderNames()); }
 *   @Override public List<String> requestHeaders(String name) {
 *     return Collections.list(request.getHeaders(name));
 *   }
 *   @Override public InetSocketAddress remoteAddress() {
 *     return InetSocketAddress.createUnresolved(request.getRemoteAddr(), request.getRemotePort());
 *   }
 *   @Override public boolean isSecure() { return request.isSecure(); }
 *   @Override public InputStream requestBody() throws IOException { return request.getInputStream(); }
 *   @Override public void addResponseHeader(String name, String value) { response.addHeader(name, value); }
 *   @Override public OutputStream sendResponseHeaders(int status, long contentLength) throws IOException {
 *     response.setStatus(status);
 *     if (contentLength >= 0) response.setContentLengthLong(contentLength);
 *     return response.getOutputStream();
 *   }
 * });
 * }</pre>
 *
 * <p>Contract: the gateway calls {@link #addResponseHeader} any number of times, then {@link #sendResponseHeaders}
 * exactly once, then writes the body to the returned stream, calling {@link OutputStream#flush()} whenever bytes must
 * reach the client now (after each server-sent event). The gateway closes the returned stream when the answer is
 * complete. An {@link IOException} from the stream means the client has gone away.
 */
public interface GatewayExchange {

    /** {@return the HTTP method, upper case ({@code POST}, {@code GET}, {@code DELETE}, ...)} */
    String method();

    /**
     * The request path as received, without the query string, e.g. {@code /mcp}.
     *
     * @return the path, e.g. /mcp
     */
    String path();

    /** {@return the raw query string without the leading {@code ?}, or {@code null} when the request has none} */
    String query();

    /** {@return the names of the request headers, in any case, each name once} */
    Iterable<String> requestHeaderNames();

    /**
     * All values of a request header (case-insensitive name), or an empty list when absent.
     *
     * @param name a header name, in any case
     * @return its values, in order
     */
    List<String> requestHeaders(String name);

    /**
     * {@return the first value of a request header (case-insensitive name), or {@code null} when absent}
     *
     * @param name a header name, in any case
     */
    default @Nullable String requestHeader(String name) {
        List<String> values = requestHeaders(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** {@return the address of the peer that opened the connection (the nearest hop, which may be a proxy)} */
    InetSocketAddress remoteAddress();

    /** {@return whether the connection to the peer is TLS-protected} */
    boolean isSecure();

    /**
     * The certificate chain the client presented in the TLS handshake (leaf first), already verified by the host's
     * server, or an empty list (plain HTTP, or no client certificate). Authenticators read it to turn mutual TLS into a
     * caller identity. The default returns an empty list.
     *
     * @return the verified chain, leaf first, or an empty list
     */
    default List<X509Certificate> clientCertificates() {
        return List.of();
    }

    /**
     * The request body. The gateway reads it at most once and never past its configured size limit.
     *
     * @return the body's stream
     * @throws IOException if the body cannot be read
     */
    InputStream requestBody() throws IOException;

    /**
     * Adds a response header; only valid before {@link #sendResponseHeaders}.
     *
     * @param name the header's name
     * @param value its value
     */
    void addResponseHeader(String name, String value);

    /**
     * Sends the status line and headers and returns the stream for the body.
     *
     * @param status the HTTP status code
     * @param contentLength the exact body length, {@code 0} for no body, or {@code -1} when the body is streamed and its
     *     length is unknown (chunked transfer coding on HTTP/1.1)
     * @return the stream the body is written to
     * @throws IOException if the client has gone away
     */
    OutputStream sendResponseHeaders(int status, long contentLength) throws IOException;

    /**
     * Breaks off an answer whose status is sent but whose body cannot be completed (the backend failed mid-body), so
     * that the client sees a failed response rather than a complete one: on HTTP/1.1 the connection closes before the
     * body's end (fewer bytes than its length, or no last chunk), on HTTP/2 the stream is reset. The gateway calls it
     * at most once, after {@link #sendResponseHeaders}, instead of closing the body's stream, and returns from
     * {@link Gateway#handle} right after; the adapter then ends the exchange abnormally, which in a servlet container
     * means throwing from {@code service} (the container aborts a committed response that fails). The default does
     * nothing: the host then ends the exchange as it ends any other, which for a chunked body looks complete to the
     * client, and for the JDK server's fixed-length body leaves the client waiting for the rest.
     */
    default void abort() {}
}
