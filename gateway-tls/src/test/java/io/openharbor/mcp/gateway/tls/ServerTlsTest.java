package io.openharbor.mcp.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsServer;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthReport;
import io.openharbor.mcp.gateway.testing.FakeTicker;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's HTTPS listener: the JDK HttpsServer served by {@link ServerTls}, rotation, client certificates. */
class ServerTlsTest {
    @TempDir
    Path dir;

    private final HeldCertificate ca = TlsFixtures.ca("Server CA");
    private HttpsServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String start(ServerTls tls) throws IOException {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(tls.httpsConfigurator());
        server.createContext("/", exchange -> {
            byte[] body = "hello".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return "https://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** A fresh client per call: a new connection, so a new handshake. */
    private String servedCertificate(String url, HeldCertificate clientCert) throws IOException {
        HandshakeCertificates.Builder hb = new HandshakeCertificates.Builder().addTrustedCertificate(ca.certificate());
        if (clientCert != null) {
            hb.heldCertificate(clientCert);
        }
        HandshakeCertificates hc = hb.build();
        OkHttpClient client = new OkHttpClient.Builder()
                .sslSocketFactory(hc.sslSocketFactory(), hc.trustManager())
                .callTimeout(Duration.ofSeconds(10))
                .build();
        try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
            assertThat(r.body().string()).isEqualTo("hello");
            return r.handshake().peerPrincipal().getName();
        } finally {
            client.connectionPool().evictAll();
            client.dispatcher().executorService().shutdown();
        }
    }

    @Test
    void pemCertificateIsServedAndRotatedWithoutRestart() throws Exception {
        HeldCertificate v1 = TlsFixtures.leaf("server-v1", ca);
        Path crt = TlsFixtures.writeChain(dir.resolve("tls.crt"), v1, ca);
        Path key = TlsFixtures.write(dir.resolve("tls.key"), v1.privateKeyPkcs8Pem());
        FakeTicker ticker = new FakeTicker();
        ServerTls tls = ServerTls.builder()
                .certificatePem(crt, key)
                .ticker(ticker)
                .reloadCheckInterval(Duration.ofSeconds(10))
                .build();
        String url = start(tls);
        assertThat(servedCertificate(url, null)).isEqualTo("CN=server-v1");

        HeldCertificate v2 = TlsFixtures.leaf("server-v2", ca);
        TlsFixtures.writeChain(crt, v2, ca);
        TlsFixtures.write(key, v2.privateKeyPkcs8Pem());
        assertThat(servedCertificate(url, null)).isEqualTo("CN=server-v1"); // check not due yet
        ticker.advance(Duration.ofSeconds(10));
        assertThat(servedCertificate(url, null)).isEqualTo("CN=server-v2");
        assertThat(tls.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=server-v2");

        // A key that does not belong to the new certificate is refused; the running pair stays.
        HeldCertificate v3 = TlsFixtures.leaf("server-v3", ca);
        TlsFixtures.writeChain(crt, v3, ca);
        ticker.advance(Duration.ofSeconds(10));
        assertThat(tls.reload()).isFalse();
        assertThat(servedCertificate(url, null)).isEqualTo("CN=server-v2");
    }

    @Test
    void pkcs12CertificateIsServed() throws Exception {
        char[] pw = "pfx-password".toCharArray();
        HeldCertificate leaf = TlsFixtures.leaf("pfx-server", ca);
        Path pfx = TlsFixtures.writePkcs12(dir.resolve("gateway.pfx"), leaf, pw, ca);
        assertThat(servedCertificate(start(ServerTls.builder().pkcs12(pfx, pw).build()), null))
                .isEqualTo("CN=pfx-server");
        assertThatThrownBy(() ->
                        ServerTls.builder().pkcs12(pfx, "nope".toCharArray()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway.pfx");
    }

    @Test
    void clientCertificatesAreRequiredWithNeed() throws Exception {
        HeldCertificate leaf = TlsFixtures.leaf("mtls-server", ca);
        HeldCertificate callerCa = TlsFixtures.ca("Caller CA");
        HeldCertificate caller = TlsFixtures.leaf("caller", callerCa);
        HeldCertificate stranger = TlsFixtures.leaf("stranger", TlsFixtures.ca("Unknown CA"));
        Path crt = TlsFixtures.writeChain(dir.resolve("tls.crt"), leaf, ca);
        Path key = TlsFixtures.write(dir.resolve("tls.key"), leaf.privateKeyPkcs8Pem());
        Path callers = TlsFixtures.write(dir.resolve("callers.pem"), callerCa.certificatePem());
        String url = start(ServerTls.builder()
                .certificatePem(crt, key)
                .clientAuth(ClientAuth.NEED)
                .clientTrustPem(callers)
                .build());

        assertThat(servedCertificate(url, caller)).isEqualTo("CN=mtls-server");
        assertThatThrownBy(() -> servedCertificate(url, null)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> servedCertificate(url, stranger)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> ServerTls.builder()
                        .certificatePem(crt, key)
                        .clientAuth(ClientAuth.NEED)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clientTrustPem");
    }

    @Test
    void badFilesFailAtStartUpWithTheFileAndTheFix() throws Exception {
        HeldCertificate leaf = TlsFixtures.leaf("s").rsa2048().signedBy(ca).build();
        Path crt = TlsFixtures.writeChain(dir.resolve("tls.crt"), leaf);
        Path pkcs1 = TlsFixtures.write(dir.resolve("rsa.key"), leaf.privateKeyPkcs1Pem());
        assertThatThrownBy(() -> ServerTls.builder().certificatePem(crt, pkcs1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("openssl pkcs8 -topk8");
        Path other = TlsFixtures.write(
                dir.resolve("other.key"), TlsFixtures.leaf("x", ca).privateKeyPkcs8Pem());
        assertThatThrownBy(() -> ServerTls.builder().certificatePem(crt, other).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong");
        assertThatThrownBy(() -> ServerTls.builder()
                        .certificatePem(dir.resolve("missing.crt"), other)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing.crt");
        Path notPem = TlsFixtures.write(dir.resolve("junk.crt"), "not a certificate");
        assertThatThrownBy(
                        () -> ServerTls.builder().certificatePem(notPem, other).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("junk.crt");
    }

    @Test
    void encryptedPkcs8KeyIsRead() throws Exception {
        HeldCertificate leaf = TlsFixtures.leaf("enc", ca);
        char[] pw = "key-password".toCharArray();
        Path crt = TlsFixtures.writeChain(dir.resolve("tls.crt"), leaf, ca);
        Path key = TlsFixtures.write(dir.resolve("tls.key"), encryptedPem(leaf, pw));
        assertThat(servedCertificate(
                        start(ServerTls.builder().certificatePem(crt, key, pw).build()), null))
                .isEqualTo("CN=enc");
        assertThatThrownBy(() -> ServerTls.builder()
                        .certificatePem(crt, key, "wrong".toCharArray())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("decrypt");
    }

    /** What {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes: PBES2 with PBKDF2-HMAC-SHA256 and AES-256. */
    private static String encryptedPem(HeldCertificate leaf, char[] pw) throws Exception {
        String alg = "PBEWithHmacSHA256AndAES_256";
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        javax.crypto.spec.PBEParameterSpec spec = new javax.crypto.spec.PBEParameterSpec(
                salt, 10_000, new javax.crypto.spec.IvParameterSpec(new byte[16]));
        javax.crypto.SecretKey k =
                javax.crypto.SecretKeyFactory.getInstance(alg).generateSecret(new javax.crypto.spec.PBEKeySpec(pw));
        javax.crypto.Cipher cipher = javax.crypto.Cipher.getInstance(alg);
        cipher.init(javax.crypto.Cipher.ENCRYPT_MODE, k, spec);
        byte[] encrypted = cipher.doFinal(leaf.keyPair().getPrivate().getEncoded());
        java.security.AlgorithmParameters pbes2 = java.security.AlgorithmParameters.getInstance("PBES2");
        pbes2.init(cipher.getParameters().getEncoded());
        javax.crypto.EncryptedPrivateKeyInfo info = new javax.crypto.EncryptedPrivateKeyInfo(pbes2, encrypted);
        return "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(info.getEncoded())
                + "\n-----END ENCRYPTED PRIVATE KEY-----\n";
    }

    @Test
    void serverCertificateExpiryIsInTheHealthReportAndWarnedAtStartUp() throws Exception {
        long now = System.currentTimeMillis();
        HeldCertificate soon = TlsFixtures.leaf("gateway.example")
                .signedBy(ca)
                .validityInterval(now - 1000, now + TimeUnit.DAYS.toMillis(5) + TimeUnit.HOURS.toMillis(1))
                .build();
        Path crt = TlsFixtures.writeChain(dir.resolve("tls.crt"), soon, ca);
        Path key = TlsFixtures.write(dir.resolve("tls.key"), soon.privateKeyPkcs8Pem());
        ServerTls tls = ServerTls.builder().certificatePem(crt, key).build();
        TlsFixtures.Recorder recorder = new TlsFixtures.Recorder();
        try (Gateway gateway = TlsFixtures.gateway("http://127.0.0.1:9/mcp", null, recorder)
                .serverCertificate("https-listener", tls::certificate)
                .build()) {
            assertThat(recorder.expiring).containsExactly("server:https-listener:5");
            HealthReport report = gateway.health();
            assertThat(report.certificates()).singleElement().satisfies(c -> {
                assertThat(c.name()).isEqualTo("https-listener");
                assertThat(c.subject()).isEqualTo("CN=gateway.example");
                assertThat(c.daysLeft()).isEqualTo(5);
            });
            assertThat(report.toJson())
                    .contains("\"certificates\":[{\"name\":\"https-listener\","
                            + "\"subject\":\"CN=gateway.example\",\"notAfter\":\"");
            gateway.health();
            assertThat(recorder.expiring).hasSize(1); // once per certificate
        }
    }
}
