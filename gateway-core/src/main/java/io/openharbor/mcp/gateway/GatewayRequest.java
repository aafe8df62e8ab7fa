package io.openharbor.mcp.gateway;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A read-only view of one request the gateway is serving, given to {@link LoadBalancer}s (through
 * {@link RoutingContext#request()}) and to {@link GatewayListener}s.
 *
 * <p>The JSON-RPC fields come from a peek at the body with a streaming parser; the gateway forwards the original bytes
 * and never re-serialises a message it does not change.
 */
public interface GatewayRequest {

    /** {@return the HTTP method ({@code POST}, {@code GET} or {@code DELETE})} */
    String httpMethod();

    /**
     * The JSON-RPC method of a single message ({@code tools/call}, {@code initialize}, ...), or {@code null} for GET and
     * DELETE requests, JSON-RPC responses, and batches.
     *
     * @return the method, or null
     */
    @Nullable
    String rpcMethod();

    /** {@return the tool name of a {@code tools/call} ({@code params.name}), or {@code null} for anything else} */
    @Nullable
    String toolName();

    /**
     * Whether the POST body is a JSON-RPC batch (an array; protocol revision 2025-03-26).
     *
     * @return whether the body is an array
     */
    boolean isBatch();

    /** {@return whether the request carries a gateway session token that pins it to one backend} */
    boolean hasSession();

    /**
     * {@return the first value of a request header (case-insensitive), or {@code null}}
     *
     * @param name a header name, in any case
     */
    @Nullable
    String header(String name);

    /**
     * All values of a request header (case-insensitive), or an empty list.
     *
     * @param name a header name, in any case
     * @return its values, in order
     */
    default List<String> headers(String name) {
        String v = header(name);
        return v == null ? List.of() : List.of(v);
    }

    /** {@return the address of the peer connected to the host server (which may be a proxy)} */
    InetSocketAddress remoteAddress();

    /**
     * The client's address: the peer's, or, when the peer is a trusted proxy and forwarding headers are trusted (see
     * {@link SecurityPolicy.Builder#trustForwardedHeaders(boolean)}), the nearest untrusted address in the forwarding
     * chain. Unresolved (never looked up in DNS).
     *
     * @return the client's address, unresolved
     */
    default InetSocketAddress clientAddress() {
        return remoteAddress();
    }

    /**
     * {@return whether the client reached the edge over TLS (the connection's own, or a trusted proxy's word for it)}
     */
    default boolean isSecure() {
        return false;
    }

    /**
     * {@return the caller's identity from the {@link Authenticator}, or null when none is configured or it has not run
     * yet}
     */
    default @Nullable String caller() {
        return null;
    }

    /**
     * {@return the client's TLS certificate chain (leaf first) when it presented one to the host's server, else empty}
     */
    default List<X509Certificate> clientCertificates() {
        return List.of();
    }
}
