package io.openharbor.mcp.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rediss://} with a password: a real redis-server on a TLS port with a certificate of a private CA generated
 * here; the limiter trusts the CA through {@code trustStore(...)}. Without the trust, or with a wrong password, Redis
 * counts as unavailable and the failure policy decides.
 */
class RedisTlsTest {
    @TempDir
    static Path dir;

    private static RedisProcess redis;
    private static Path trustStore;

    @BeforeAll
    static void start() throws Exception {
        HeldCertificate ca = new HeldCertificate.Builder()
                .certificateAuthority(0)
                .commonName("Redis Test CA")
                .rsa2048()
                .build();
        HeldCertificate leaf = new HeldCertificate.Builder()
                .commonName("127.0.0.1")
                .rsa2048()
                .addSubjectAlternativeName("127.0.0.1")
                .signedBy(ca)
                .build();
        Path cert = Files.writeString(dir.resolve("redis.crt"), leaf.certificatePem(), StandardCharsets.US_ASCII);
        Path key = Files.writeString(dir.resolve("redis.key"), leaf.privateKeyPkcs8Pem(), StandardCharsets.US_ASCII);
        Path caFile = Files.writeString(dir.resolve("ca.crt"), ca.certificatePem(), StandardCharsets.US_ASCII);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setCertificateEntry("ca", ca.certificate());
        trustStore = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(trustStore)) {
            store.store(out, "changeit".toCharArray());
        }
        redis = RedisProcess.start(List.of(
                "--tls-cert-file", cert.toString(),
                "--tls-key-file", key.toString(),
                "--tls-ca-cert-file", caFile.toString(),
                "--tls-auth-clients", "no",
                "--requirepass", "s3cret"));
    }

    @AfterAll
    static void stop() {
        if (redis != null) redis.close();
    }

    private static RedisRateLimits.Builder limits(List<String> events) {
        return RedisRateLimits.builder(redis.uri())
                .perCaller(100, 2)
                .timeout(Duration.ofSeconds(2)) // a TLS handshake on a busy 2-core machine, not a latency bound
                .failurePolicy(RedisRateLimits.FailurePolicy.FAIL_CLOSED)
                .listener(new RedisRateLimits.Listener() {
                    @Override
                    public void redisUnavailable(String reason) {
                        events.add("unavailable");
                    }
                });
    }

    @Test
    void overTlsWithThePrivateCaAndThePasswordTheLimitIsKeptInRedis() {
        List<String> events = new CopyOnWriteArrayList<>();
        try (RedisRateLimits l = limits(events)
                .trustStore(trustStore, "changeit")
                .credentials(null, "s3cret")
                .build()) {
            assertThat(l.acquire("alice", null)).isZero();
            assertThat(l.acquire("alice", null)).isZero();
            assertThat(l.acquire("alice", null))
                    .as("the burst of 2 is spent, in Redis")
                    .isPositive()
                    .isLessThan(Duration.ofSeconds(1));
            assertThat(events).isEmpty();
        }
    }

    @Test
    void anUntrustedCertificateOrAWrongPasswordIsUnavailableNotAdmitted() {
        List<String> untrusted = new CopyOnWriteArrayList<>();
        try (RedisRateLimits l = limits(untrusted).credentials(null, "s3cret").build()) {
            assertThat(l.acquire("bob", null)).as("fail closed").isEqualTo(Duration.ofSeconds(1));
            assertThat(untrusted).containsExactly("unavailable");
        }
        List<String> wrong = new CopyOnWriteArrayList<>();
        try (RedisRateLimits l = limits(wrong)
                .trustStore(trustStore, "changeit")
                .credentials(null, "not-it")
                .build()) {
            assertThat(l.acquire("carol", null)).isEqualTo(Duration.ofSeconds(1));
            assertThat(wrong).containsExactly("unavailable");
        }
    }
}
