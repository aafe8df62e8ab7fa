package io.openharbor.mcp.gateway.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jwt.JWTParser;
import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.testing.FakeTicker;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gateway's own token for a backend, by the client-credentials grant at a real authorization server. */
class ClientCredentialsTest {
    private final FakeTicker ticker = new FakeTicker();
    private Issuer issuer;
    private OAuthClientCredentials credentials;
    private final Backend backend = Backend.of("search", "http://127.0.0.1:9/mcp");

    @BeforeEach
    void start() throws Exception {
        issuer = new Issuer();
        credentials = OAuthClientCredentials.builder(issuer.issuer())
                .client("gateway", "gateway-secret")
                .scopes(List.of("search:read"))
                .resource(URI.create("https://search.internal/mcp"))
                .ticker(ticker)
                .build();
    }

    @AfterEach
    void stop() {
        credentials.close();
        issuer.close();
    }

    private List<okhttp3.mockwebserver.RecordedRequest> tokenRequests() {
        List<okhttp3.mockwebserver.RecordedRequest> seen = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            try {
                okhttp3.mockwebserver.RecordedRequest r = issuer.server.takeRequest(50, TimeUnit.MILLISECONDS);
                if (r.getPath() != null && r.getPath().endsWith("/token")) seen.add(r);
            } catch (RuntimeException none) { // the mock's way of saying its queue is empty
                break;
            }
        }
        return seen;
    }

    @Test
    void aTokenIsFetchedOnceThenRenewedInTheBackgroundBeforeItExpires() throws Exception {
        String first = credentials.authorization(backend);
        assertThat(first).startsWith("Bearer ");
        assertThat(JWTParser.parse(first.substring(7)).getJWTClaimsSet().getSubject())
                .isEqualTo("gateway");
        for (int i = 0; i < 10; i++) {
            assertThat(credentials.authorization(backend)).isEqualTo(first);
        }
        assertThat(credentials.tokenRequests()).isEqualTo(1);
        List<okhttp3.mockwebserver.RecordedRequest> sent = tokenRequests();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getHeader("Authorization"))
                .isEqualTo(AuthorizationServer.basic("gateway", "gateway-secret"));
        assertThat(sent.get(0).getBody().readUtf8())
                .contains("grant_type=client_credentials")
                .contains("scope=search%3Aread")
                .contains("resource=https%3A%2F%2Fsearch.internal%2Fmcp");

        ticker.advance(Duration.ofSeconds(2900)); // past 80 % of the mock's 3600 s
        assertThat(credentials.authorization(backend))
                .as("still valid: used while renewing")
                .isEqualTo(first);
        await().atMost(Duration.ofSeconds(10)).until(() -> !first.equals(credentials.authorization(backend)));
        assertThat(credentials.tokenRequests()).isEqualTo(2);
    }

    @Test
    void anUnreachableTokenEndpointMeansNoAuthorizationAndAPauseBeforeTheNextAttempt() {
        issuer.close();
        assertThat(credentials.authorization(backend)).isNull();
        assertThat(credentials.authorization(backend)).isNull();
        assertThat(credentials.tokenRequests())
                .as("no second attempt within 5 s")
                .isEqualTo(1);
        ticker.advance(Duration.ofSeconds(6));
        assertThat(credentials.authorization(backend)).isNull();
        assertThat(credentials.tokenRequests()).isEqualTo(2);
    }

    @Test
    void theBackendGetsTheGatewaysTokenNeverTheClients() throws Exception {
        String own = credentials.authorization(backend);
        try (MockWebServer mcp = new MockWebServer()) {
            mcp.enqueue(new MockResponse.Builder()
                    .addHeader("Content-Type", "application/json")
                    .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                    .build());
            mcp.start(InetAddress.getByName("127.0.0.1"), 0);
            Gateway gateway = Gateway.builder()
                    .pool(BackendPool.builder("p")
                            .healthCheck(HealthCheckPolicy.disabled())
                            .backend(Backend.builder("search", mcp.url("/mcp").uri())
                                    .credentials(credentials)
                                    .build())
                            .build())
                    .build();
            HttpServer host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            host.createContext("/mcp", new GatewayHttpHandler(gateway));
            ExecutorService executor = Gateway.newRequestExecutor("cc-test-");
            host.setExecutor(executor);
            host.start();
            try {
                HttpResponse<String> r = HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                                                + host.getAddress().getPort() + "/mcp"))
                                        .header("Content-Type", "application/json")
                                        .header("Accept", "application/json, text/event-stream")
                                        .header("Authorization", "Bearer the-clients-own")
                                        .POST(HttpRequest.BodyPublishers.ofString(
                                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                RecordedRequest seen = mcp.takeRequest(10, TimeUnit.SECONDS);
                assertThat(seen).isNotNull();
                assertThat(seen.getHeaders().values("Authorization")).containsExactly(own);
            } finally {
                host.stop(0);
                executor.shutdownNow();
                gateway.close();
            }
        }
    }
}
