package io.openharbor.mcp.gateway.example.boot;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * An MCP server made with the official MCP Java SDK on an embedded Tomcat of its own, on 127.0.0.1: what the example
 * gateway fronts. Tools: {@code echo}, {@code whoami} (names the replica) and {@code progress} (a progress
 * notification per step, then its result).
 */
public final class ExampleReplica implements AutoCloseable {
    private final String name;
    private final Tomcat tomcat;
    private final McpSyncServer mcp;

    private ExampleReplica(String name, Tomcat tomcat, McpSyncServer mcp) {
        this.name = name;
        this.tomcat = tomcat;
        this.mcp = mcp;
    }

    /**
     * Starts a replica; {@code port} 0 picks a free one.
     *
     * @param name the replica's name, which {@code whoami} answers
     * @param port the port, or 0
     * @param afterStep called by {@code progress} after each notification (tests hold it there), or null to pause 200 ms
     * @return the started replica
     * @throws IOException if the port is in use
     * @throws Exception if Tomcat cannot start
     */
    public static ExampleReplica start(String name, int port, IntConsumer afterStep) throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .build();
        McpSyncServer mcp = McpServer.sync(transport)
                .serverInfo("example-" + name, "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(echo(), whoami(name), progress(afterStep))
                .build();
        Tomcat tomcat = new Tomcat();
        File base = Files.createTempDirectory("replica-" + name).toFile();
        base.deleteOnExit();
        tomcat.setBaseDir(base.getAbsolutePath());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", base.getAbsolutePath());
        Tomcat.addServlet(context, "mcp", transport).setAsyncSupported(true);
        context.addServletMappingDecoded("/mcp", "mcp");
        tomcat.start();
        if (connector.getState() != LifecycleState.STARTED) { // Tomcat logs a bind failure and carries on
            mcp.close(); // and its transport's session sweeper, whose thread would keep the JVM alive
            transport.destroy();
            tomcat.stop();
            tomcat.destroy();
            throw new IOException(
                    "replica " + name + " cannot listen on 127.0.0.1:" + port + ": the port is in use (set"
                            + " example." + name + ".port, or example.replicas.start=false)");
        }
        return new ExampleReplica(name, tomcat, mcp);
    }

    /** {@return the replica's name} */
    public String name() {
        return name;
    }

    /** {@return the URL of its MCP endpoint} */
    public URI url() {
        return URI.create("http://127.0.0.1:" + tomcat.getConnector().getLocalPort() + "/mcp");
    }

    @Override
    public void close() throws LifecycleException {
        mcp.closeGracefully();
        tomcat.stop();
        tomcat.destroy();
    }

    private static Map<String, Object> schema(Map<String, Object> properties) {
        return Map.of("type", "object", "properties", properties, "required", List.copyOf(properties.keySet()));
    }

    @SuppressWarnings("deprecation") // MCP SDK 2.1 deprecates Tool.builder(name), which has no replacement yet
    private static SyncToolSpecification echo() {
        Tool tool = Tool.builder("echo")
                .description("Returns its text argument")
                .inputSchema(schema(Map.of("text", Map.of("type", "string"))))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, req) -> text(String.valueOf(req.arguments().get("text"))))
                .build();
    }

    @SuppressWarnings("deprecation")
    private static SyncToolSpecification whoami(String replica) {
        Tool tool = Tool.builder("whoami")
                .description("Names the replica that answered")
                .inputSchema(schema(Map.of()))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, req) -> text(replica))
                .build();
    }

    @SuppressWarnings("deprecation")
    private static SyncToolSpecification progress(IntConsumer afterStep) {
        Tool tool = Tool.builder("progress")
                .description("Counts to 'steps', sending a progress notification for each step")
                .inputSchema(schema(Map.of("steps", Map.of("type", "integer"))))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, req) -> {
                    Object s = req.arguments() == null ? null : req.arguments().get("steps");
                    int steps = s instanceof Number n ? Math.max(1, Math.min(100, n.intValue())) : 3;
                    Object token = req.meta() == null ? null : req.meta().get("progressToken");
                    for (int i = 1; i <= steps; i++) {
                        if (token != null) {
                            exchange.progressNotification(new McpSchema.ProgressNotification(
                                    token, (double) i, (double) steps, "step " + i + " of " + steps, null));
                        }
                        if (afterStep != null) {
                            afterStep.accept(i);
                        } else {
                            try {
                                Thread.sleep(200);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return CallToolResult.builder()
                                        .addTextContent("interrupted")
                                        .isError(true)
                                        .build();
                            }
                        }
                    }
                    return text("counted to " + steps);
                })
                .build();
    }

    private static CallToolResult text(String s) {
        return CallToolResult.builder().addTextContent(s).build();
    }
}
