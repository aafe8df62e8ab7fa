package io.openharbor.mcp.gateway;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import io.openharbor.mcp.gateway.testing.GatewayLeakCheck;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Real host servers on 127.0.0.1 port 0, each mounting a gateway at /mcp (and its health report at /health) through one
 * of the bundled adapters.
 */
final class Hosts {
    private Hosts() {}

    interface Host extends AutoCloseable {
        String url();

        Gateway gateway();

        default HealthReport gatewayHealth() {
            return gateway().health();
        }

        @Override
        void close();
    }

    enum Kind {
        JDK,
        JETTY
    }

    static Host start(Kind kind, Gateway gateway) throws Exception {
        return kind == Kind.JDK ? jdk(gateway) : jetty(gateway);
    }

    static Host jdk(Gateway gateway) throws Exception {
        GatewayLeakCheck.watch(gateway);
        GatewayHttpHandler handler = new GatewayHttpHandler(gateway);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/mcp", handler);
        server.createContext("/health", handler);
        server.createContext(ResourceMetadata.WELL_KNOWN, handler); // both metadata paths, when there is metadata
        ExecutorService executor = Gateway.newRequestExecutor("test-host-");
        server.setExecutor(executor);
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
        return new Host() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public Gateway gateway() {
                return gateway;
            }

            @Override
            public void close() {
                server.stop(0);
                executor.shutdownNow();
                gateway.close();
            }
        };
    }

    static Host jetty(Gateway gateway) throws Exception {
        GatewayLeakCheck.watch(gateway);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        GatewayServlet servlet = new GatewayServlet(gateway);
        context.addServlet(new ServletHolder(servlet), "/mcp");
        context.addServlet(new ServletHolder(servlet), "/health");
        for (String path : gateway.resourceMetadataPaths()) {
            context.addServlet(new ServletHolder(servlet), path);
        }
        server.setHandler(context);
        server.start();
        String url = "http://127.0.0.1:" + connector.getLocalPort() + "/mcp";
        return new Host() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public Gateway gateway() {
                return gateway;
            }

            @Override
            public void close() {
                try {
                    server.stop();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                gateway.close();
            }
        };
    }
}
