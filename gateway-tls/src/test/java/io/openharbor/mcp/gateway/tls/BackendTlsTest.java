package io.openharbor.mcp.gateway.tls;

import static io.openharbor.mcp.gateway.tls.TlsFixtures.INIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.HealthReport;
import io.openharbor.mcp.gateway.TlsPolicy;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Protocol;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Real TLS handshakes between the gateway and MockWebServer backends, with certificates generated per test. */
class BackendTlsTest {
    private static final String OK = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"tools\":[]}}";

    @TempDir
    Path dir;

    private final HeldCertificate ca = TlsFixtures.ca("Test CA");
    private final HeldCertificate backendCert = TlsFixtures.leaf("backend", ca);
    private MockWebServer backend;
    private final TlsFixtures.Recorder recorder = new TlsFixtures.Recorder();

    @BeforeEach
    void start() throws Exception {
        backend = new MockWebServer();
        backend.useHttps(new HandshakeCertificates.Builder()
                .heldCertificate(backendCert, ca.certificate())
                .build()
                .sslSocketFactory());
        backend.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    }

    @AfterEach
    void stop() throws Exception {
        backend.close();
    }

    /** Replaces the backend with one serving {@code leaf} (and its issuers' certificates). */
    private void restartBackend(HeldCertificate leaf, HeldCertificate... issuers) throws Exception {
        java.security.cert.X509Certificate[] chain = new java.security.cert.X509Certificate[issuers.length];
        for (int i = 0; i < issuers.length; i++) {
            chain[i] = issuers[i].certificate();
        }
        restartBackend(new HandshakeCertificates.Builder()
                .heldCertificate(leaf, chain)
                .build()
                .sslSocketFactory());
    }

    private void restartBackend(javax.net.ssl.SSLSocketFactory tls) throws Exception {
        backend.close();
        backend = new MockWebServer();
        backend.useHttps(tls);
        backend.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    }

    private String url() {
        return "https://127.0.0.1:" + backend.getPort() + "/mcp";
    }

    private HttpResponse<String> call(TlsPolicy tls) throws Exception {
        try (TlsFixtures.Host host =
                new TlsFixtures.Host(TlsFixtures.gateway(url(), tls, recorder).build())) {
            return host.post(INIT);
        }
    }

    private static MockResponse ok() {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .body(OK)
                .build();
    }

    private Path caPem() throws Exception {
        return TlsFixtures.write(dir.resolve("ca.pem"), ca.certificatePem());
    }

    @Test
    void spkiPinOfTheCaOrTheLeafIsAccepted() throws Exception {
        for (String pin : List.of(
                Fingerprints.spkiSha256(ca.certificate()), Fingerprints.spkiSha256(backendCert.certificate()))) {
            backend.enqueue(ok());
            HttpResponse<String> r =
                    call(BackendTls.builder().trustPem(caPem()).pins(pin).build());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo(OK);
        }
        assertThat(backend.getRequestCount()).isEqualTo(2);
    }

    @Test
    void wrongPinFailsTheHandshakeBeforeAnyByteReachesTheBackend() throws Exception {
        HeldCertificate other = TlsFixtures.ca("Other CA");
        backend.enqueue(ok());
        HttpResponse<String> r = call(BackendTls.builder()
                .trustPem(caPem())
                .pins(Fingerprints.spkiSha256(other.certificate()))
                .build());

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(r.body())
                .contains("\"error\"")
                .contains("backend TLS verification failed")
                .doesNotContain("sha256/")
                .doesNotContain("Exception");
        assertThat(backend.getRequestCount()).isZero();
        // What the gateway logs: the pins the backend presented, leaf and CA, and the pin that was configured.
        String logged = recorder.failure(0).toString(); // waits: requestEnd may come just after the answer
        assertThat(recorder.failures).hasSize(1);
        assertThat(logged)
                .contains("Certificate pinning failure!")
                .contains(Fingerprints.spkiSha256(backendCert.certificate()) + ": CN=backend")
                .contains(Fingerprints.spkiSha256(ca.certificate()) + ": CN=Test CA")
                .contains(Fingerprints.sha256Thumbprint(backendCert.certificate()))
                .contains("Pinned certificates for 127.0.0.1:\n    " + Fingerprints.spkiSha256(other.certificate()));
    }

