package io.openharbor.mcp.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS all the way, with real MCP parts: the official MCP Java SDK client speaks HTTPS to the gateway (JDK HttpsServer
 * with {@link ServerTls}), which re-encrypts to an MCP Java SDK server on Jetty 12 (also {@link ServerTls}) whose CA's
 * key it pins and which requires the gateway's client certificate.
 */
@SuppressWarnings("deprecation") // MCP SDK 2.1 deprecates McpSchema.Tool.builder(name), which has no replacement yet
class McpOverHttpsTest {
    @TempDir
    Path dir;

    @Test
    void sdkClientThroughHttpsGatewayToPinnedMtlsSdkServer() throws Exception {
        HeldCertificate backendCa = TlsFixtures.ca("Backend CA");
        HeldCertificate backendLeaf = TlsFixtures.leaf("mcp-backend", backendCa);
        HeldCertificate gatewayCa = TlsFixtures.ca("Gateway CA");
        HeldCertificate gatewayLeaf = TlsFixtures.leaf("mcp-gateway", gatewayCa);
        HeldCertificate gatewayClient = TlsFixtures.leaf("gateway-client", gatewayCa);

        // The backend: an MCP SDK server on Jetty over HTTPS, requiring client certificates from the gateway's CA.
        ServerTls backendTls = ServerTls.builder()
                .certificatePem(
                        TlsFixtures.writeChain(dir.resolve("b.crt"), backendLeaf, backendCa),
                        TlsFixtures.write(dir.resolve("b.key"), backendLeaf.privateKeyPkcs8Pem()))
                .clientAuth(ClientAuth.NEED)
                .clientTrustPem(TlsFixtures.write(dir.resolve("gw-ca.pem"), gatewayCa.certificatePem()))
                .build();
        HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
                .mcpEndpoint("/mcp")
                .build();
        Tool echo = Tool.builder("echo")
                .description("echo")
                .inputSchema(Map.of("type", "object", "properties", Map.of("text", Map.of("type", "string"))))
                .build();
        McpSyncServer mcp = McpServer.sync(transport)
                .serverInfo("tls-backend", "1.0.0")
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .tools(SyncToolSpecification.builder()
                        .tool(echo)
                        .callHandler((ex, req) -> CallToolResult.builder()
                                .addTextContent(String.valueOf(req.arguments().get("text")))
                                .build())
                        .build())
                .build();
        Server jetty = new Server();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(backendTls.sslContext());
        ssl.setIncludeProtocols(backendTls.protocols().toArray(String[]::new));
        ssl.setNeedClientAuth(backendTls.clientAuth() == ClientAuth.NEED);
        HttpConfiguration https = new HttpConfiguration();
        https.addCustomizer(new SecureRequestCustomizer());
        ServerConnector connector = new ServerConnector(jetty, ssl, new HttpConnectionFactory(https));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(transport), "/mcp");
        jetty.setHandler(context);
        jetty.start();

        // The gateway: pins the backend CA's key and presents its client certificate.
        BackendTls toBackend = BackendTls.builder()
                .trustPem(TlsFixtures.write(dir.resolve("backend-ca.pem"), backendCa.certificatePem()))
                .pins(Fingerprints.spkiSha256(backendCa.certificate()))
                .clientCertificatePem(
                        TlsFixtures.writeChain(dir.resolve("gc.crt"), gatewayClient, gatewayCa),
                        TlsFixtures.write(dir.resolve("gc.key"), gatewayClient.privateKeyPkcs8Pem()))
                .build();
        ServerTls front = ServerTls.builder()
                .certificatePem(
                        TlsFixtures.writeChain(dir.resolve("g.crt"), gatewayLeaf, gatewayCa),
                        TlsFixtures.write(dir.resolve("g.key"), gatewayLeaf.privateKeyPkcs8Pem()))
                .build();
        Gateway gateway = Gateway.builder()
                .pool(BackendPool.builder("secure")
                        .backend(Backend.builder(
                                        "tls-backend",
                                        URI.create("https://127.0.0.1:" + connector.getLocalPort() + "/mcp"))
                                .tlsPolicy(toBackend)
                                .build())
                        .healthCheck(HealthCheckPolicy.builder()
                                .mode(HealthCheckPolicy.Mode.MCP_PING)
                                .build())
                        .build())
                .serverCertificate("https", front::certificate)
                .build();
        HttpsServer host = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host.setHttpsConfigurator(front.httpsConfigurator());
        host.createContext("/mcp", new GatewayHttpHandler(gateway));
        ExecutorService executor = Gateway.newRequestExecutor("https-host-");
        host.setExecutor(executor);
        host.start();

        SSLContext clientTrust = new HandshakeCertificates.Builder()
                .addTrustedCertificate(gatewayCa.certificate())
                .build()
                .sslContext();
        McpSyncClient client = McpClient.sync(HttpClientStreamableHttpTransport.builder(
                                "https://127.0.0.1:" + host.getAddress().getPort())
                        .endpoint("/mcp")
                        .customizeClient(b -> b.sslContext(clientTrust))
                        .build())
                .requestTimeout(Duration.ofSeconds(30))
                .build();
        try {
            assertThat(client.initialize().serverInfo().name()).isEqualTo("tls-backend");
            assertThat(client.listTools().tools()).extracting(Tool::name).containsExactly("echo");
            CallToolResult r = client.callTool(new CallToolRequest("echo", Map.of("text", "over TLS"), null));
            assertThat(((McpSchema.TextContent) r.content().get(0)).text()).isEqualTo("over TLS");

            // The health report shows both certificates: the backend's as seen on the handshake, and the listener's.
            var health = gateway.health();
            assertThat(health.backends().get(0).certificate().subject()).isEqualTo("CN=mcp-backend");
            assertThat(health.certificates()).extracting(c -> c.subject()).containsExactly("CN=mcp-gateway");
        } finally {
            client.closeGracefully();
            host.stop(0);
            executor.shutdownNow();
            gateway.close();
            mcp.closeGracefully();
            jetty.stop();
        }
        assertThat(List.of(front.protocols(), toBackend.protocols()))
                .allSatisfy(p -> assertThat(p).containsExactly("TLSv1.3", "TLSv1.2"));
    }
}
