/**
 * The gateway from a configuration file in the .NET gateway's {@code appsettings.json} shape, with environment
 * overrides, secrets from variables or files, validation and reload on change.
 */
module io.openharbor.mcp.gateway.config {
    exports io.openharbor.mcp.gateway.config;

    requires transitive io.openharbor.mcp.gateway;
    requires transitive io.openharbor.mcp.gateway.tls;
    requires io.openharbor.mcp.gateway.oauth;
    requires io.openharbor.mcp.gateway.redis;
    requires com.fasterxml.jackson.core;
    requires org.slf4j;
}
