package io.openharbor.mcp.gateway.examples;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;

/**
 * A demo MCP server built with the official MCP Java SDK (Streamable HTTP on embedded Jetty, loopback only). Tools:
 * {@code echo}, {@code add}, {@code whoami} (names the replica that answered), {@code progress} (streams progress
 * notifications before its result) and {@code fail} (a tool error, {@code isError: true}).
 */
@SuppressWarnings({
    "try", // close() passes on Jetty's stop(), which declares Exception
    "deprecation" // MCP SDK 2.1 deprecates McpSchema.Tool.builder(name), which has no replacement yet
})
public final class DemoBackend implements AutoCloseable {

    /** Called by the {@code progress} tool after each notification, before the next step; tests use it as a gate. */
    @FunctionalInterface
    public interface StepHook {
        void afterStep(int step) throws InterruptedException;
    }

    /** How many of the latest {@code traceparent} headers {@link #traceparents()} keeps. */
    private static final int TRACEPARENTS_KEPT = 100;

    private final String name;
    private final Server jetty;
    private final McpSyncServer mcp;
    private final Deque<String> traceparents;
    private final TraceparentRecorder recorder;

    private DemoBackend(
            String name, Server jetty, McpSyncServer mcp, Deque<String> traceparents, TraceparentRecorder recorder) {
        this.name = name;
        this.jetty = jetty;
        this.mcp = mcp;
        this.traceparents = traceparents;
        this.recorder = recorder;
    }

    /** Starts a replica on 127.0.0.1 ({@code port} 0 picks a free one); the hook may be null. */
    public static DemoBackend start(String name, int port, StepHook hook) throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .build();
        McpSyncServer mcp = McpServer.sync(transport)
                .serverInfo("demo-" + name, "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(echo(), add(), whoami(name), progress(hook), fail())
                .build();
        Deque<String> traceparents = new ConcurrentLinkedDeque<>();
        TraceparentRecorder recorder = new TraceparentRecorder(transport, traceparents);
        return new DemoBackend(
                name,
                LoopbackJetty.start(port, Map.of("/mcp", recorder, "/health", new Health())),
                mcp,
                traceparents,
                recorder);
    }

    /** The MCP servlet, noting the {@code traceparent} each request carries (the gateway's CLIENT span, when traced). */
    static final class TraceparentRecorder extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final HttpServlet mcp;
        private final transient Deque<String> seen;

        private final AtomicInteger requests = new AtomicInteger();
        private final AtomicInteger authorized = new AtomicInteger();

        TraceparentRecorder(HttpServlet mcp, Deque<String> seen) {
            this.mcp = mcp;
            this.seen = seen;
        }

        @Override
        public void init(ServletConfig config) throws ServletException {
            super.init(config);
            mcp.init(config);
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
            requests.incrementAndGet();
            if (req.getHeader("Authorization") != null) {
                authorized.incrementAndGet();
            }
            String traceparent = req.getHeader("traceparent");
            if (traceparent != null) {
                seen.addLast(traceparent);
                while (seen.size() > TRACEPARENTS_KEPT) {
                    seen.pollFirst();
                }
            }
            mcp.service(req, resp);
        }

        @Override
        public void destroy() {
            mcp.destroy();
        }
    }

    /** How many MCP requests this replica received. */
    public int requests() {
        return recorder.requests.get();
    }

    /** How many of them carried an {@code Authorization} header (a client's token must never reach a backend). */
    public int requestsWithAuthorization() {
        return recorder.authorized.get();
    }

    /** The {@code traceparent} headers of the latest requests this replica received, oldest first. */
    public List<String> traceparents() {
        return List.copyOf(traceparents);
    }

    /** {@code GET /health}: what the gateway's default health check asks for (the demo servers share it). */
    static final class Health extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("application/json");
            resp.getWriter().write("{\"status\":\"ok\"}");
        }
    }

    /** The replica's name. */
    public String name() {
        return name;
    }

    /** The MCP endpoint URL. */
    public URI url() {
        return URI.create("http://127.0.0.1:" + LoopbackJetty.port(jetty) + "/mcp");
    }

    @Override
    public void close() throws Exception {
        mcp.closeGracefully();
        jetty.stop();
    }

    /** A JSON schema of an object with these properties (the demo servers share it). */
    static Map<String, Object> schema(Map<String, Object> properties, List<String> required) {
        return Map.of("type", "object", "properties", properties, "required", required);
    }

    private static SyncToolSpecification echo() {
        Tool tool = Tool.builder("echo")
                .description("Returns its text argument")
                .inputSchema(schema(Map.of("text", Map.of("type", "string")), List.of("text")))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler(
                        (exchange, req) -> text(String.valueOf(req.arguments().get("text"))))
                .build();
    }

    private static SyncToolSpecification add() {
        Tool tool = Tool.builder("add")
                .description("Adds two numbers")
                .inputSchema(
                        schema(Map.of("a", Map.of("type", "number"), "b", Map.of("type", "number")), List.of("a", "b")))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, req) -> {
                    double a = ((Number) req.arguments().get("a")).doubleValue();
                    double b = ((Number) req.arguments().get("b")).doubleValue();
                    double sum = a + b;
                    return text(sum == Math.rint(sum) ? String.valueOf((long) sum) : String.valueOf(sum));
                })
                .build();
    }

    private static SyncToolSpecification whoami(String replica) {
        Tool tool = Tool.builder("whoami")
                .description("Names the replica that answered")
                .inputSchema(schema(Map.of(), List.of()))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, req) -> text(replica))
                .build();
    }

    private static SyncToolSpecification progress(StepHook hook) {
        Tool tool = Tool.builder("progress")
                .description("Counts to 'steps' (default 3), sending a progress notification for each step")
                .inputSchema(schema(Map.of("steps", Map.of("type", "integer")), List.of()))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, req) -> {
                    Object s = req.arguments() == null ? null : req.arguments().get("steps");
                    int steps = s instanceof Number number ? Math.max(1, Math.min(100, number.intValue())) : 3;
                    Object token = req.meta() == null ? null : req.meta().get("progressToken");
                    for (int i = 1; i <= steps; i++) {
                        if (token != null) {
                            exchange.progressNotification(new McpSchema.ProgressNotification(
                                    token, (double) i, (double) steps, "step " + i + " of " + steps, null));
                        }
                        try {
                            if (hook != null) {
                                hook.afterStep(i);
                            } else {
                                Thread.sleep(200);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return CallToolResult.builder()
                                    .addTextContent("interrupted")
                                    .isError(true)
                                    .build();
                        }
                    }
                    return text("counted to " + steps);
                })
                .build();
    }

    private static SyncToolSpecification fail() {
        Tool tool = Tool.builder("fail")
                .description("Always fails: answers a tool error (isError: true) with its reason")
                .inputSchema(schema(Map.of("reason", Map.of("type", "string")), List.of()))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, req) -> CallToolResult.builder()
                        .addTextContent("failed: " + req.arguments().getOrDefault("reason", "as asked"))
                        .isError(true)
                        .build())
                .build();
    }

    private static CallToolResult text(String s) {
        return CallToolResult.builder().addTextContent(s).build();
    }
}
