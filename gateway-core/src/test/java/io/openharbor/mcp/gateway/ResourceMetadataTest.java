package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The protected-resource metadata an authenticator offers (RFC 9728), served through both host adapters; an
 * authenticator's 503; and what reaches a backend of the client's credentials and of the backend's own headers.
 */
class ResourceMetadataTest {
    private static final String DOC = "{\"resource\":\"https://mcp.example.com/mcp\","
            + "\"authorization_servers\":[\"https://login.example.com/realms/mcp\"],"
            + "\"scopes_supported\":[\"mcp:tools\"],\"bearer_methods_supported\":[\"header\"],"
            + "\"resource_name\":\"Example MCP\"}";

    private EdgeFixture f;
    private final List<GatewayListener.Rejection> rejections = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    static ResourceMetadata metadata() {
        return ResourceMetadata.builder(URI.create("https://mcp.example.com/mcp"))
                .authorizationServer(URI.create("https://login.example.com/realms/mcp"))
                .scopesSupported(List.of("mcp:tools"))
                .resourceName("Example MCP")
                .build();
    }

    /** Accepts {@code Authorization: Bearer good}; 503 for {@code Bearer down}; else 401 naming the metadata. */
    static final class FakeOAuth implements Authenticator {
        @Override
        public Authentication authenticate(GatewayRequest request) {
            String h = request.header("Authorization");
            if ("Bearer good".equals(h)) return Authentication.success("alice");
            if ("Bearer down".equals(h)) return Authentication.unavailable("the authorization server is unreachable");
            return Authentication.unauthorized(
                    "Bearer resource_metadata=\"" + metadata().url() + "\"", "a bearer token is required");
        }

        @Override
        public Optional<ResourceMetadata> resourceMetadata() {
            return Optional.of(metadata());
        }
    }

    @Test
    void theDocumentAndItsUrlFollowRfc9728() {
        ResourceMetadata m = metadata();
        assertThat(m.url()).isEqualTo("https://mcp.example.com/.well-known/oauth-protected-resource/mcp");
        assertThat(m.paths())
                .containsExactly("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource");
        assertThat(m.toJson()).isEqualTo(DOC);
        ResourceMetadata root = ResourceMetadata.builder(URI.create("http://127.0.0.1:8080"))
                .authorizationServer(URI.create("http://localhost:9000/issuer"))
                .build();
        assertThat(root.paths()).containsExactly("/.well-known/oauth-protected-resource");
        assertThat(root.url()).isEqualTo("http://127.0.0.1:8080/.well-known/oauth-protected-resource");
        assertThat(root.toJson()).doesNotContain("scopes_supported");
    }

    @Test
    void badUrisAndScopesAreRefusedWithTheReason() {
        assertThatThrownBy(() -> ResourceMetadata.builder(URI.create("http://mcp.example.com/mcp")))
                .hasMessageContaining("must be https");
        assertThatThrownBy(() -> ResourceMetadata.builder(URI.create("https://mcp.example.com/mcp#x")))
                .hasMessageContaining("fragment");
        assertThatThrownBy(() -> ResourceMetadata.builder(URI.create("https://mcp.example.com/mcp?a=b")))
                .hasMessageContaining("query");
        assertThatThrownBy(() -> ResourceMetadata.builder(URI.create("/mcp"))).hasMessageContaining("absolute");
        assertThatThrownBy(() -> ResourceMetadata.builder(URI.create("https://mcp.example.com/mcp"))
                        .build())
                .hasMessageContaining("at least one authorization server");
        assertThatThrownBy(() -> ResourceMetadata.requireScope("a b")).hasMessageContaining("not a valid scope");
        assertThatThrownBy(() -> ResourceMetadata.requireScope("a\"")).hasMessageContaining("not a valid scope");
    }

