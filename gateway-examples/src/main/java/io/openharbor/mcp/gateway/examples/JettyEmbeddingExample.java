package io.openharbor.mcp.gateway.examples;

import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Embedding in an application that already runs embedded Jetty 12: the gateway is one more servlet in the host's
 * context, next to the host's own servlets, on the host's port and threads (virtual threads on Java 21+).
 */
public final class JettyEmbeddingExample {
    private JettyEmbeddingExample() {}

    /** The host's own servlet, standing for whatever the application already serves. */
    static final class HelloServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write("hello from the host application");
        }
    }

    /** Starts Jetty on 127.0.0.1:{@code port} (0 picks one) with the app at /api/hello and the gateway at /mcp. */
    public static Server start(int port, String replica1, String replica2) throws Exception {
        Gateway gateway = Gateway.builder()
                .pool(BackendPool.builder("tools")
                        .backend(Backend.of("replica-1", replica1))
                        .backend(Backend.of("replica-2", replica2))
                        .build())
                .build();

        // Each gateway request holds its thread while it waits on the backend: give Jetty enough threads (or, on
        // Java 21+, threads.setVirtualThreadsExecutor(Executors.newVirtualThreadPerTaskExecutor())).
        QueuedThreadPool threads = new QueuedThreadPool(400);
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        jetty.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new HelloServlet()), "/api/hello"); // the host's own
        GatewayServlet mcp = new GatewayServlet(gateway);
        context.addServlet(new ServletHolder(mcp), "/mcp");
        context.addServlet(new ServletHolder(mcp), "/health");
        jetty.setHandler(context);
        jetty.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStopped(LifeCycle event) {
                gateway.close(); // the gateway's health checks and backend connections end with the server
            }
        });
        jetty.start();
        return jetty;
    }
}
