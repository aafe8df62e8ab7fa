package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** API keys, the Authenticator SPI and identity-bound sessions, through real host servers. */
class AuthenticationTest {
    private static final String ALICE_KEY = "alice-0123456789abcdef";
    private static final String BOB_KEY = "bob-0123456789abcdef00";
    private EdgeFixture f;
    private final List<GatewayListener.Rejection> rejections = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    private void start(Hosts.Kind kind, UnaryOperator<Gateway.Builder> configure) throws Exception {
        f = new EdgeFixture(
                kind,
                b -> configure.apply(b.listener(new GatewayListener() {
                    @Override
                    public void rejected(GatewayRequest request, Rejection reason) {
                        rejections.add(reason);
                    }
                })));
    }

    private static ApiKeys keys(boolean bearer) {
        return ApiKeys.builder()
                .key("alice", ALICE_KEY)
                .keyHash("bob", sha256Hex(BOB_KEY))
                .bearer(bearer)
                .build();
    }

    static String sha256Hex(String s) {
        return java.util.HexFormat.of().formatHex(ApiKeys.sha256(s));
    }

    private static RawHttp.Req ping() {
        return RawHttp.Req.post("/mcp", EdgeFixture.PING);
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void missingOrWrongKeyGets401WithAChallengeAndNothingIsForwarded(Hosts.Kind kind) throws Exception {
        start(kind, b -> b.authenticator(keys(false)));
        RawHttp.Answer none = f.send(ping());
        assertThat(none.status).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).isEqualTo("ApiKey realm=\"mcp-gateway\", header=\"X-API-Key\"");
        assertThat(none.body)
                .startsWith("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32021,")
                .contains("an API key is required");
        RawHttp.Answer wrong = f.send(ping().header("X-API-Key", ALICE_KEY + "x"));
        assertThat(wrong.status).isEqualTo(401);
        assertThat(wrong.body).contains("invalid API key").doesNotContain(ALICE_KEY);
        assertThat(f.send(ping().header("Authorization", "Bearer " + ALICE_KEY)).status)
                .as("bearer not accepted unless enabled")
                .isEqualTo(401);
        assertThat(f.send(ping().header("X-API-Key", ALICE_KEY).header("X-API-Key", BOB_KEY)).status)
                .as("two different keys")
                .isEqualTo(401);
        assertThat(f.send(new RawHttp.Req("GET", "/mcp").header("Accept", "text/event-stream")).status)
                .as("GET needs a key too")
                .isEqualTo(401);
        assertThat(f.send(new RawHttp.Req("DELETE", "/mcp")).status).isEqualTo(401);
        assertThat(f.backendRequests()).isZero();
        assertThat(rejections).containsOnly(GatewayListener.Rejection.UNAUTHENTICATED);
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void validKeyIsForwardedWithoutTheSecret(Hosts.Kind kind) throws Exception {
        start(kind, b -> b.authenticator(keys(true)));
        assertThat(f.send(ping().header("X-API-Key", ALICE_KEY)).status).isEqualTo(200);
        assertThat(f.send(ping().header("Authorization", "Bearer " + BOB_KEY)).status)
                .isEqualTo(200);
        for (int i = 0; i < 2; i++) {
            RecordedRequest seen = f.takeBackendRequest();
            assertThat(seen.getHeaders().get("X-API-Key")).isNull();
            assertThat(seen.getHeaders().get("Authorization")).isNull();
        }
        RawHttp.Answer none = f.send(ping());
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer realm=\"mcp-gateway\"");
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aSessionBelongsToTheCallerThatOpenedIt(Hosts.Kind kind) throws Exception {
        start(kind, b -> b.authenticator(keys(false)));
        RawHttp.Answer init = f.send(RawHttp.Req.post("/mcp", EdgeFixture.INIT).header("X-API-Key", ALICE_KEY));
        assertThat(init.status).isEqualTo(200);
        String token = init.header("Mcp-Session-Id");
        assertThat(token).isNotBlank().doesNotContain("upstream");
        f.takeBackendRequest();

        RawHttp.Answer alice = f.send(ping().header("X-API-Key", ALICE_KEY).header("Mcp-Session-Id", token));
        assertThat(alice.status).isEqualTo(200);
        assertThat(f.takeBackendRequest().getHeaders().get("Mcp-Session-Id")).startsWith("upstream-");

        int before = f.backendRequests();
        RawHttp.Answer bob = f.send(ping().header("X-API-Key", BOB_KEY).header("Mcp-Session-Id", token));
        assertThat(bob.status).isEqualTo(404);
        assertThat(bob.body).contains("-32001");
        RawHttp.Answer anonymous = f.send(ping().header("Mcp-Session-Id", token));
        assertThat(anonymous.status).as("a session never authenticates").isEqualTo(401);
        assertThat(f.backendRequests()).isEqualTo(before);
    }

    @Test
    void customAuthenticatorSeesClientAndDecides() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        Authenticator custom = new Authenticator() {
            @Override
            public Authentication authenticate(GatewayRequest r) {
                seen.add(r.httpMethod() + " " + r.clientAddress().getHostString() + " secure=" + r.isSecure()
                        + " certs=" + r.clientCertificates().size());
                String token = r.header("X-Token");
                if (token == null) {
                    return Authentication.unauthorized(
                            "Bearer resource_metadata=\"https://mcp.example.com/.well-known"
                                    + "/oauth-protected-resource\"",
                            "a token is required");
                }
                if (token.equals("reader")) {
                    return Authentication.forbidden(
                            "Bearer error=\"insufficient_scope\", scope=\"tools\"", "the token lacks scope tools");
                }
                return Authentication.success("user:" + token);
            }

            @Override
            public Set<String> credentialHeaders() {
                return Set.of("X-Token");
            }
        };
        start(Hosts.Kind.JDK, b -> b.authenticator(custom));
        RawHttp.Answer none = f.send(ping());
        assertThat(none.status).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).contains("resource_metadata=");
        RawHttp.Answer reader = f.send(ping().header("X-Token", "reader"));
        assertThat(reader.status).isEqualTo(403);
        assertThat(reader.header("WWW-Authenticate")).contains("insufficient_scope");
        assertThat(reader.body).contains("-32022").contains("lacks scope");
        assertThat(f.send(ping().header("X-Token", "writer").header("Authorization", "Basic eDp5")).status)
                .isEqualTo(200);
        RecordedRequest forwarded = f.takeBackendRequest();
        assertThat(forwarded.getHeaders().get("X-Token")).isNull();
        assertThat(forwarded.getHeaders().get("Authorization"))
                .as("not a credential of this authenticator")
                .isEqualTo("Basic eDp5");
        assertThat(seen).contains("POST 127.0.0.1 secure=false certs=0");
        assertThat(rejections)
                .containsExactly(GatewayListener.Rejection.UNAUTHENTICATED, GatewayListener.Rejection.FORBIDDEN);
    }

    @Test
    void anAuthenticatorThatThrowsRefusesWithoutAStackTrace() throws Exception {
        start(
                Hosts.Kind.JDK,
                b -> b.authenticator(r -> {
                    throw new IllegalStateException("user store down");
                }));
        RawHttp.Answer a = f.send(ping());
        assertThat(a.status).isEqualTo(500);
        assertThat(a.body).contains("-32603").doesNotContain("user store down").doesNotContain("Exception");
        assertThat(f.backendRequests()).isZero();
    }

    @Test
    void healthNeedsNoKey() throws Exception {
        start(Hosts.Kind.JDK, b -> b.authenticator(keys(false)));
        assertThat(f.send(new RawHttp.Req("GET", "/health")).status).isEqualTo(200);
    }

    @Test
    void apiKeysBuilderValidates() {
        assertThatThrownBy(() -> ApiKeys.builder().build()).hasMessageContaining("at least one key");
        assertThatThrownBy(
                        () -> ApiKeys.builder().key("a", "k1-0123456789abcdef").key("a", "k2-0123456789abcdef"))
                .hasMessageContaining("two API keys are named 'a'");
        assertThatThrownBy(() -> ApiKeys.builder()
                        .key("a", "same-0123456789abcdef")
                        .keyHash("b", sha256Hex("same-0123456789abcdef")))
                .hasMessageContaining("are the same key");
        assertThatThrownBy(() -> ApiKeys.builder().keyHash("a", "abc")).hasMessageContaining("64 hex digits");
        assertThatThrownBy(() -> ApiKeys.builder().header("Authorization")).hasMessageContaining("bearer(true)");
        assertThatThrownBy(() -> ApiKeys.builder().key(" a", "0123456789abcdef0"))
                .hasMessageContaining("name");
        assertThatThrownBy(() -> Authentication.success(" ")).hasMessageContaining("identity");
        assertThatThrownBy(() -> Authentication.unauthorized("Bearer\r\nX: y", "m"))
                .hasMessageContaining("WWW-Authenticate");
        ApiKeys keys = ApiKeys.builder()
                .keyHash("c", "sha256:" + sha256Hex("k").toUpperCase(Locale.ROOT))
                .build();
        assertThat(keys.names()).containsExactly("c");
        assertThat(keys.toString()).doesNotContain(sha256Hex("k"));
    }
}
