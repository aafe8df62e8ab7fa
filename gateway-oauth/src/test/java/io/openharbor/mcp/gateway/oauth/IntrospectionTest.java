package io.openharbor.mcp.gateway.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.openharbor.mcp.gateway.Authentication;
import io.openharbor.mcp.gateway.testing.FakeTicker;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Opaque tokens checked by RFC 7662 introspection at a real authorization server, and the cache of its answers. */
class IntrospectionTest {
    private static final String RESOURCE = OAuthResourceServerTest.RESOURCE;
    private Issuer issuer;
    private OAuthResourceServer oauth;
    private final FakeTicker ticker = new FakeTicker();

    @BeforeEach
    void start() throws Exception {
        issuer = new Issuer();
        oauth = OAuthResourceServer.builder(URI.create(RESOURCE))
                .issuer(issuer.issuer())
                .introspection("gateway", "gateway-secret")
                .cache(Duration.ofSeconds(60), 1000)
                .requiredScopes(List.of("mcp:tools"))
                .ticker(ticker)
                .build();
    }

    @AfterEach
    void stop() {
        oauth.close();
        issuer.close();
    }

    /** The requests the authorization server received since the last call, as method and path. */
    private List<RecordedRequest> drain() throws InterruptedException {
        List<RecordedRequest> seen = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            try {
                seen.add(issuer.server.takeRequest(50, TimeUnit.MILLISECONDS));
            } catch (RuntimeException none) { // the mock's way of saying its queue is empty
                break;
            }
        }
        return seen;
    }

    private long introspections(List<RecordedRequest> seen) {
        return seen.stream()
                .filter(r -> r.getPath() != null && r.getPath().endsWith("/introspect"))
                .count();
    }

    @Test
    void anActiveTokenIsAcceptedAndItsAnswerCachedUntilThePeriodEnds() throws Exception {
        String token = issuer.token("alice", RESOURCE, Map.of("scope", "mcp:tools"));
        drain();
        Authentication a = oauth.authenticate(Requests.bearer(token));
        assertThat(a.identity()).as(a.toString()).isEqualTo("alice");
        List<RecordedRequest> first = drain();
        assertThat(introspections(first)).isEqualTo(1);
        RecordedRequest introspect = first.stream()
                .filter(r -> r.getPath().endsWith("/introspect"))
                .findFirst()
                .orElseThrow();
        assertThat(introspect.getHeader("Authorization")).isEqualTo("Basic Z2F0ZXdheTpnYXRld2F5LXNlY3JldA==");
        assertThat(introspect.getBody().readUtf8())
                .contains("token_type_hint=access_token")
                .contains("token=");

        for (int i = 0; i < 5; i++) {
            assertThat(oauth.authenticate(Requests.bearer(token)).identity()).isEqualTo("alice");
        }
        assertThat(introspections(drain())).as("cached").isZero();
        ticker.advance(Duration.ofSeconds(61));
        assertThat(oauth.authenticate(Requests.bearer(token)).identity()).isEqualTo("alice");
        assertThat(introspections(drain())).as("asked again after the period").isEqualTo(1);
    }

    @Test
    void inactiveOrForeignTokensAreRefusedAndTheRefusalIsCachedBriefly() throws Exception {
        String foreign = issuer.token("alice", "https://other.example.com/mcp", Map.of("scope", "mcp:tools"));
        assertThat(oauth.authenticate(Requests.bearer(foreign)).challenge())
                .startsWith("Bearer error=\"invalid_token\"");
        assertThat(oauth.authenticate(Requests.bearer("opaque-garbage")).status())
                .isEqualTo(401);
        drain();
        assertThat(oauth.authenticate(Requests.bearer("opaque-garbage")).status())
                .isEqualTo(401);
        assertThat(introspections(drain())).as("the refusal is cached").isZero();
        ticker.advance(Duration.ofSeconds(11));
        assertThat(oauth.authenticate(Requests.bearer("opaque-garbage")).status())
                .isEqualTo(401);
        assertThat(introspections(drain())).isEqualTo(1);

        String unscoped = issuer.token("bob", RESOURCE, Map.of("scope", "openid"));
        assertThat(oauth.authenticate(Requests.bearer(unscoped)).status()).isEqualTo(403);
    }

    @Test
    void anUnreachableIssuerGives503AndNothingIsCached() {
        String token = issuer.token("alice", RESOURCE, Map.of("scope", "mcp:tools"));
        issuer.close();
        assertThat(oauth.authenticate(Requests.bearer(token)).status()).isEqualTo(503);
        assertThat(oauth.jwksFetches()).isZero();
    }
}
