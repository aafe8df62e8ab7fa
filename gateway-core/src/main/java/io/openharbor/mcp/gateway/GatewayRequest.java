package io.openharbor.mcp.gateway;

import java.net.InetSocketAddress;

/**
 * A read-only view of one request the gateway is serving, given to {@link LoadBalancer}s (through
 * {@link RoutingContext#request()}) and to {@link GatewayListener}s.
 *
 * <p>The JSON-RPC fields come from a peek at the body with a streaming parser; the gateway forwards the original bytes
 * and never re-serialises a message it does not change.
 */
public interface GatewayRequest {

    /** The HTTP method ({@code POST}, {@code GET} or {@code DELETE}). */
    String httpMethod();

    /**
     * The JSON-RPC method of a single message ({@code tools/call}, {@code initialize}, ...), or {@code null} for GET and
     * DELETE requests, JSON-RPC responses, and batches.
     */
    String rpcMethod();

    /** The tool name of a {@code tools/call} ({@code params.name}), or {@code null} for anything else. */
    String toolName();

    /** Whether the POST body is a JSON-RPC batch (an array; protocol revision 2025-03-26). */
    boolean isBatch();

    /** Whether the request carries a gateway session token that pins it to one backend. */
    boolean hasSession();

    /** The first value of a request header (case-insensitive), or {@code null}. */
    String header(String name);

    /** The address of the peer connected to the host server. */
    InetSocketAddress remoteAddress();
}
