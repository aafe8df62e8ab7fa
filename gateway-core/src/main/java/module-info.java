/**
 * The embeddable MCP gateway: the public API ({@code io.openharbor.mcp.gateway}) and the two host adapters, for the
 * JDK {@code HttpServer} ({@code io.openharbor.mcp.gateway.jdk}) and Jakarta Servlet 6
 * ({@code io.openharbor.mcp.gateway.servlet}). OkHttp, Okio, Jackson, Failsafe and Caffeine are implementation
 * details: no exported type mentions them, so they are read but not re-exported.
 */
module io.openharbor.mcp.gateway {
    exports io.openharbor.mcp.gateway;
    exports io.openharbor.mcp.gateway.jdk;
    exports io.openharbor.mcp.gateway.servlet;

    requires com.fasterxml.jackson.core;
    requires com.github.benmanes.caffeine;
    requires dev.failsafe.core;
    requires okhttp3;
    requires org.slf4j;
    // Only the adapter for that server needs it, so a host that uses the other adapter need not have it (static), and
    // not transitive: a host that mounts an adapter already requires its own server's module.
    requires static jdk.httpserver;
    requires static jakarta.servlet;
    requires transitive org.jspecify; // the API's @Nullable annotations are part of its signatures
}
