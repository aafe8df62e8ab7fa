package io.openharbor.mcp.gateway.examples;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncPromptSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;

/**
 * A second, different demo MCP server (the official MCP Java SDK on embedded Jetty, loopback only), for the federated
 * demo: its {@code echo} tool clashes with {@link DemoBackend}'s, and it adds {@code search} (over its notes),
 * {@code count} (a counter per MCP session: state a federation must keep on one replica), a resource
 * {@code note://welcome} and a prompt {@code summarize}.
 */
@SuppressWarnings({
    "try", // close() passes on Jetty's stop(), which declares Exception
    "deprecation" // MCP SDK 2.1 deprecates McpSchema.Tool.builder(name), which has no replacement yet
})
public final class DemoNotes implements AutoCloseable {
    private static final Map<String, String> NOTES = Map.of(
            "welcome", "Welcome to the federated demo: two MCP servers behind one endpoint.",
            "gateway", "The gateway prefixes every name with its server's prefix.");

    private final String name;
    private final Server jetty;
    private final McpSyncServer mcp;

    private DemoNotes(String name, Server jetty, McpSyncServer mcp) {
        this.name = name;
        this.jetty = jetty;
        this.mcp = mcp;
    }

    /** Starts a replica on 127.0.0.1 ({@code port} 0 picks a free one). */
    public static DemoNotes start(String name, int port) throws Exception {
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .build();
        Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
        McpSyncServer mcp = McpServer.sync(transport)
                .serverInfo("notes-" + name, "1.0.0")
                .instructions("Notes: search them with search, read note://welcome.")
                .capabilities(McpSchema.ServerCapabilities.builder()
                        .tools(true)
                        .resources(false, true)
                        .prompts(true)
                        .build())
                .tools(echo(name), search(), count(counters))
                .resources(welcome())
                .prompts(summarize())
                .build();
        return new DemoNotes(
                name, LoopbackJetty.start(port, Map.of("/mcp", transport, "/health", new DemoBackend.Health())), mcp);
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

    private static SyncToolSpecification echo(String replica) {
        Tool tool = Tool.builder("echo")
                .description("Returns its text argument, saying which notes replica answered")
                .inputSchema(DemoBackend.schema(Map.of("text", Map.of("type", "string")), List.of("text")))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, req) ->
                        text("notes " + replica + ": " + req.arguments().get("text")))
                .build();
    }

    private static SyncToolSpecification search() {
        Tool tool = Tool.builder("search")
                .description("Finds the notes whose text contains a word")
                .inputSchema(DemoBackend.schema(Map.of("query", Map.of("type", "string")), List.of("query")))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, req) -> {
                    String q = String.valueOf(req.arguments().get("query")).toLowerCase(Locale.ROOT);
                    List<String> hits = NOTES.entrySet().stream()
                            .filter(e -> e.getValue().toLowerCase(Locale.ROOT).contains(q))
                            .map(Map.Entry::getKey)
                            .sorted()
                            .toList();
                    return text(hits.isEmpty() ? "no note mentions " + q : String.join(", ", hits));
                })
                .build();
    }

    private static SyncToolSpecification count(Map<String, AtomicInteger> counters) {
        Tool tool = Tool.builder("count")
                .description("Counts the calls of this MCP session")
                .inputSchema(DemoBackend.schema(Map.of(), List.of()))
                .build();
        return SyncToolSpecification.builder()
                .tool(tool)
                .callHandler((exchange, req) ->
                        text(String.valueOf(counters.computeIfAbsent(exchange.sessionId(), k -> new AtomicInteger())
                                .incrementAndGet())))
                .build();
    }

    private static SyncResourceSpecification welcome() {
        McpSchema.Resource resource = McpSchema.Resource.builder("note://welcome", "welcome")
                .mimeType("text/plain")
                .description("The welcome note")
                .build();
        return new SyncResourceSpecification(
                resource,
                (exchange, req) -> new McpSchema.ReadResourceResult(
                        List.of(new McpSchema.TextResourceContents(req.uri(), "text/plain", NOTES.get("welcome")))));
    }

    private static SyncPromptSpecification summarize() {
        McpSchema.Prompt prompt = new McpSchema.Prompt(
                "summarize",
                "Asks for a summary of a note",
                List.of(new McpSchema.PromptArgument("note", "The note's name", true)));
        return new SyncPromptSpecification(
                prompt,
                (exchange, req) -> new McpSchema.GetPromptResult(
                        "Summary request",
                        List.of(new McpSchema.PromptMessage(
                                McpSchema.Role.USER,
                                new McpSchema.TextContent("Summarize: "
                                        + NOTES.getOrDefault(
                                                String.valueOf(req.arguments().get("note")), "(no such note)"))))));
    }

    private static CallToolResult text(String s) {
        return CallToolResult.builder().addTextContent(s).build();
    }
}
