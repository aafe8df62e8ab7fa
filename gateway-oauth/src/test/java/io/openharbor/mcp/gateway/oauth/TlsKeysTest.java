package io.openharbor.mcp.gateway.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import io.openharbor.mcp.gateway.Authentication;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The issuer's metadata and JWKS over a real TLS handshake (a certificate of a private CA generated here): trusted
 * through {@code trustManager(...)}, refused (503, nothing accepted) without it.
 */
class TlsKeysTest {
    private static final String RESOURCE = OAuthResourceServerTest.RESOURCE;
    private final HeldCertificate ca = new HeldCertificate.Builder()
            .certificateAuthority(0)
            .commonName("Test Issuer CA")
            .build();
    private final HeldCertificate leaf = new HeldCertificate.Builder()
            .commonName("localhost")
            .addSubjectAlternativeName("localhost")
            .addSubjectAlternativeName("127.0.0.1")
            .signedBy(ca)
            .build();
    private final MockWebServer issuer = new MockWebServer();
    private RSAKey key;
    private String issuerUrl;
    private OAuthResourceServer oauth;

    @BeforeEach
    void start() throws Exception {
        key = Issuer.newKey();
        String jwks = new JWKSet(key.toPublicJWK()).toString();
        issuer.useHttps(new HandshakeCertificates.Builder()
                .heldCertificate(leaf, ca.certificate())
                .build()
                .sslSocketFactory());
        issuer.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                String body = path.endsWith("/jwks")
                        ? jwks
                        : path.equals("/.well-known/oauth-authorization-server/tenant")
                                ? "{\"issuer\":\"" + issuerUrl + "\",\"jwks_uri\":\"" + issuerUrl + "/jwks\"}"
                                : null;
                return body == null
                        ? new MockResponse.Builder().code(404).build()
                        : new MockResponse.Builder()
                                .addHeader("Content-Type", "application/json")
                                .body(body)
                                .build();
            }
        });
        issuer.start(InetAddress.getByName("127.0.0.1"), 0);
        issuerUrl = "https://127.0.0.1:" + issuer.getPort() + "/tenant";
    }

    @AfterEach
    void stop() {
        if (oauth != null) oauth.close();
        issuer.close();
    }

    private String token() throws Exception {
        return Issuer.signed(
                key,
                new com.nimbusds.jwt.JWTClaimsSet.Builder()
                        .issuer(issuerUrl)
                        .subject("alice")
                        .audience(RESOURCE)
                        .expirationTime(
                                java.util.Date.from(java.time.Instant.now().plusSeconds(600)))
                        .build());
    }

    @Test
    void discoveryAndKeysOverTlsWithTheIssuersPrivateCa() throws Exception {
        HandshakeCertificates trust = new HandshakeCertificates.Builder()
                .addTrustedCertificate(ca.certificate())
                .build();
        oauth = OAuthResourceServer.builder(URI.create(RESOURCE))
                .issuer(URI.create(issuerUrl))
                .trustManager(trust.trustManager())
                .build();
        Authentication a = oauth.authenticate(Requests.bearer(token()));
        assertThat(a.identity()).as(a.toString()).isEqualTo("alice");
        assertThat(oauth.jwksFetches()).isEqualTo(1);
        assertThat(issuer.getRequestCount()).as("metadata, then JWKS").isEqualTo(2);
    }

    @Test
    void anIssuerWhoseCertificateIsNotTrustedIsNeverBelieved() throws Exception {
        oauth = OAuthResourceServer.builder(URI.create(RESOURCE))
                .issuer(URI.create(issuerUrl))
                .timeout(Duration.ofSeconds(2))
                .build(); // the JVM's roots: the private CA is not among them
        Authentication a = oauth.authenticate(Requests.bearer(token()));
        assertThat(a.status()).isEqualTo(503);
        assertThat(oauth.jwksFetches()).isZero();
    }
}
