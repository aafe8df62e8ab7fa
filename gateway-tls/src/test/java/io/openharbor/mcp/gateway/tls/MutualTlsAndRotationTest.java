package io.openharbor.mcp.gateway.tls;

import static io.openharbor.mcp.gateway.tls.TlsFixtures.INIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openharbor.mcp.gateway.testing.FakeTicker;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client certificates towards backends, protocol versions, and rotation of backend-side files without a restart. */
class MutualTlsAndRotationTest {
    private static final String OK = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}";

    @TempDir
    Path dir;

    private final HeldCertificate ca = TlsFixtures.ca("Backend CA");
    private final HeldCertificate clientCa = TlsFixtures.ca("Client CA");
    private final HeldCertificate backendCert = TlsFixtures.leaf("backend", ca);
    private final TlsFixtures.Recorder recorder = new TlsFixtures.Recorder();
    private MockWebServer backend;

    @AfterEach
    void stop() throws Exception {
        if (backend != null) {
            backend.close();
        }
    }

    private void startBackend(HandshakeCertificates certs, boolean requireClientAuth, SSLSocketFactory wrap)
            throws IOException {
        backend = new MockWebServer();
        // HTTP/1.1: the tests close the connection after each answer to force new handshakes; over HTTP/2 a request
        // can race the GOAWAY onto the closing connection and be refused (REFUSED_STREAM).
        backend.setProtocols(java.util.List.of(okhttp3.Protocol.HTTP_1_1));
        backend.useHttps(wrap != null ? wrap : certs.sslSocketFactory());
        if (requireClientAuth) {
            backend.requireClientAuth();
        }
        backend.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    private String url() {
        return "https://127.0.0.1:" + backend.getPort() + "/mcp";
    }

    /**
     * Each answer closes its connection (the header keeps OkHttp from pooling it, the shutdown makes sure), so the next
     * request makes a new handshake, with reloaded material.
     */
    private static MockResponse okAndClose() {
        return new MockResponse.Builder()
                .addHeader("Content-Type", "application/json")
                .addHeader("Connection", "close")
                .onResponseEnd(mockwebserver3.SocketEffect.ShutdownConnection.INSTANCE)
                .body(OK)
                .build();
    }

    private Path caPem() throws IOException {
        return TlsFixtures.write(dir.resolve("ca.pem"), ca.certificatePem());
    }

    private HandshakeCertificates mtlsBackend() {
        return new HandshakeCertificates.Builder()
                .heldCertificate(backendCert, ca.certificate())
                .addTrustedCertificate(clientCa.certificate())
                .build();
    }

    @Test
    void mtlsBackendIsServedWithTheClientCertificateAndRefusedWithout() throws Exception {
        startBackend(mtlsBackend(), true, null);
        HeldCertificate client = TlsFixtures.leaf("gateway-client", clientCa);
        Path crt = TlsFixtures.writeChain(dir.resolve("client.crt"), client, clientCa);
        Path key = TlsFixtures.write(dir.resolve("client.key"), client.privateKeyPkcs8Pem());

        backend.enqueue(okAndClose());
        BackendTls withCert = BackendTls.builder()
                .trustPem(caPem())
                .clientCertificatePem(crt, key)
                .build();
        try (TlsFixtures.Host host = new TlsFixtures.Host(
                TlsFixtures.gateway(url(), withCert, recorder).build())) {
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
        }
        RecordedRequest seen = backend.takeRequest();
        assertThat(seen.getHandshake().peerPrincipal().getName()).isEqualTo("CN=gateway-client");
        assertThat(withCert.clientCertificate())
                .get()
                .extracting(X509Certificate::getSubjectX500Principal)
                .hasToString("CN=gateway-client");

        // Without a client certificate. Over TLS 1.2 the refusal is part of the handshake: 502, TLS handshake failed.
        BackendTls without12 =
                BackendTls.builder().trustPem(caPem()).protocols("TLSv1.2").build();
        try (TlsFixtures.Host host = new TlsFixtures.Host(
                TlsFixtures.gateway(url(), without12, recorder).build())) {
            var r = host.post(INIT);
            assertThat(r.statusCode()).as(r.body() + recorder.failures).isEqualTo(502);
            assertThat(r.body()).contains("backend TLS handshake failed");
        }
        // Over TLS 1.3 the client's handshake completes before the server checks its certificate, so the refusal
        // arrives as a closed connection when the request is written: a backend failure (here 503, none left).
        BackendTls without13 = BackendTls.builder().trustPem(caPem()).build();
        try (TlsFixtures.Host host = new TlsFixtures.Host(
                TlsFixtures.gateway(url(), without13, recorder).build())) {
            var r = host.post(INIT);
            assertThat(r.statusCode()).as(r.body()).isIn(502, 503);
            assertThat(r.body()).contains("\"error\"");
        }
        assertThat(backend.getRequestCount()).isEqualTo(1);
    }

    @Test
    void clientCertificateFromPkcs12() throws Exception {
        startBackend(mtlsBackend(), true, null);
        HeldCertificate client = TlsFixtures.leaf("p12-client", clientCa);
        char[] pw = "secret".toCharArray();
        Path p12 = TlsFixtures.writePkcs12(dir.resolve("client.p12"), client, pw, clientCa);
        backend.enqueue(okAndClose());
        BackendTls tls = BackendTls.builder()
                .trustPem(caPem())
                .clientCertificatePkcs12(p12, pw)
                .build();
        try (TlsFixtures.Host host =
                new TlsFixtures.Host(TlsFixtures.gateway(url(), tls, recorder).build())) {
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
        }
        assertThat(backend.takeRequest().getHandshake().peerPrincipal().getName())
                .isEqualTo("CN=p12-client");
    }

    @Test
    void rotatedClientCertificateAndTrustArePickedUpWithoutRestart() throws Exception {
        startBackend(mtlsBackend(), true, null);
        HeldCertificate first = TlsFixtures.leaf("client-v1", clientCa);
        Path crt = TlsFixtures.writeChain(dir.resolve("client.crt"), first, clientCa);
        Path key = TlsFixtures.write(dir.resolve("client.key"), first.privateKeyPkcs8Pem());
        Path trust = caPem();
        FakeTicker ticker = new FakeTicker();
        BackendTls tls = BackendTls.builder()
                .trustPem(trust)
                .clientCertificatePem(crt, key)
                .reloadCheckInterval(java.time.Duration.ofSeconds(10))
                .ticker(ticker)
                .build();

        try (TlsFixtures.Host host =
                new TlsFixtures.Host(TlsFixtures.gateway(url(), tls, recorder).build())) {
            backend.enqueue(okAndClose());
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
            assertThat(backend.takeRequest().getHandshake().peerPrincipal().getName())
                    .isEqualTo("CN=client-v1");

            HeldCertificate second = TlsFixtures.leaf("client-v2", clientCa);
            TlsFixtures.writeChain(crt, second, clientCa);
            TlsFixtures.write(key, second.privateKeyPkcs8Pem());

            // Not yet due: the old certificate is still presented.
            backend.enqueue(okAndClose());
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
            assertThat(backend.takeRequest().getHandshake().peerPrincipal().getName())
                    .isEqualTo("CN=client-v1");

            ticker.advance(Duration.ofSeconds(10));
            backend.enqueue(okAndClose());
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
            assertThat(backend.takeRequest().getHandshake().peerPrincipal().getName())
                    .isEqualTo("CN=client-v2");

            // A broken new file is refused with a log line; the working certificate stays.
            TlsFixtures.write(key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
            ticker.advance(Duration.ofSeconds(10));
            assertThat(tls.reload()).isFalse();
            backend.enqueue(okAndClose());
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
            assertThat(backend.takeRequest().getHandshake().peerPrincipal().getName())
                    .isEqualTo("CN=client-v2");
        }
    }

    @Test
    void rotatedTrustAnchorsArePickedUpWithoutRestart() throws Exception {
        // The backend moves to a certificate from a new CA; the operator replaces the trust file.
        HeldCertificate newCa = TlsFixtures.ca("New CA");
        HeldCertificate newLeaf = TlsFixtures.leaf("backend-v2", newCa);
        startBackend(
                new HandshakeCertificates.Builder()
                        .heldCertificate(newLeaf, newCa.certificate())
                        .build(),
                false,
                null);
        Path trust = caPem();
        FakeTicker ticker = new FakeTicker();
        BackendTls tls = BackendTls.builder()
                .trustPem(trust)
                .reloadCheckInterval(java.time.Duration.ofSeconds(5))
                .ticker(ticker)
                .build();
        try (TlsFixtures.Host host =
                new TlsFixtures.Host(TlsFixtures.gateway(url(), tls, recorder).build())) {
            backend.enqueue(okAndClose());
            assertThat(host.post(INIT).statusCode()).isEqualTo(502); // old anchors: refused
            TlsFixtures.write(trust, newCa.certificatePem());
            ticker.advance(Duration.ofSeconds(5));
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aTls13OnlyPolicyRefusesATls12OnlyBackend() throws Exception {
        HandshakeCertificates certs = new HandshakeCertificates.Builder()
                .heldCertificate(backendCert, ca.certificate())
                .build();
        // The policy's own protocol-restricting factory, here on the server side.
        startBackend(certs, false, new Protocols.SocketFactory(certs::sslContext, List.of("TLSv1.2")));
        backend.enqueue(okAndClose());
        BackendTls only13 =
                BackendTls.builder().trustPem(caPem()).protocols("TLSv1.3").build();
        try (TlsFixtures.Host host = new TlsFixtures.Host(
                TlsFixtures.gateway(url(), only13, recorder).build())) {
            var r = host.post(INIT);
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("backend TLS handshake failed");
        }
        assertThat(backend.getRequestCount()).isZero();
        // The default (1.3 and 1.2) speaks to it.
        try (TlsFixtures.Host host = new TlsFixtures.Host(TlsFixtures.gateway(
                        url(), BackendTls.builder().trustPem(caPem()).build(), recorder)
                .build())) {
            assertThat(host.post(INIT).statusCode()).isEqualTo(200);
        }
        assertThat(backend.takeRequest().getHandshake().tlsVersion().javaName()).isEqualTo("TLSv1.2");
    }

    @Test
    void protocolsOlderThanTls12CannotBeConfigured() {
        assertThatThrownBy(() -> BackendTls.builder().protocols("TLSv1.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RFC 8996");
        assertThatThrownBy(() -> ServerTls.builder().protocols("TLSv1.3", "SSLv3"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(BackendTls.builder().build().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }
}