    @Test
    void aRefusedHandshakeIsABackendFailureForHealthChecksAndOutlierDetection() throws Exception {
        String wrongPin = Fingerprints.spkiSha256(TlsFixtures.ca("Other CA").certificate());
        java.util.concurrent.CountDownLatch down = new java.util.concurrent.CountDownLatch(1);
        java.util.List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
        TlsFixtures.Recorder listener = new TlsFixtures.Recorder() {
            @Override
            public void healthChanged(Backend backend, boolean healthy, String reason) {
                if (!healthy) {
                    reasons.add(reason);
                    down.countDown();
                }
            }
        };
        BackendTls tls = BackendTls.builder().trustPem(caPem()).pins(wrongPin).build();
        io.openharbor.mcp.gateway.Gateway gateway = io.openharbor.mcp.gateway.Gateway.builder()
                .pool(io.openharbor.mcp.gateway.BackendPool.builder("p")
                        .backend(Backend.builder("pinned", URI.create(url()))
                                .tlsPolicy(tls)
                                .build())
                        .build()) // default HTTP health checks: the first one runs at start
                .listener(listener)
                .build();
        try (TlsFixtures.Host host = new TlsFixtures.Host(gateway)) {
            assertThat(down.await(20, TimeUnit.SECONDS))
                    .as("health check failed")
                    .isTrue();
            assertThat(reasons.get(0)).contains("Certificate pinning failure!");
            HttpResponse<String> r = host.post(INIT); // in panic (the only backend is down): it still goes, and fails
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(gateway.health().backends().get(0).consecutiveFailures()).isEqualTo(1);
        }
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void aPinOfACertificateTheBackendMerelySendsAlongDoesNotCount() throws Exception {
        // The backend appends an unrelated certificate to its chain; pinning it must not make the chain acceptable.
        HeldCertificate stray = TlsFixtures.ca("Stray");
        X509Certificate[] chain = {backendCert.certificate(), ca.certificate(), stray.certificate()};
        javax.net.ssl.X509ExtendedKeyManager km = new javax.net.ssl.X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String t, java.security.Principal[] i) {
                return null;
            }

            @Override
            public String chooseClientAlias(String[] t, java.security.Principal[] i, java.net.Socket s) {
                return null;
            }

            @Override
            public String[] getServerAliases(String t, java.security.Principal[] i) {
                return new String[] {"k"};
            }

            @Override
            public String chooseServerAlias(String t, java.security.Principal[] i, java.net.Socket s) {
                return "k";
            }

            @Override
            public String chooseEngineServerAlias(String t, java.security.Principal[] i, javax.net.ssl.SSLEngine e) {
                return "k";
            }

            @Override
            public X509Certificate[] getCertificateChain(String a) {
                return chain.clone();
            }

            @Override
            public java.security.PrivateKey getPrivateKey(String a) {
                return backendCert.keyPair().getPrivate();
            }
        };
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(new javax.net.ssl.KeyManager[] {km}, null, null);
        restartBackend(ctx.getSocketFactory());
        backend.enqueue(ok());

