/** An application module that embeds the gateway the way a modular host would. */
module io.openharbor.mcp.gateway.jpmstest {
    requires io.openharbor.mcp.gateway.config; // and, transitively, the core and TLS modules
    requires jdk.httpserver;

    exports io.openharbor.mcp.gateway.jpmstest;
}
