package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.McpServer;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Federation with real parts: the official MCP Java SDK client, through the gateway on each bundled adapter, in front of
 * two different MCP Java SDK servers whose {@code echo} tools clash ({@link DemoBackend}, two replicas, and
 * {@link DemoNotes}, three replicas with a per-session counter); two gateway instances share one key and nothing else.
 */
@SuppressWarnings("deprecation") // MCP SDK 2.1 deprecates the request constructors, with no replacement yet
class FederationSdkTest {
    private static final byte[] KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(KEY);
    }

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final List<DemoNotes> notes = new ArrayList<>();
    private BackendPool demoPool;
    private BackendPool notesPool;

    @BeforeEach
    void startServers() throws Exception {
        BackendPool.Builder demo = BackendPool.builder("demo");
        for (int i = 1; i <= 2; i++) {
            DemoBackend b = DemoBackend.start("demo-" + i, 0, null);
            closeAfter.add(b);
            demo.backend(Backend.of(b.name(), b.url().toString()));
        }
        BackendPool.Builder notesB = BackendPool.builder("notes");
        for (int i = 1; i <= 3; i++) {
            DemoNotes n = DemoNotes.start("notes-" + i, 0);
            closeAfter.add(n);
            notes.add(n);
            notesB.backend(Backend.of(n.name(), n.url().toString()));
        }
        demoPool = demo.build();
        notesPool = notesB.build();
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    private Gateway gateway() {
        Gateway g = Gateway.builder()
                .sessionKeys(List.of(KEY))
                .server(McpServer.builder("demo", demoPool).build())
                .server(McpServer.builder("notes", notesPool).required(true).build())
                .build();
        closeAfter.add(g);
        return g;
    }

    private String mount(String adapter, Gateway gateway) throws Exception {
        if (adapter.equals("jdk")) {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/mcp", new GatewayHttpHandler(gateway));
            ExecutorService executor = Gateway.newRequestExecutor("fed-test-");
            server.setExecutor(executor);
            server.start();
            closeAfter.add(() -> {
                server.stop(0);
                executor.shutdownNow();
            });
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }
        Server jetty = LoopbackJetty.start(0, Map.of("/mcp", new GatewayServlet(gateway)));
        closeAfter.add(jetty::stop);
        return "http://127.0.0.1:" + LoopbackJetty.port(jetty);
    }

    private static McpSyncClient client(String base) {
        return McpClient.sync(HttpClientStreamableHttpTransport.builder(base)
                        .endpoint("/mcp")
                        .build())
                .requestTimeout(Duration.ofSeconds(20))
                .build();
    }

    private static String text(McpSchema.CallToolResult r) {
        return ((McpSchema.TextContent) r.content().get(0)).text();
    }

    @ParameterizedTest(name = "through the {0} adapter")
    @ValueSource(strings = {"jdk", "jetty"})
    void anSdkClientSeesBothServersUnderTheirPrefixesAndCallsEach(String adapter) throws Exception {
        String base = mount(adapter, gateway());
        McpSyncClient client = client(base);
        try {
            McpSchema.InitializeResult init = client.initialize();
            assertThat(init.capabilities().tools()).isNotNull();
            assertThat(init.instructions()).contains("## notes");

            assertThat(client.listTools().tools())
                    .extracting(McpSchema.Tool::name)
                    .containsExactly(
                            "demo_add",
                            "demo_echo",
                            "demo_fail",
                            "demo_progress",
                            "demo_whoami",
                            "notes_count",
                            "notes_echo",
                            "notes_search");
            assertThat(text(client.callTool(new CallToolRequest("demo_echo", Map.of("text", "hi"), null))))
                    .isEqualTo("hi");
            assertThat(text(client.callTool(new CallToolRequest("notes_echo", Map.of("text", "hi"), null))))
                    .startsWith("notes notes-")
                    .endsWith(": hi");
            assertThat(text(client.callTool(new CallToolRequest("notes_search", Map.of("query", "prefix"), null))))
                    .isEqualTo("gateway");

            assertThat(client.listResources().resources())
                    .extracting(McpSchema.Resource::uri)
                    .containsExactly("notes+note://welcome");
            McpSchema.ReadResourceResult read =
                    client.readResource(new McpSchema.ReadResourceRequest("notes+note://welcome"));
            assertThat(((McpSchema.TextResourceContents) read.contents().get(0)).uri())
                    .isEqualTo("notes+note://welcome");
            assertThat(((McpSchema.TextResourceContents) read.contents().get(0)).text())
                    .startsWith("Welcome");

            assertThat(client.listPrompts().prompts())
                    .extracting(McpSchema.Prompt::name)
                    .containsExactly("notes_summarize");
            McpSchema.GetPromptResult prompt =
                    client.getPrompt(new McpSchema.GetPromptRequest("notes_summarize", Map.of("note", "gateway")));
            assertThat(((McpSchema.TextContent) prompt.messages().get(0).content()).text())
                    .contains("prefixes every name");

            assertThat(client.ping()).isNotNull();
        } finally {
            client.closeGracefully();
        }
    }

    @Test
    void aCounterSessionCountsAcrossTwoInstancesAndNeverAcrossClients() throws Exception {
        Gateway first = gateway();
        Gateway second = gateway();
        String one = mount("jdk", first);
        String two = mount("jetty", second);
        McpSyncClient a = client(one);
        McpSyncClient b = client(two);
        try {
            a.initialize();
            b.initialize();
            for (int i = 0; i < 5; i++) {
                text(a.callTool(new CallToolRequest("notes_count", Map.of(), null)));
            }
            assertThat(text(b.callTool(new CallToolRequest("notes_count", Map.of(), null))))
                    .isEqualTo("1");
            assertThat(text(a.callTool(new CallToolRequest("notes_count", Map.of(), null))))
                    .isEqualTo("6");
        } finally {
            a.closeGracefully();
            b.closeGracefully();
        }
    }
}
