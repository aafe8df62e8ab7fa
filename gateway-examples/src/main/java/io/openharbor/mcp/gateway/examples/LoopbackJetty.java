package io.openharbor.mcp.gateway.examples;

import jakarta.servlet.http.HttpServlet;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Embedded Jetty 12 on 127.0.0.1 serving servlets at fixed paths: how the examples host servlets. */
public final class LoopbackJetty {
    private LoopbackJetty() {}

    /** Starts Jetty on 127.0.0.1 ({@code port} 0 picks a free one) with {@code servlet} at {@code /mcp}. */
    public static Server start(int port, HttpServlet servlet) throws Exception {
        return start(port, Map.of("/mcp", servlet));
    }

    /** Starts Jetty on 127.0.0.1 ({@code port} 0 picks a free one) with each servlet at its path. */
    public static Server start(int port, Map<String, HttpServlet> servlets) throws Exception {
        Server jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        servlets.forEach((path, servlet) -> context.addServlet(new ServletHolder(servlet), path));
        jetty.setHandler(context);
        jetty.start();
        return jetty;
    }

    /** The port Jetty listens on. */
    public static int port(Server jetty) {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }
}
