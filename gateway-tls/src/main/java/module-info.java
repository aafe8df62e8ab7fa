/**
 * TLS for the gateway, with JDK APIs only: backend policies (pins, thumbprints, custom trust, client certificates)
 * and the host's HTTPS listener ({@code ServerTls}), all reloadable without a restart.
 */
module io.openharbor.mcp.gateway.tls {
    exports io.openharbor.mcp.gateway.tls;

    requires transitive io.openharbor.mcp.gateway;
    requires org.slf4j;
    requires static jdk.httpserver;
}
