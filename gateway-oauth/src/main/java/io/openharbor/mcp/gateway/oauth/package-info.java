/**
 * The gateway as an OAuth 2.1 resource server (MCP authorization, 2025-06-18 and later): {@link OAuthResourceServer}
 * is an {@link io.openharbor.mcp.gateway.Authenticator} that accepts bearer access tokens issued for the gateway,
 * either JWTs checked against the issuer's published keys or opaque tokens checked by introspection, and offers the
 * protected-resource metadata the gateway serves. Nimbus JOSE+JWT, OkHttp, Jackson and Caffeine stay behind it.
 */
@NullMarked
package io.openharbor.mcp.gateway.oauth;

import org.jspecify.annotations.NullMarked;