        HttpResponse<String> r = call(BackendTls.builder()
                .trustPem(caPem())
                .pins(Fingerprints.spkiSha256(stray.certificate()))
                .build());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(backend.getRequestCount()).isZero();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "sha256-upper",
                "sha256-lower",
                "sha256-colons",
                "sha256-spaces",
                "sha1-upper",
                "sha1-lower-colons"
            })
    void thumbprintsMatchInEverySpelling(String spelling) throws Exception {
        X509Certificate leaf = backendCert.certificate();
        String hex =
                spelling.startsWith("sha256") ? Fingerprints.sha256Thumbprint(leaf) : Fingerprints.sha1Thumbprint(leaf);

        String configured = switch (spelling) {
            case "sha256-lower" -> hex.toLowerCase(Locale.ROOT);
            case "sha256-colons" -> hex.replaceAll("(..)(?!$)", "$1:");
            case "sha256-spaces" -> hex.replaceAll("(....)(?!$)", "$1 ");
            case "sha1-lower-colons" -> hex.toLowerCase(Locale.ROOT).replaceAll("(..)(?!$)", "$1:");
            default -> hex;
        };
        backend.enqueue(ok());
        // Validation on (chain to the test CA) and the thumbprint must match too, as in the seed.
        assertThat(call(BackendTls.builder()
                                .trustPem(caPem())
                                .allowedThumbprints(configured)
                                .build())
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aThumbprintOfAnotherCertificateIsRefusedEvenWithAValidChain() throws Exception {
        HeldCertificate sibling = TlsFixtures.leaf("sibling", ca);
        backend.enqueue(ok());
        HttpResponse<String> r = call(BackendTls.builder()
                .trustPem(caPem())
                .allowedThumbprints(Fingerprints.sha256Thumbprint(sibling.certificate()))
                .build());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(backend.getRequestCount()).isZero();
        assertThat(recorder.failure(0).toString())
                .contains("thumbprint SHA-256 " + Fingerprints.sha256Thumbprint(sibling.certificate()));
    }

    @Test
    void selfSignedBackendWithValidationOffIsAcceptedOnlyByItsThumbprint() throws Exception {
        // Self-signed, and named for another host: the seed's ValidateCertificate=false + thumbprint case.
        HeldCertificate selfSigned = new HeldCertificate.Builder()
                .commonName("legacy.internal")
                .addSubjectAlternativeName("legacy.internal")
                .build();
        restartBackend(selfSigned);

        backend.enqueue(ok());
        assertThat(call(BackendTls.of(false, List.of(Fingerprints.sha1Thumbprint(selfSigned.certificate()))))
                        .statusCode())
                .isEqualTo(200);

        // The same backend with validation on: untrusted chain.
        backend.enqueue(ok());
        assertThat(call(BackendTls.of(true, List.of(Fingerprints.sha1Thumbprint(selfSigned.certificate()))))
                        .statusCode())
                .isEqualTo(502);
        assertThat(recorder.failure(0).toString()).contains("PKIX");
        // Validation off with someone else's thumbprint.
        backend.enqueue(ok());
        assertThat(call(BackendTls.of(false, List.of(Fingerprints.sha1Thumbprint(backendCert.certificate()))))
                        .statusCode())
                .isEqualTo(502);
        assertThat(backend.getRequestCount()).isEqualTo(1);
    }

    @Test
    void theHealthReportShowsThePinnedCertificateWhenValidationIsOff() throws Exception {
        // The seed's self-signed case: /health must show the leaf, so that its expiry warning can fire.
        HeldCertificate selfSigned = new HeldCertificate.Builder()
                .commonName("legacy.internal")
                .addSubjectAlternativeName("legacy.internal")
                .duration(10, java.util.concurrent.TimeUnit.DAYS)
                .build();
        restartBackend(selfSigned);
        for (TlsPolicy tls : List.of(
                BackendTls.of(false, List.of(Fingerprints.sha256Thumbprint(selfSigned.certificate()))),
                BackendTls.builder()
                        .validateCertificate(false)
                        .pins(Fingerprints.spkiSha256(selfSigned.certificate()))
                        .build())) {
            backend.enqueue(ok());
            try (TlsFixtures.Host host = new TlsFixtures.Host(
                    TlsFixtures.gateway(url(), tls, recorder).build())) {
                assertThat(host.post(INIT).statusCode()).isEqualTo(200);
                io.openharbor.mcp.gateway.HealthReport.CertificateInfo info =
                        host.gateway.health().backends().get(0).certificate();
                assertThat(info).as("certificate in /health").isNotNull();
                assertThat(info.subject()).isEqualTo("CN=legacy.internal");
                assertThat(info.daysLeft()).isBetween(8L, 10L);
            }
        }
    }

    @Test
    void validationOffWithoutAnyPinIsAStartUpErrorNeverTrustAll() {
        assertThatThrownBy(() -> BackendTls.of(false, List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("never");
        assertThatThrownBy(() -> BackendTls.builder().validateCertificate(false).build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void expiredCertificateIsRefusedWithValidationOnAndOff() throws Exception {
        long now = System.currentTimeMillis();
        HeldCertificate expired = TlsFixtures.leaf("expired")
                .signedBy(ca)
                .validityInterval(now - TimeUnit.DAYS.toMillis(30), now - TimeUnit.DAYS.toMillis(1))
                .build();
        restartBackend(expired, ca);
        backend.enqueue(ok());

        assertThat(call(BackendTls.builder().trustPem(caPem()).build()).statusCode())
                .isEqualTo(502);
        assertThat(recorder.failure(0).toString()).containsIgnoringCase("expired");
        assertThat(call(BackendTls.of(false, List.of(Fingerprints.sha256Thumbprint(expired.certificate()))))
                        .statusCode())
                .isEqualTo(502);
        assertThat(recorder.failure(1).toString()).containsIgnoringCase("expired");
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void systemRootsDoNotTrustAPrivateCa() throws Exception {
        backend.enqueue(ok());
        assertThat(call(TlsPolicy.system()).statusCode()).isEqualTo(502);
        assertThat(call(BackendTls.builder().build()).statusCode()).isEqualTo(502);
        assertThat(backend.getRequestCount()).isZero();
        // ...and a custom CA added to them does.
        assertThat(call(BackendTls.builder()
                                .trustPem(caPem())
                                .includeSystemRoots(true)
                                .build())
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void hostNameIsVerifiedWhenValidationIsOn() throws Exception {
        HeldCertificate wrongName = new HeldCertificate.Builder()
                .commonName("elsewhere")
                .addSubjectAlternativeName("elsewhere.example")
                .signedBy(ca)
                .build();
        restartBackend(wrongName, ca);
        backend.enqueue(ok());
        HttpResponse<String> r = call(BackendTls.builder().trustPem(caPem()).build());
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("backend TLS verification failed");
        assertThat(backend.getRequestCount()).isZero();
    }

    @Test
    void trustFromPkcs12AndJks() throws Exception {
        char[] pw = "changeit".toCharArray();
        java.security.KeyStore jks = java.security.KeyStore.getInstance("JKS");
        jks.load(null, null);
        jks.setCertificateEntry("ca", ca.certificate());
        Path jksFile = dir.resolve("trust.jks");
        try (var out = java.nio.file.Files.newOutputStream(jksFile)) {
            jks.store(out, pw);
        }
        java.security.KeyStore p12 = java.security.KeyStore.getInstance("PKCS12");
        p12.load(null, null);
        p12.setCertificateEntry("ca", ca.certificate());
        Path p12File = dir.resolve("trust.p12");
        try (var out = java.nio.file.Files.newOutputStream(p12File)) {
            p12.store(out, pw);
        }
        backend.enqueue(ok());
        backend.enqueue(ok());
        assertThat(call(BackendTls.builder().trustJks(jksFile, pw).build()).statusCode())
                .isEqualTo(200);
        assertThat(call(BackendTls.builder().trustPkcs12(p12File, pw).build()).statusCode())
                .isEqualTo(200);
        assertThatThrownBy(() -> BackendTls.builder()
                        .trustPkcs12(p12File, "wrong".toCharArray())
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(p12File.toString());
    }

    @Test
    void socketsOfThePolicySendSniAndOnlyTls13And12() throws Exception {
        // The JDK sends SNI for DNS names with a dot (not for IP literals or "localhost"), and resolving such a name
        // to loopback needs DNS; so the policy's socket factory is driven by hand, as OkHttp drives it.
        HeldCertificate named = TlsFixtures.leaf("named")
                .addSubjectAlternativeName("backend.test")
                .signedBy(ca)
                .build();
        restartBackend(named, ca);
        backend.enqueue(ok());
        BackendTls tls = BackendTls.builder().trustPem(caPem()).build();
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", backend.getPort());
                javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket)
                        tls.socketFactory().createSocket(raw, "backend.test", backend.getPort(), true)) {
            raw.setSoTimeout(10_000);
            assertThat(socket.getEnabledProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
            socket.startHandshake();
            socket.getOutputStream()
                    .write("GET /mcp HTTP/1.1\r\nHost: backend.test\r\nConnection: close\r\n\r\n"
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(
                                    socket.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII))
                            .readLine())
                    .isEqualTo("HTTP/1.1 200 OK");
        }
        assertThat(backend.takeRequest().getHandshakeServerNames()).containsExactly("backend.test");
    }

    @Test
    void http2IsNegotiatedThroughAlpn() throws Exception {
        backend.setProtocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
        backend.enqueue(ok());
        assertThat(call(BackendTls.builder().trustPem(caPem()).build()).statusCode())
                .isEqualTo(200);
        assertThat(backend.takeRequest().getVersion()).isEqualTo("HTTP/2");
    }

    @Test
    void backendCertificateExpiryIsReportedAndWarnedOnce() throws Exception {
        long now = System.currentTimeMillis();
        HeldCertificate soon = TlsFixtures.leaf("soon")
                .signedBy(ca)
                .validityInterval(now - 1000, now + TimeUnit.DAYS.toMillis(10) + TimeUnit.HOURS.toMillis(1))
                .build();
        restartBackend(soon, ca);
        backend.enqueue(ok());
        backend.enqueue(ok());
        try (TlsFixtures.Host host = new TlsFixtures.Host(TlsFixtures.gateway(
                        url(), BackendTls.builder().trustPem(caPem()).build(), recorder)
                .build())) {
            assertThat(host.gateway.health().backends().get(0).certificate()).isNull(); // no handshake yet
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
            HealthReport.CertificateInfo info =
                    host.gateway.health().backends().get(0).certificate();
            assertThat(info.subject()).isEqualTo("CN=soon");
            assertThat(info.daysLeft()).isEqualTo(10);
            assertThat(info.notAfter())
                    .isEqualTo(soon.certificate().getNotAfter().toInstant());
            assertThat(host.gateway.health().toJson())
                    .contains("\"certificate\":{\"subject\":\"CN=soon\"")
                    .contains("\"daysLeft\":10");
        }
        assertThat(recorder.expiring).containsExactly("backend:tls-backend:10");

        // A certificate with a year left: reported, not warned; a threshold of 400 days warns about it.
        recorder.expiring.clear();
        backend.enqueue(ok());
        try (TlsFixtures.Host host = new TlsFixtures.Host(TlsFixtures.gateway(
                        url(), BackendTls.builder().trustPem(caPem()).build(), recorder)
                .build())) {
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
        }
        assertThat(recorder.expiring).containsExactly("backend:tls-backend:10"); // same cert (the backend's)
        recorder.expiring.clear();
        HeldCertificate year = TlsFixtures.leaf("year")
                .signedBy(ca)
                .duration(365, TimeUnit.DAYS)
                .build();
        restartBackend(year, ca);
        backend.enqueue(ok());
        backend.enqueue(ok());
        try (TlsFixtures.Host host = new TlsFixtures.Host(TlsFixtures.gateway(
                        url(), BackendTls.builder().trustPem(caPem()).build(), recorder)
                .build())) {
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
            assertThat(host.gateway.health().backends().get(0).certificate().daysLeft())
                    .isBetween(364L, 365L);
        }
        assertThat(recorder.expiring).isEmpty();
        try (TlsFixtures.Host host = new TlsFixtures.Host(TlsFixtures.gateway(
                        url(), BackendTls.builder().trustPem(caPem()).build(), recorder)
                .certificateExpiryWarning(Duration.ofDays(400))
                .build())) {
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
        }
        assertThat(recorder.expiring).hasSize(1);
    }

    @Test
    void aTlsPolicyOnAPlainHttpUrlIsRefused() {
        BackendTls tls = BackendTls.builder().build();
        assertThatThrownBy(() -> Backend.builder("b", URI.create("http://127.0.0.1:1/mcp"))
                        .tlsPolicy(tls)
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("plaintext");
    }
}
