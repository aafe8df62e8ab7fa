package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.UnaryOperator;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * HTTPS enforcement, forwarding headers, security headers, Host and Origin rules and CORS, with real HTTP through the
 * JDK and Jetty adapters. Every refusal must carry a JSON-RPC error and forward nothing.
 */
class EdgeSecurityTest {
    private EdgeFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    private EdgeFixture start(Hosts.Kind kind, SecurityPolicy policy) throws Exception {
        return start(kind, b -> b.security(policy));
    }

    private EdgeFixture start(Hosts.Kind kind, UnaryOperator<Gateway.Builder> configure) throws Exception {
        f = new EdgeFixture(kind, configure);
        return f;
    }

    private static RawHttp.Req ping() {
        return RawHttp.Req.post("/mcp", EdgeFixture.PING);
    }

    private static void assertRefused(RawHttp.Answer a, int status, int code) {
        assertThat(a.status).as(a.toString()).isEqualTo(status);
        assertThat(a.header("Content-Type")).isEqualTo("application/json");
        assertThat(a.body).startsWith("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":" + code + ",");
    }

    // ---- security headers ----

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void defaultSecurityHeadersOnRelayedAndOwnAnswers(Hosts.Kind kind) throws Exception {
        start(kind, SecurityPolicy.defaults());
        RawHttp.Answer relayed = f.send(ping());
        assertThat(relayed.status).isEqualTo(200);
        assertThat(relayed.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
        assertThat(relayed.headers("X-Frame-Options")).containsExactly("DENY"); // the backend's SAMEORIGIN is gone
        assertThat(relayed.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(relayed.header("Referrer-Policy")).isEqualTo("no-referrer");
        assertThat(relayed.header("Permissions-Policy")).contains("camera=()");
        assertThat(relayed.header("Access-Control-Allow-Origin")).isNull(); // the backend's CORS header is dropped
        assertThat(relayed.header("Strict-Transport-Security"))
                .as("no HSTS over plain HTTP")
                .isNull();

        RawHttp.Answer own = f.send(new RawHttp.Req("PUT", "/mcp"));
        assertRefused(own, 405, -32600);
        assertThat(own.header("X-Frame-Options")).isEqualTo("DENY");
        assertThat(own.header("Cache-Control")).isEqualTo("no-store");

        RawHttp.Answer health = f.send(new RawHttp.Req("GET", "/health"));
        assertThat(health.header("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void securityHeadersAreConfigurableAndHstsFollowsTrustedProto() throws Exception {
        start(
                Hosts.Kind.JDK,
                SecurityPolicy.builder()
                        .responseHeader("Permissions-Policy", null)
                        .responseHeader("Cross-Origin-Resource-Policy", "same-origin")
                        .hsts("max-age=600")
                        .trustForwardedHeaders(true)
                        .build());
        RawHttp.Answer viaTls = f.send(ping().header("X-Forwarded-Proto", "https"));
        assertThat(viaTls.status).isEqualTo(200);
        assertThat(viaTls.header("Strict-Transport-Security")).isEqualTo("max-age=600");
        assertThat(viaTls.header("Permissions-Policy")).isNull();
        assertThat(viaTls.header("Cross-Origin-Resource-Policy")).isEqualTo("same-origin");
        assertThat(f.send(ping()).header("Strict-Transport-Security")).isNull();
    }

    // ---- HTTPS ----

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void plainHttpIsRedirectedWith308AndNothingIsForwarded(Hosts.Kind kind) throws Exception {
        start(kind, SecurityPolicy.builder().requireHttps(true).httpsPort(8443).build());
        RawHttp.Answer a = f.send(new RawHttp.Req("POST", "/mcp?x=1")
                .header("Host", "mcp.example.com:8080")
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .body(EdgeFixture.PING));
        assertRefused(a, 308, -32020);
        assertThat(a.header("Location")).isEqualTo("https://mcp.example.com:8443/mcp?x=1");
        assertThat(f.backendRequests()).isZero();
    }

    @Test
    void plainHttpIsRefusedWith403WhenConfigured() throws Exception {
        start(
                Hosts.Kind.JDK,
                SecurityPolicy.builder()
                        .requireHttps(true)
                        .httpsAction(SecurityPolicy.HttpsAction.REJECT)
                        .build());
        RawHttp.Answer a = f.send(ping());
        assertRefused(a, 403, -32020);
        assertThat(a.body).contains("HTTPS is required");
        assertThat(a.header("Location")).isNull();
        assertThat(f.backendRequests()).isZero();
    }

    @Test
    void forwardedProtoCountsOnlyFromTrustedProxies() throws Exception {
        // Loopback (our peer) is trusted by default once forwarding headers are on.
        start(
                Hosts.Kind.JDK,
                SecurityPolicy.builder()
                        .requireHttps(true)
                        .trustForwardedHeaders(true)
                        .build());
        assertThat(f.send(ping().header("X-Forwarded-Proto", "https")).status).isEqualTo(200);
        assertThat(f.send(ping().header("Forwarded", "for=198.51.100.7;proto=https")).status)
                .isEqualTo(200);
        assertThat(f.send(ping().header("X-Forwarded-Proto", "http")).status).isEqualTo(308);
        f.close();

        // The same header from a peer that is not a trusted proxy is ignored.
        start(
                Hosts.Kind.JDK,
                SecurityPolicy.builder()
                        .requireHttps(true)
                        .trustForwardedHeaders(true)
                        .trustedProxies(List.of("10.0.0.0/8"))
                        .build());
        assertThat(f.send(ping().header("X-Forwarded-Proto", "https")).status).isEqualTo(308);
        f.close();
        start(Hosts.Kind.JDK, SecurityPolicy.builder().requireHttps(true).build()); // trust off
        assertThat(f.send(ping().header("X-Forwarded-Proto", "https")).status).isEqualTo(308);
        assertThat(f.backendRequests()).isZero();
    }

    @Test
    void healthIsExemptFromHttps() throws Exception {
        start(Hosts.Kind.JDK, SecurityPolicy.builder().requireHttps(true).build());
        assertThat(f.send(new RawHttp.Req("GET", "/health")).status).isEqualTo(200);
    }

    // ---- forwarding headers to the backend ----

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void untrustedForwardingHeadersAreReplacedBeforeForwarding(Hosts.Kind kind) throws Exception {
        start(kind, SecurityPolicy.defaults());
        assertThat(f.send(ping().header("X-Forwarded-For", "6.6.6.6")
                                .header("Forwarded", "for=6.6.6.6")
                                .header("X-Real-IP", "6.6.6.6")
                                .header("X-Forwarded-Host", "evil.example.com"))
                        .status)
                .isEqualTo(200);
        RecordedRequest seen = f.takeBackendRequest();
        assertThat(seen.getHeaders().values("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(seen.getHeaders().get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(seen.getHeaders().get("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + f.port);
        assertThat(seen.getHeaders().get("Forwarded")).isNull();
        assertThat(seen.getHeaders().get("X-Real-IP")).isNull();
    }

    @Test
    void trustedChainIsExtendedAndItsClientBelieved() throws Exception {
        List<String> seenClients = new java.util.concurrent.CopyOnWriteArrayList<>();
        start(
                Hosts.Kind.JDK,
                b -> b.security(SecurityPolicy.builder()
                                .trustForwardedHeaders(true)
                                .trustedProxies(List.of("127.0.0.1", "10.0.0.0/8"))
                                .build())
                        .authenticator(r -> {
                            seenClients.add(r.clientAddress().getHostString());
                            return Authentication.success("anyone");
                        }));
        // spoofed by the client, then the client (203.0.113.9), then an inner proxy (10.1.2.3)
        assertThat(f.send(ping().header("X-Forwarded-For", "6.6.6.6, 203.0.113.9, 10.1.2.3")
                                .header("X-Forwarded-Host", "mcp.example.com"))
                        .status)
                .isEqualTo(200);
        assertThat(seenClients).containsExactly("203.0.113.9");
        RecordedRequest seen = f.takeBackendRequest();
        assertThat(seen.getHeaders().get("X-Forwarded-For")).isEqualTo("6.6.6.6, 203.0.113.9, 10.1.2.3, 127.0.0.1");
        assertThat(seen.getHeaders().get("X-Forwarded-Host")).isEqualTo("mcp.example.com");
    }

    @Test
    void forwardingHeadersToTheBackendCanBeTurnedOff() throws Exception {
        start(
                Hosts.Kind.JDK,
                SecurityPolicy.builder().forwardedHeadersToBackend(false).build());
        assertThat(f.send(ping().header("X-Forwarded-For", "6.6.6.6")).status).isEqualTo(200);
        RecordedRequest seen = f.takeBackendRequest();
        assertThat(seen.getHeaders().get("X-Forwarded-For")).isNull();
        assertThat(seen.getHeaders().get("X-Forwarded-Proto")).isNull();
    }

    // ---- Host ----

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void hostOutsideTheAllowListIsRefused(Hosts.Kind kind) throws Exception {
        start(
                kind,
                SecurityPolicy.builder()
                        .allowedHosts(List.of("127.0.0.1", "*.example.com"))
                        .build());
        assertRefused(f.send(ping().header("Host", "evil.example.org")), 403, -32020);
        assertRefused(f.send(ping().header("Host", "example.com")), 403, -32020);
        assertThat(f.backendRequests()).isZero();
        assertThat(f.send(ping()).status).isEqualTo(200);
        assertThat(f.send(ping().header("Host", "mcp.eu.example.com:8080")).status)
                .isEqualTo(200);
    }

    // ---- Origin and CORS ----

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void allowedOriginsExactAndWildcard(Hosts.Kind kind) throws Exception {
        start(
                kind,
                SecurityPolicy.builder()
                        .allowedOrigins(List.of("https://app.example.com", "https://*.tools.example.com"))
                        .build());
        RawHttp.Answer ok = f.send(ping().header("Origin", "https://app.example.com"));
        assertThat(ok.status).isEqualTo(200);
        assertThat(ok.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(ok.header("Access-Control-Expose-Headers")).contains("Mcp-Session-Id");
        assertThat(ok.headers("Vary")).contains("Origin");
        assertThat(f.send(ping().header("Origin", "https://app.example.com:443")).status)
                .isEqualTo(200);
        assertThat(f.send(ping().header("Origin", "https://a.b.tools.example.com")).status)
                .isEqualTo(200);
        int before = f.backendRequests();
        for (String bad : List.of(
                "http://app.example.com",
                "https://app.example.com:8443",
                "https://tools.example.com",
                "https://evil.com",
                "null",
                "https://app.example.com.evil.com",
                "not an origin")) {
            assertRefused(f.send(ping().header("Origin", bad)), 403, -32020);
        }
        assertRefused(
                f.send(ping().header("Origin", "https://app.example.com").header("Origin", "https://evil.com")),
                403,
                -32020);
        assertThat(f.backendRequests()).isEqualTo(before);
    }

    @Test
    void withoutAListOnlyTheGatewaysOwnLoopbackOriginIsAccepted() throws Exception {
        start(Hosts.Kind.JDK, SecurityPolicy.defaults());
        assertThat(f.send(ping().header("Origin", "http://127.0.0.1:" + f.port)).status)
                .isEqualTo(200);
        assertThat(f.send(ping()).status).as("no Origin: not a browser").isEqualTo(200);
        assertRefused(f.send(ping().header("Origin", "http://127.0.0.1:1")), 403, -32020);
        assertRefused(f.send(ping().header("Origin", "https://app.example.com")), 403, -32020);
        assertRefused(
                f.send(ping().header("Host", "mcp.example.com").header("Origin", "http://mcp.example.com")),
                403,
                -32020);
    }

    /** The MCP conformance scenario dns-rebinding-protection, request for request. */
    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void conformanceDnsRebindingProtection(Hosts.Kind kind) throws Exception {
        for (SecurityPolicy policy : List.of(
                SecurityPolicy.defaults(),
                SecurityPolicy.builder()
                        .allowedHosts(List.of("127.0.0.1", "localhost", "[::1]"))
                        .build())) {
            start(kind, policy);
            String self = "127.0.0.1:" + f.port;
            RawHttp.Answer evil = f.send(RawHttp.Req.post("/mcp", EdgeFixture.INIT)
                    .header("Host", "evil.example.com")
                    .header("Origin", "http://evil.example.com"));
            assertThat(evil.status).isBetween(400, 499);
            assertThat(f.backendRequests()).isZero();
            RawHttp.Answer good = f.send(RawHttp.Req.post("/mcp", EdgeFixture.INIT)
                    .header("Host", self)
                    .header("Origin", "http://" + self));
            assertThat(good.status).isBetween(200, 299);
            f.close();
            f = null;
        }
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void preflightIsAnsweredByTheGateway(Hosts.Kind kind) throws Exception {
        start(
                kind,
                SecurityPolicy.builder()
                        .allowedOrigins(List.of("https://app.example.com"))
                        .corsMaxAge(java.time.Duration.ofSeconds(90))
                        .build());
        RawHttp.Answer a = f.send(new RawHttp.Req("OPTIONS", "/mcp")
                .header("Origin", "https://app.example.com")
                .header("Access-Control-Request-Method", "POST")
                .header(
                        "Access-Control-Request-Headers",
                        "content-type, mcp-session-id, MCP-Protocol-Version,"
                                + " last-event-id, authorization, x-api-key, mcp-method"));
        assertThat(a.status).isEqualTo(204);
        assertThat(a.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
        assertThat(a.header("Access-Control-Allow-Methods")).isEqualTo("GET, POST, DELETE");
        assertThat(a.header("Access-Control-Allow-Headers"))
                .isEqualTo("content-type, mcp-session-id,"
                        + " mcp-protocol-version, last-event-id, authorization, x-api-key, mcp-method");
        assertThat(a.header("Access-Control-Max-Age")).isEqualTo("90");
        assertThat(a.header("Access-Control-Expose-Headers")).contains("Mcp-Session-Id");

        assertRefused(
                f.send(new RawHttp.Req("OPTIONS", "/mcp")
                        .header("Origin", "https://app.example.com")
                        .header("Access-Control-Request-Method", "POST")
                        .header("Access-Control-Request-Headers", "x-evil")),
                403,
                -32020);
        assertRefused(
                f.send(new RawHttp.Req("OPTIONS", "/mcp")
                        .header("Origin", "https://app.example.com")
                        .header("Access-Control-Request-Method", "PUT")),
                403,
                -32020);
        assertRefused(
                f.send(new RawHttp.Req("OPTIONS", "/mcp")
                        .header("Origin", "https://evil.com")
                        .header("Access-Control-Request-Method", "POST")),
                403,
                -32020);
        assertThat(f.backendRequests()).isZero();
    }

    @Test
    void preflightNeedsNoCredentialsAndExposesTheSessionOnTheRealRequest() throws Exception {
        start(
                Hosts.Kind.JDK,
                b -> b.security(SecurityPolicy.builder()
                                .allowedOrigins(List.of("https://app.example.com"))
                                .build())
                        .authenticator(ApiKeys.builder()
                                .key("web", "0123456789abcdef0123")
                                .build()));
        assertThat(f.send(new RawHttp.Req("OPTIONS", "/mcp")
                                .header("Origin", "https://app.example.com")
                                .header("Access-Control-Request-Method", "POST"))
                        .status)
                .isEqualTo(204);
        RawHttp.Answer init = f.send(RawHttp.Req.post("/mcp", EdgeFixture.INIT)
                .header("Origin", "https://app.example.com")
                .header("X-API-Key", "0123456789abcdef0123"));
        assertThat(init.status).isEqualTo(200);
        assertThat(init.header("Mcp-Session-Id")).isNotBlank();
        assertThat(init.header("Access-Control-Expose-Headers")).contains("Mcp-Session-Id");
    }

    @Test
    void optionsWithoutCorsListsTheMethods() throws Exception {
        start(Hosts.Kind.JDK, SecurityPolicy.defaults());
        RawHttp.Answer a = f.send(new RawHttp.Req("OPTIONS", "/mcp"));
        assertThat(a.status).isEqualTo(204);
        assertThat(a.header("Allow")).isEqualTo("GET, POST, DELETE, OPTIONS");
    }

    @Test
    void policyValidation() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SecurityPolicy.builder().trustedProxies(List.of("10.0.0.0/33")))
                .hasMessageContaining("10.0.0.0/33");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SecurityPolicy.builder().trustedProxies(List.of("proxy.internal")))
                .hasMessageContaining("proxy.internal");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SecurityPolicy.builder().allowedOrigins(List.of("https://app.example.com/path")))
                .hasMessageContaining("allowedOrigins[0]");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SecurityPolicy.builder().allowedHosts(List.of("a b")))
                .hasMessageContaining("allowedHosts[0]");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SecurityPolicy.builder().responseHeader("X-Bad", "a\r\nb"))
                .hasMessageContaining("X-Bad");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SecurityPolicy.builder().hsts("1 year"))
                .hasMessageContaining("max-age");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> SecurityPolicy.builder().httpsPort(0))
                .hasMessageContaining("httpsPort");
    }
}
