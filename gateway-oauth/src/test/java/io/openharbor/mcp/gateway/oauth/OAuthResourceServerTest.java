package io.openharbor.mcp.gateway.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.openharbor.mcp.gateway.Authentication;
import io.openharbor.mcp.gateway.ResourceMetadata;
import io.openharbor.mcp.gateway.testing.FakeTicker;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** JWT access tokens against a real authorization server (mock-oauth2-server on 127.0.0.1). */
class OAuthResourceServerTest {
    static final String RESOURCE = "http://127.0.0.1:8080/mcp";
    static final String METADATA =
            "resource_metadata=\"http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp\"";

    private Issuer issuer;
    private OAuthResourceServer oauth;
    private final FakeTicker ticker = new FakeTicker();
    private final TestClock clock = new TestClock();

    /** A wall clock the test moves by hand. */
    static final class TestClock extends Clock {
        volatile Instant now = Instant.now();

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @BeforeEach
    void start() throws Exception {
        issuer = new Issuer();
    }

    @AfterEach
    void stop() {
        if (oauth != null) oauth.close();
        issuer.close();
    }

    private OAuthResourceServer.Builder builder() {
        return OAuthResourceServer.builder(URI.create(RESOURCE))
                .issuer(issuer.issuer())
                .clock(clock)
                .ticker(ticker)
                .clockSkew(Duration.ofSeconds(30))
                .cache(Duration.ZERO, 100); // every call checks the token itself (VerdictCacheTest covers the cache)
    }

    private Authentication auth(String token) {
        return oauth.authenticate(Requests.bearer(token));
    }

    @Test
    void aTokenForThisResourceIsAcceptedAsItsSubject() {
        oauth = builder().build();
        Authentication a = auth(issuer.token("alice", RESOURCE, Map.of()));
        assertThat(a.succeeded()).as(a.toString()).isTrue();
        assertThat(a.identity()).isEqualTo("alice");
        assertThat(auth(issuer.token("bob", RESOURCE, Map.of())).identity()).isEqualTo("bob");
        assertThat(oauth.jwksFetches()).as("discovered and fetched once").isEqualTo(1);
        assertThat(oauth.credentialHeaders()).containsExactly("Authorization");
    }

    @Test
    void everyKindOfBadTokenGets401InvalidTokenWithTheMetadata() throws Exception {
        oauth = builder().build();
        String good = issuer.token("alice", RESOURCE, Map.of());
        assertThat(auth(good).succeeded()).isTrue();
        List<String> parts = List.of(good.split("\\.", -1));
        String payload = new String(Base64.getUrlDecoder().decode(parts.get(1)), StandardCharsets.UTF_8)
                .replace("\"alice\"", "\"mallory\"");
        String tampered = parts.get(0) + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "." + parts.get(2);
        RSAKey stranger = Issuer.newKey();
        JWTClaimsSet claims = issuer.claims("alice", RESOURCE).build();
        SignedJWT hmac = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        hmac.sign(new MACSigner(new byte[32]));
        Map<String, String> bad = Map.of(
                "another audience", issuer.token("alice", "https://other.example.com/mcp", Map.of()),
                "unknown key", Issuer.signed(stranger, claims),
                "alg none", new PlainJWT(claims).serialize(),
                "tampered payload", tampered,
                "HMAC", hmac.serialize(),
                "another issuer",
                        Issuer.signed(
                                issuer.keys.current.get(),
                                new JWTClaimsSet.Builder(claims)
                                        .issuer("https://evil.example.com")
                                        .build()),
                "no exp",
                        Issuer.signed(
                                issuer.keys.current.get(),
                                new JWTClaimsSet.Builder(claims)
                                        .expirationTime(null)
                                        .build()),
                "not a JWT", "abc.def.ghi");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Authentication a = auth(e.getValue());
            assertThat(a.status()).as(e.getKey()).isEqualTo(401);
            assertThat(a.challenge()).as(e.getKey()).isEqualTo("Bearer error=\"invalid_token\", " + METADATA);
            assertThat(a.message()).as(e.getKey()).isEqualTo("invalid token");
        }
    }

