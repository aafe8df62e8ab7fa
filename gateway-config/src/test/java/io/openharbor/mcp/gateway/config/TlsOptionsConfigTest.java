package io.openharbor.mcp.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsServer;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.tls.Fingerprints;
import io.openharbor.mcp.gateway.tls.ServerTls;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's TlsOptions and our trust, pin and password keys, through real TLS handshakes on 127.0.0.1. */
class TlsOptionsConfigTest {
    @TempDir
    Path dir;

    private final Fixture fixture = new Fixture();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    /** An HTTPS MCP-ish backend with a certificate issued by {@code ca}; returns its port. */
    private int httpsBackend(HeldCertificate ca) throws Exception {
        HeldCertificate leaf = new HeldCertificate.Builder()
                .commonName("backend")
                .addSubjectAlternativeName("127.0.0.1")
                .signedBy(ca)
                .build();
        Path chain = Files.writeString(dir.resolve("backend.pem"), leaf.certificatePem() + ca.certificatePem());
        Path key = Files.writeString(dir.resolve("backend.key"), leaf.privateKeyPkcs8Pem());
        ServerTls tls = ServerTls.builder().certificatePem(chain, key).build();
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(tls.httpsConfigurator());
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] answer = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        });
        ExecutorService executor = Executors.newCachedThreadPool();
        server.setExecutor(executor);
        server.start();
        fixture.closeLater(() -> {
            server.stop(0);
            executor.shutdownNow();
        });
        return server.getAddress().getPort();
    }

    private int status(GatewayConfig config) throws Exception {
        Gateway gateway = fixture.closeLater(config.build());
        String host = fixture.host(() -> gateway);
        HttpRequest request = HttpRequest.newBuilder(URI.create(host + "/mcp"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"))
                .build();
        return HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private static GatewayConfig config(int port, String tlsOptions) {
        return GatewayConfig.loader()
                .environment(Map.of())
                .json("{ \"Gateway\": { \"BackendServers\": [ {"
                        + " \"Name\": \"secure\", \"Url\": \"https://127.0.0.1:" + port + "/mcp\", \"TlsOptions\": "
                        + tlsOptions + " } ], \"LoadBalancing\": { \"HealthCheck\": { \"Enabled\": false } } } }")
                .load();
    }

    @Test
    void trustStoreAndPinsFromTheFile() throws Exception {
        HeldCertificate ca = new HeldCertificate.Builder()
                .certificateAuthority(0)
                .commonName("internal-ca")
                .build();
        int port = httpsBackend(ca);
        Path trust = Files.writeString(dir.resolve("ca.pem"), ca.certificatePem());
        String pin = Fingerprints.spkiSha256(ca.certificate());

        assertThat(status(config(
                        port, "{ \"TrustStore\": { \"Path\": \"" + trust + "\" }, \"Pins\": [ \"" + pin + "\" ] }")))
                .isEqualTo(200);
        HeldCertificate other = new HeldCertificate.Builder()
                .certificateAuthority(0)
                .commonName("other")
                .build();
        assertThat(status(config(
                        port,
                        "{ \"TrustStore\": { \"Path\": \"" + trust + "\" }, \"Pins\": [ \""
                                + Fingerprints.spkiSha256(other.certificate()) + "\" ] }")))
                .as("pin mismatch")
                .isEqualTo(502);
        assertThat(status(config(port, "{ \"ValidateCertificate\": true }")))
                .as("not in the JVM's roots")
                .isEqualTo(502);
    }

    @Test
    void theSeedsThumbprintPinningWithValidationOff() throws Exception {
        HeldCertificate ca = new HeldCertificate.Builder()
                .certificateAuthority(0)
                .commonName("self")
                .build();
        int port = httpsBackend(ca);
        // the seed's ServerCertificateCustomValidationCallback: accept this exact leaf certificate
        Path pem = dir.resolve("backend.pem");
        java.security.cert.CertificateFactory cf = java.security.cert.CertificateFactory.getInstance("X.509");
        try (var in = Files.newInputStream(pem)) {
            var presented = (java.security.cert.X509Certificate) cf.generateCertificate(in);
            String thumbprint = Fingerprints.sha1Thumbprint(presented).toUpperCase(java.util.Locale.ROOT);
            assertThat(status(config(
                            port,
                            "{ \"ValidateCertificate\": false, \"AllowedCertificateThumbprints\": [ \"" + thumbprint
                                    + "\" ] }")))
                    .isEqualTo(200);
        }
        assertThat(status(config(
                        port,
                        "{ \"ValidateCertificate\": false, \"AllowedCertificateThumbprints\": [ \""
                                + "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678\" ] }")))
                .isEqualTo(502);
    }
}
