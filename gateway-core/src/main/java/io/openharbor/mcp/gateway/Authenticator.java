package io.openharbor.mcp.gateway;

import java.util.Optional;
import java.util.Set;

/**
 * Decides who a caller is. The gateway asks on every request to its MCP endpoint (CORS preflights and the health
 * endpoint aside), before it reads the body; the identity returned binds the caller's sessions (a session token minted
 * for one caller is a 404 for any other), keys its rate limits and names it in logs. MCP forbids using a session as
 * authentication, so every request is authenticated, not just {@code initialize}.
 *
 * <p>{@link ApiKeys} is the built-in implementation (the seed's {@code X-API-Key}). A host plugs in JWT or OAuth
 * validation, mTLS identities or its own user store in a few lines:
 *
 * <pre>{@code
 * Authenticator jwt = request -> {
 *     String auth = request.header("Authorization");
 *     if (auth == null || !auth.startsWith("Bearer ")) {
 *         return Authentication.unauthorized("Bearer resource_metadata=\"https://mcp.example.com/.well-known/"
 *             + "oauth-protected-resource\"", "a bearer token is required");
 *     }
 *     Claims claims = verifier.verify(auth.substring(7));   // your JWT library: signature, expiry, audience
 *     return claims == null ? Authentication.unauthorized("Bearer error=\"invalid_token\"", "invalid token")
 *                           : Authentication.success(claims.subject());
 * };
 * }</pre>
 *
 * <p>Implementations are called from many threads at once and must not block for long: they run on the request's
 * thread before anything is forwarded. An authenticator that throws is logged and the request gets 500 (it is never
 * let through).
 */
@FunctionalInterface
public interface Authenticator {

    /**
     * Authenticates one request from its headers, client address and TLS client certificates.
     *
     * @param request the request, before any of it is forwarded
     * @return {@link Authentication#success(String)} with the caller's identity, or a failure (401 or 403)
     */
    Authentication authenticate(GatewayRequest request);

    /**
     * The request headers that carry credentials: the gateway removes them before forwarding, so a client's secret
     * never reaches a backend (MCP forbids passing a client's token through). Default {@code Authorization} and
     * {@code X-API-Key}; names are case-insensitive.
     *
     * @return the header names, compared case-insensitively
     */
    default Set<String> credentialHeaders() {
        return Set.of("Authorization", "X-API-Key");
    }

    /**
     * The protected-resource metadata (RFC 9728) of an authenticator that accepts OAuth access tokens: the gateway
     * serves it at its {@link ResourceMetadata#paths() well-known paths}, exempt from authentication. Default empty
     * (API keys and other schemes have none).
     *
     * @return the metadata, or empty
     */
    default Optional<ResourceMetadata> resourceMetadata() {
        return Optional.empty();
    }
}