    @Test
    void expiryAndNotBeforeHonourTheClockSkewOfTheInjectedClock() throws Exception {
        oauth = builder().build();
        Instant now = clock.now;
        String token = Issuer.signed(
                issuer.keys.current.get(),
                issuer.claims("alice", RESOURCE)
                        .expirationTime(Date.from(now.plusSeconds(60)))
                        .notBeforeTime(Date.from(now.plusSeconds(20)))
                        .build());
        assertThat(auth(token).succeeded()).as("nbf 20 s ahead, skew 30 s").isTrue();
        clock.now = now.plusSeconds(89);
        assertThat(auth(token).succeeded()).as("expired 29 s ago, skew 30 s").isTrue();
        clock.now = now.plusSeconds(91);
        assertThat(auth(token).status()).isEqualTo(401);
        clock.now = now.minusSeconds(15);
        assertThat(auth(token).status()).as("nbf 35 s ahead").isEqualTo(401);
    }

    @Test
    void noTokenOrNotABearerGets401NamingTheMetadataAndTheScope() {
        oauth = builder().requiredScopes(List.of("mcp:tools")).build();
        Authentication none = oauth.authenticate(Requests.bearer(null));
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.challenge()).isEqualTo("Bearer " + METADATA + ", scope=\"mcp:tools\"");
        Authentication basic = oauth.authenticate(Requests.with(List.of("Basic YTpi")));
        assertThat(basic.challenge()).isEqualTo(none.challenge());
        Authentication two = oauth.authenticate(Requests.with(List.of("Bearer a", "Bearer b")));
        assertThat(two.challenge()).startsWith("Bearer error=\"invalid_request\"");
        assertThat(oauth.authenticate(Requests.with(List.of("Bearer a b"))).challenge())
                .startsWith("Bearer error=\"invalid_token\"");
        assertThat(oauth.jwksFetches())
                .as("nothing fetched for a request without a token")
                .isZero();
    }

    @Test
    void aTokenWithoutTheRequiredScopeGets403InsufficientScope() {
        oauth = builder().requiredScopes(List.of("mcp:tools", "mcp:read")).build();
        Authentication a = auth(issuer.token("alice", RESOURCE, Map.of("scope", "mcp:read")));
        assertThat(a.status()).isEqualTo(403);
        assertThat(a.challenge())
                .isEqualTo("Bearer error=\"insufficient_scope\", scope=\"mcp:tools mcp:read\", " + METADATA);
        assertThat(a.message()).isEqualTo("insufficient scope: needs mcp:tools mcp:read");
        assertThat(auth(issuer.token("alice", RESOURCE, Map.of("scope", "openid mcp:read mcp:tools")))
                        .identity())
                .isEqualTo("alice");
        assertThat(auth(issuer.token("alice", RESOURCE, Map.of("scp", List.of("mcp:read", "mcp:tools"))))
                        .identity())
                .as("scp as an array (Azure, Okta)")
                .isEqualTo("alice");
    }

    @Test
    void aRotatedKeyIsFetchedOnItsFirstTokenAndAFloodOfUnknownKidsCostsOneFetchPerInterval() throws Exception {
        oauth = builder().jwksRefreshInterval(Duration.ofSeconds(30)).build();
        assertThat(auth(issuer.token("alice", RESOURCE, Map.of())).succeeded()).isTrue();
        assertThat(oauth.jwksFetches()).isEqualTo(1);

        RSAKey stranger = Issuer.newKey();
        JWTClaimsSet claims = issuer.claims("mallory", RESOURCE).build();
        for (int i = 0; i < 500; i++) {
            RSAKey forged = new RSAKey.Builder(stranger)
                    .keyID(UUID.randomUUID().toString())
                    .build();
            assertThat(auth(Issuer.signed(forged, claims)).status()).isEqualTo(401);
            if (i % 100 == 99) ticker.advance(Duration.ofSeconds(10)); // 50 s in all
        }
        // fetched at 0 s (the first token) and at 30 s (an unknown kid, the interval past); not at 40 or 50 s
        assertThat(oauth.jwksFetches())
                .as("500 unknown kids over 50 s, one fetch per 30 s")
                .isEqualTo(2);

        ticker.advance(Duration.ofSeconds(30));
        issuer.rotate();
        String fresh = issuer.token("alice", RESOURCE, Map.of());
        assertThat(auth(fresh).identity())
                .as("new key fetched without a restart")
                .isEqualTo("alice");
        assertThat(oauth.jwksFetches()).isEqualTo(3);
        assertThat(auth(fresh).succeeded()).isTrue();
        assertThat(oauth.jwksFetches()).isEqualTo(3);
    }

    @Test
    void theIssuerOutOfReachBeforeAnyKeyIsHeldGives503AndIsTriedAgainAfterAFewSeconds() throws Exception {
        String token = issuer.token("alice", RESOURCE, Map.of());
        URI jwks = issuer.server.jwksUrl(Issuer.ID).uri();
        issuer.close();
        oauth = builder().jwksUri(jwks).timeout(Duration.ofSeconds(1)).build();
        Authentication down = auth(token);
        assertThat(down.status()).isEqualTo(503);
        assertThat(down.challenge()).isNull();
        assertThat(auth(token).status())
                .as("within the retry pause: no new attempt")
                .isEqualTo(503);
        assertThat(oauth.jwksFetches()).isZero();
    }

    @Test
    void knownKeysKeepWorkingWhileTheIssuerIsDown() throws Exception {
        oauth = builder().build();
        String token = issuer.token("alice", RESOURCE, Map.of());
        assertThat(auth(token).succeeded()).isTrue();
        issuer.close();
        ticker.advance(Duration.ofMinutes(11)); // past jwksMaxAge: a background refresh fails
        int before = oauth.jwksAttempts();
        for (int i = 0; i < 100; i++) {
            assertThat(auth(token).succeeded()).isTrue();
        }
        assertThat(oauth.jwksAttempts() - before)
                .as("100 requests on old keys with the issuer down: one background attempt per interval")
                .isEqualTo(1);
        ticker.advance(Duration.ofSeconds(31));
        assertThat(auth(token).succeeded()).isTrue();
        assertThat(oauth.jwksAttempts() - before).isEqualTo(2);
        RSAKey stranger = Issuer.newKey();
        assertThat(auth(Issuer.signed(stranger, issuer.claims("x", RESOURCE).build()))
                        .status())
                .as("unknown key while down: refused, not 503")
                .isEqualTo(401);
        assertThat(auth(token).succeeded()).isTrue();
    }

    @Test
    void theMetadataNamesTheResourceTheIssuerAndTheScopes() {
        oauth = builder()
                .requiredScopes(List.of("mcp:tools"))
                .resourceName("Gateway")
                .build();
        ResourceMetadata m = oauth.resourceMetadata().orElseThrow();
        assertThat(m.resource()).isEqualTo(URI.create(RESOURCE));
        assertThat(m.authorizationServers()).containsExactly(issuer.issuer());
        assertThat(m.toJson())
                .isEqualTo("{\"resource\":\"" + RESOURCE + "\",\"authorization_servers\":[\"" + issuer.issuer()
                        + "\"],\"scopes_supported\":[\"mcp:tools\"],\"bearer_methods_supported\":[\"header\"],"
                        + "\"resource_name\":\"Gateway\"}");
    }

    @Test
    void badSettingsAreRefusedWithTheReason() {
        URI r = URI.create(RESOURCE);
        assertThatThrownBy(() -> OAuthResourceServer.builder(r).build()).hasMessageContaining("issuer");
        assertThatThrownBy(() -> OAuthResourceServer.builder(URI.create("http://mcp.example.com/mcp")))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> OAuthResourceServer.builder(r).issuer(URI.create("http://login.example.com")))
                .hasMessageContaining("https");
        assertThatThrownBy(() -> OAuthResourceServer.builder(r).algorithms(List.of("HS256")))
                .hasMessageContaining("never accepted");
        assertThatThrownBy(() -> OAuthResourceServer.builder(r).algorithms(List.of("none")))
                .hasMessageContaining("never accepted");
        assertThatThrownBy(() -> OAuthResourceServer.builder(r).clockSkew(Duration.ofHours(1)))
                .hasMessageContaining("clockSkew");
        assertThatThrownBy(() -> OAuthResourceServer.builder(r).requiredScopes(List.of("a b")))
                .hasMessageContaining("scope");
    }

    @Test
    void discoveryTriesTheWellKnownLocationsInMcpOrder() {
        assertThat(AuthorizationServer.discoveryUrls("https://login.example.com/realms/mcp"))
                .containsExactly(
                        "https://login.example.com/.well-known/oauth-authorization-server/realms/mcp",
                        "https://login.example.com/.well-known/openid-configuration/realms/mcp",
                        "https://login.example.com/realms/mcp/.well-known/openid-configuration");
        assertThat(AuthorizationServer.discoveryUrls("https://login.example.com"))
                .containsExactly(
                        "https://login.example.com/.well-known/oauth-authorization-server",
                        "https://login.example.com/.well-known/openid-configuration");
    }
}
