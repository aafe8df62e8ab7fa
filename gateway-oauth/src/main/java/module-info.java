/**
 * The gateway as an OAuth 2.1 resource server: {@code io.openharbor.mcp.gateway.oauth.OAuthResourceServer}. Nimbus
 * JOSE+JWT, OkHttp and Caffeine are implementation details: no exported type mentions them.
 */
module io.openharbor.mcp.gateway.oauth {
    exports io.openharbor.mcp.gateway.oauth;

    requires transitive io.openharbor.mcp.gateway;
    requires com.nimbusds.jose.jwt;
    requires com.github.benmanes.caffeine;
    requires okhttp3;
    requires org.slf4j;
}
