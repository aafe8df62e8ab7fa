package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.oauth.OAuthResourceServer;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import jakarta.servlet.http.HttpServlet;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The gateway as an OAuth resource server end to end: a real authorization server (mock-oauth2-server), two MCP SDK
 * replicas, the MCP SDK client through both host adapters.
 */
class OAuthSdkTest {
    private static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
    private static final String LIST = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";

    private final HttpClient http = HttpClient.newHttpClient();
    private MockOAuth2Server issuer;
    private DemoBackend one;
    private DemoBackend two;
    private AutoCloseable host;
    private Gateway gateway;
    private OAuthResourceServer oauth;
    private String resource;

    @BeforeEach
    void start() throws Exception {
        issuer = new MockOAuth2Server();
        issuer.start(InetAddress.getByName("127.0.0.1"), 0);
        one = DemoBackend.start("replica-1", 0, null);
        two = DemoBackend.start("replica-2", 0, null);
    }

    @AfterEach
    void stop() throws Exception {
        if (host != null) host.close();
        if (gateway != null) gateway.close();
        if (oauth != null) oauth.close();
        one.close();
        two.close();
        issuer.shutdown();
    }

    /** Binds the host first (the resource URI names its port), then builds the gateway it serves. */
    private String mount(String adapter) throws Exception {
        AtomicReference<Gateway> current = new AtomicReference<>();
        String base;
        if (adapter.equals("jdk")) {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            GatewayHttpHandler handler = new GatewayHttpHandler(current::get);
            server.createContext("/mcp", handler);
            server.createContext("/.well-known/oauth-protected-resource", handler);
            ExecutorService executor = Gateway.newRequestExecutor("oauth-test-");
            server.setExecutor(executor);
            server.start();
            host = () -> {
                server.stop(0);
                executor.shutdownNow();
            };
            base = "http://127.0.0.1:" + server.getAddress().getPort();
        } else {
            GatewayServlet servlet = new GatewayServlet(current::get);
            Map<String, HttpServlet> paths = new LinkedHashMap<>();
            paths.put("/mcp", servlet);
            paths.put("/.well-known/oauth-protected-resource/mcp", servlet);
            paths.put("/.well-known/oauth-protected-resource", servlet);
            Server jetty = LoopbackJetty.start(0, paths);
            host = jetty::stop;
            base = "http://127.0.0.1:" + LoopbackJetty.port(jetty);
        }
        resource = base + "/mcp";
        oauth = OAuthResourceServer.builder(URI.create(resource))
                .issuer(issuer.issuerUrl("default").uri())
                .requiredScopes(List.of("mcp:tools"))
                .build();
        gateway = Gateway.builder()
                .pool(BackendPool.builder("demo")
                        .backend(Backend.of(one.name(), one.url().toString()))
                        .backend(Backend.of(two.name(), two.url().toString()))
                        .build())
                .authenticator(oauth)
                .build();
        current.set(gateway);
        assertThat(gateway.resourceMetadataPaths())
                .containsExactly("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource");
        return base;
    }

    private String token(String subject, String audience, String scope, long expirySeconds) {
        return issuer.issueToken(
                        "default",
                        "mcp-client",
                        new DefaultOAuth2TokenCallback(
                                "default", subject, "JWT", List.of(audience), Map.of("scope", scope), expirySeconds))
                .serialize();
    }

    private HttpResponse<String> post(String base, String body, String token, String session) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/mcp"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) b.header("Authorization", "Bearer " + token);
        if (session != null) b.header("Mcp-Session-Id", session).header("MCP-Protocol-Version", "2025-11-25");
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk", "jetty"})
    void aTokenForTheGatewayLetsTheSdkClientWorkAndNothingElseGetsThrough(String adapter) throws Exception {
        String base = mount(adapter);
        String alice = token("alice", resource, "mcp:tools", 3600);

        SdkClients.assertEchoes(base, null, "Bearer " + alice);

        // the session is alice's: another subject's valid token cannot use it
        HttpResponse<String> init = post(base, INIT, alice, null);
        assertThat(init.statusCode()).isEqualTo(200);
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(base, LIST, alice, session).statusCode()).isEqualTo(200);
        assertThat(post(base, LIST, token("bob", resource, "mcp:tools", 3600), session)
                        .statusCode())
                .isEqualTo(404);

        int reached = one.requests() + two.requests();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("stranger").generate();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer.issuerUrl("default").toString())
                .subject("alice")
                .audience(resource)
                .claim("scope", "mcp:tools")
                .expirationTime(Date.from(Instant.now().plusSeconds(600)))
                .build();
        SignedJWT forged = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("stranger").build(), claims);
        forged.sign(new RSASSASigner(stranger));
        String good = token("alice", resource, "mcp:tools", 3600);
        String tampered =
                good.substring(0, good.lastIndexOf('.') + 1) + "AAAA" + good.substring(good.lastIndexOf('.') + 5);
        String metadata = "resource_metadata=\"" + base + "/.well-known/oauth-protected-resource/mcp\"";
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("another audience", token("alice", "https://other.example.com/mcp", "mcp:tools", 3600));
        refused.put("expired", token("alice", resource, "mcp:tools", -600));
        refused.put("unknown key", forged.serialize());
        refused.put("alg none", new PlainJWT(claims).serialize());
        refused.put("tampered", tampered);
        for (Map.Entry<String, String> e : refused.entrySet()) {
            HttpResponse<String> a = post(base, INIT, e.getValue(), null);
            assertThat(a.statusCode()).as(e.getKey()).isEqualTo(401);
            assertThat(a.headers().firstValue("WWW-Authenticate"))
                    .as(e.getKey())
                    .hasValue("Bearer error=\"invalid_token\", " + metadata);
            assertThat(a.body()).as(e.getKey()).contains("\"code\":-32021").doesNotContain(e.getValue());
        }
        HttpResponse<String> none = post(base, INIT, null, null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer " + metadata + ", scope=\"mcp:tools\"");
        HttpResponse<String> unscoped = post(base, INIT, token("alice", resource, "openid", 3600), null);
        assertThat(unscoped.statusCode()).isEqualTo(403);
        assertThat(unscoped.headers().firstValue("WWW-Authenticate"))
                .hasValue("Bearer error=\"insufficient_scope\", scope=\"mcp:tools\", " + metadata);
        assertThat(one.requests() + two.requests())
                .as("nothing refused reached a backend")
                .isEqualTo(reached);

        HttpResponse<String> doc = http.send(
                HttpRequest.newBuilder(URI.create(base + "/.well-known/oauth-protected-resource/mcp"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(doc.statusCode()).isEqualTo(200);
        assertThat(doc.body())
                .isEqualTo("{\"resource\":\"" + resource + "\",\"authorization_servers\":[\""
                        + issuer.issuerUrl("default") + "\"],\"scopes_supported\":[\"mcp:tools\"],"
                        + "\"bearer_methods_supported\":[\"header\"]}");
        assertThat(one.requestsWithAuthorization() + two.requestsWithAuthorization())
                .as("no backend ever saw the client's token")
                .isZero();
        assertThat(one.requests() + two.requests()).isPositive();
    }
}
