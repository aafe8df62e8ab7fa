package io.openharbor.mcp.gateway.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.InetAddress;
import java.net.URI;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.http.MockWebServerWrapper;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.KeyProvider;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/**
 * A real authorization server in the test: {@code no.nav.security:mock-oauth2-server} on 127.0.0.1 (discovery, JWKS,
 * token and introspection endpoints), with a signing key the test can rotate.
 */
final class Issuer implements AutoCloseable {
    static final String ID = "mcp";

    /** The key the mock signs with and publishes; {@link #rotate()} replaces it. */
    static final class RotatingKeys extends KeyProvider {
        final AtomicReference<RSAKey> current;

        RotatingKeys(RSAKey first) {
            super(List.of(first), "RS256");
            this.current = new AtomicReference<>(first);
        }

        @Override
        public JWK signingKey(String issuerId) {
            return current.get();
        }

        @Override
        public List<JWK> get(JWKSelector selector, SecurityContext context) {
            return selector.select(new JWKSet(current.get())); // what the mock's introspection verifies with
        }
    }

    final RotatingKeys keys;
    final MockOAuth2Server server;

    Issuer() throws Exception {
        this.keys = new RotatingKeys(newKey());
        this.server = new MockOAuth2Server(new OAuth2Config(
                false, null, null, false, new OAuth2TokenProvider(keys), Set.of(), new MockWebServerWrapper(null)));
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    static RSAKey newKey() throws JOSEException {
        return new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate();
    }

    URI issuer() {
        return server.issuerUrl(ID).uri();
    }

    /** A token of the mock's own making for {@code audience}, with extra claims. */
    String token(String subject, String audience, Map<String, Object> claims) {
        return server.issueToken(
                        ID,
                        "gateway-client",
                        new DefaultOAuth2TokenCallback(ID, subject, "JWT", List.of(audience), claims, 3600))
                .serialize();
    }

    /** A token signed by {@code key} with exactly these claims (for forgeries the mock would not make). */
    static String signed(RSAKey key, JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    JWTClaimsSet.Builder claims(String subject, String audience) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer(issuer().toString())
                .subject(subject)
                .audience(audience)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(3600)));
    }

    /** The issuer starts signing with, and publishing, a new key; returns it. */
    RSAKey rotate() throws JOSEException {
        RSAKey next = newKey();
        keys.current.set(next);
        return next;
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