    private void start(Hosts.Kind kind, Backend.Builder backend) throws Exception {
        f = new EdgeFixture(
                kind,
                b -> b.authenticator(new FakeOAuth()).listener(new GatewayListener() {
                    @Override
                    public void rejected(GatewayRequest request, Rejection reason) {
                        rejections.add(reason);
                    }
                }),
                backend);
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void theMetadataIsServedAtBothPathsWithoutAToken(Hosts.Kind kind) throws Exception {
        start(kind, null);
        for (String path :
                List.of("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource")) {
            RawHttp.Answer a = f.send(new RawHttp.Req("GET", path).header("Origin", "https://inspector.example"));
            assertThat(a.status).as(path).isEqualTo(200);
            assertThat(a.header("Content-Type")).isEqualTo("application/json");
            assertThat(a.header("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(a.body).isEqualTo(DOC);
        }
        RawHttp.Answer preflight = f.send(new RawHttp.Req("OPTIONS", "/.well-known/oauth-protected-resource/mcp")
                .header("Origin", "https://inspector.example")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "mcp-protocol-version"));
        assertThat(preflight.status).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Headers")).containsIgnoringCase("MCP-Protocol-Version");
        RawHttp.Answer post = f.send(RawHttp.Req.post("/.well-known/oauth-protected-resource", "{}"));
        assertThat(post.status).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
        assertThat(f.backendRequests()).isZero();

        RawHttp.Answer none = f.send(RawHttp.Req.post("/mcp", EdgeFixture.PING));
        assertThat(none.status).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate"))
                .isEqualTo(
                        "Bearer resource_metadata=\"https://mcp.example.com/.well-known/oauth-protected-resource/mcp\"");
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void anAuthenticatorThatCannotCheckNowGets503WithRetryAfter(Hosts.Kind kind) throws Exception {
        start(kind, null);
        RawHttp.Answer down = f.send(RawHttp.Req.post("/mcp", EdgeFixture.PING).header("Authorization", "Bearer down"));
        assertThat(down.status).isEqualTo(503);
        assertThat(down.header("Retry-After")).isNotBlank();
        assertThat(down.header("WWW-Authenticate")).isNull();
        assertThat(down.body).contains("the authorization server is unreachable");
        assertThat(rejections).containsExactly(GatewayListener.Rejection.AUTHENTICATION_UNAVAILABLE);
        assertThat(f.backendRequests()).isZero();
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aBackendGetsItsOwnHeadersAndNeverTheClientsTokenUnlessItOptsIn(Hosts.Kind kind) throws Exception {
        start(kind, null);
        assertThat(f.send(RawHttp.Req.post("/mcp", EdgeFixture.PING).header("Authorization", "Bearer good")).status)
                .isEqualTo(200);
        assertThat(f.takeBackendRequest().getHeaders().get("Authorization")).isNull();
        f.close();

        start(
                kind,
                backendWith(
                        b -> b.header("Authorization", "Bearer backend-secret").header("X-Tenant", "t1")));
        assertThat(f.send(RawHttp.Req.post("/mcp", EdgeFixture.PING)
                                .header("Authorization", "Bearer good")
                                .header("X-Tenant", "forged"))
                        .status)
                .isEqualTo(200);
        RecordedRequest seen = f.takeBackendRequest();
        assertThat(seen.getHeaders().values("Authorization")).containsExactly("Bearer backend-secret");
        assertThat(seen.getHeaders().values("X-Tenant")).containsExactly("t1");
        f.close();

        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        start(kind, backendWith(b -> b.credentials(backend -> "Bearer own-" + asked.incrementAndGet())));
        for (int i = 1; i <= 2; i++) {
            assertThat(f.send(RawHttp.Req.post("/mcp", EdgeFixture.PING).header("Authorization", "Bearer good")).status)
                    .isEqualTo(200);
            assertThat(f.takeBackendRequest().getHeaders().values("Authorization"))
                    .as("the backend's own, asked for on each request")
                    .containsExactly("Bearer own-" + i);
        }
        f.close();

        start(kind, backendWith(b -> b.forwardClientCredentials(true)));
        assertThat(f.send(RawHttp.Req.post("/mcp", EdgeFixture.PING).header("Authorization", "Bearer good")).status)
                .isEqualTo(200);
        assertThat(f.takeBackendRequest().getHeaders().values("Authorization")).containsExactly("Bearer good");
    }

    private static Backend.Builder backendWith(java.util.function.UnaryOperator<Backend.Builder> configure) {
        return configure.apply(Backend.builder("a", URI.create("http://127.0.0.1:1/mcp")));
    }

    @Test
    void aBackendHeaderTheGatewayOwnsOrThatIsMalformedIsRefused() {
        Backend.Builder b = Backend.builder("a", URI.create("http://127.0.0.1:1/mcp"));
        assertThatThrownBy(() -> b.header("Host", "x")).hasMessageContaining("sets Host itself");
        assertThatThrownBy(() -> b.header("Mcp-Session-Id", "x")).hasMessageContaining("itself");
        assertThatThrownBy(() -> b.header("Bad Name", "x")).hasMessageContaining("not a header name");
        assertThatThrownBy(() -> b.header("X-A", "a\r\nb")).hasMessageContaining("line breaks");
        Backend built = b.header("X-A", "1").header("x-a", "s3cret").build();
        assertThat(built.headers()).containsExactly(java.util.Map.entry("x-a", "s3cret"));
        assertThat(built.toString()).doesNotContain("s3cret");
        assertThat(built.toBuilder().build()).isEqualTo(built);
        assertThatThrownBy(() -> Backend.builder("a", URI.create("http://127.0.0.1:1/mcp"))
                        .header("Authorization", "Bearer x")
                        .credentials(backend -> "Bearer y")
                        .build())
                .hasMessageContaining("choose one source of its Authorization");
    }
}
