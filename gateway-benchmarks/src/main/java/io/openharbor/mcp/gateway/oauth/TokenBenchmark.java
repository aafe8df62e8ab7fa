package io.openharbor.mcp.gateway.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.ApiKeys;
import io.openharbor.mcp.gateway.Authentication;
import io.openharbor.mcp.gateway.GatewayRequest;
import io.openharbor.mcp.gateway.testing.FakeRequest;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What checking one request's bearer JWT costs ({@link OAuthResourceServer#authenticate}: header, parse, signature,
 * claims), with the issuer's keys held (fetched once in setup from a JWKS served on 127.0.0.1), against an API key's
 * check as the baseline. {@code bash bench/jmh.sh TokenBenchmark -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TokenBenchmark {
    private static final String RESOURCE = "http://127.0.0.1:8080/mcp";

    @Param({"RS256", "ES256"})
    public String algorithm;

    private HttpServer jwks;
    private OAuthResourceServer oauth;
    private OAuthResourceServer uncached;
    private ApiKeys apiKeys;
    private GatewayRequest bearer;
    private GatewayRequest apiKey;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        JWK key = algorithm.equals("RS256")
                ? new RSAKeyGenerator(2048).keyID("k1").generate()
                : new ECKeyGenerator(Curve.P_256).keyID("k1").generate();
        JWSSigner signer =
                algorithm.equals("RS256") ? new RSASSASigner(key.toRSAKey()) : new ECDSASigner(key.toECKey());
        byte[] set = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks", ex -> {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, set.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(set);
            }
        });
        jwks.start();
        String issuer = "http://127.0.0.1:" + jwks.getAddress().getPort() + "/issuer";
        OAuthResourceServer.Builder b = OAuthResourceServer.builder(URI.create(RESOURCE))
                .issuer(URI.create(issuer))
                .jwksUri(URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks"))
                .requiredScopes(List.of("mcp:tools"));
        oauth = b.build();
        uncached = b.cache(Duration.ZERO, 100).build();
        String token = sign(signer, algorithm, issuer);
        bearer = FakeRequest.withHeader("Authorization", "Bearer " + token);
        for (OAuthResourceServer o : List.of(oauth, uncached)) {
            if (!o.authenticate(bearer).succeeded()) {
                throw new IllegalStateException("the benchmark's token is refused: " + o.authenticate(bearer));
            }
        }
        apiKeys = ApiKeys.builder().key("alice", "alice-0123456789abcdef").build();
        apiKey = FakeRequest.withHeader("X-API-Key", "alice-0123456789abcdef");
    }

    private static String sign(JWSSigner signer, String algorithm, String issuer) throws JOSEException {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.parse(algorithm)).keyID("k1").build(),
                new JWTClaimsSet.Builder()
                        .issuer(issuer)
                        .subject("alice")
                        .audience(RESOURCE)
                        .claim("scope", "openid mcp:tools")
                        .claim("client_id", "inspector")
                        .issueTime(Date.from(now))
                        .expirationTime(Date.from(now.plusSeconds(86_400)))
                        .build());
        jwt.sign(signer);
        return jwt.serialize();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        oauth.close();
        uncached.close();
        jwks.stop(0);
    }

    /** A session's second and later requests: the token's verdict is cached (the default). */
    @Benchmark
    public Authentication bearerJwtCached() {
        return oauth.authenticate(bearer);
    }

    /** Every request verified from scratch (signature and claims): the cache turned off, or a token's first use. */
    @Benchmark
    public Authentication bearerJwtVerified() {
        return uncached.authenticate(bearer);
    }

    @Benchmark
    public Authentication apiKeyBaseline() {
        return apiKeys.authenticate(apiKey);
    }
}
