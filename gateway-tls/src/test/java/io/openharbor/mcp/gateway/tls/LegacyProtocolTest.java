package io.openharbor.mcp.gateway.tls;

import static io.openharbor.mcp.gateway.tls.TlsFixtures.INIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backend that speaks only TLS 1.1 is refused. The JVM running the tests disables TLS 1.1 for everyone, so the
 * backend runs in a child JVM that re-enables it (a security properties file), next to a TLS 1.2 listener that proves
 * the child works.
 */
class LegacyProtocolTest {
    @TempDir
    Path dir;

    @Test
    void aTls11OnlyBackendIsRefusedAndATls12OneIsServed() throws Exception {
        HeldCertificate ca = TlsFixtures.ca("Legacy CA");
        HeldCertificate leaf = TlsFixtures.leaf("legacy").rsa2048().signedBy(ca).build();
        char[] pw = "legacy".toCharArray();
        Path keystore = TlsFixtures.writePkcs12(dir.resolve("legacy.p12"), leaf, pw, ca);
        Path security = dir.resolve("legacy.security");
        Files.writeString(
                security,
                "jdk.tls.disabledAlgorithms=SSLv3, RC4, DES, MD5withRSA, DH keySize < 1024, "
                        + "EC keySize < 224, 3DES_EDE_CBC, anon, NULL\n");
        Path source = dir.resolve("LegacyTlsServer.java");
        try (InputStream in = getClass().getResourceAsStream("/legacy-tls/LegacyTlsServer.java")) {
            Files.copy(in, source);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(
                        java,
                        "-Djava.security.properties=" + security,
                        source.toString(),
                        keystore.toString(),
                        new String(pw))
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String ports = CompletableFuture.supplyAsync(() -> {
                        try {
                            for (String line = out.readLine(); line != null; line = out.readLine()) {
                                if (line.startsWith("PORTS ")) {
                                    return line;
                                }
                            }
                            return null;
                        } catch (java.io.IOException e) {
                            return null;
                        }
                    })
                    .get(60, TimeUnit.SECONDS);
            assertThat(ports).as("the child JVM started its listeners").isNotNull();
            String[] p = ports.split(" ", -1);
            Path caPem = TlsFixtures.write(dir.resolve("ca.pem"), ca.certificatePem());
            TlsFixtures.Recorder recorder = new TlsFixtures.Recorder();

            HttpResponse<String> tls11 = post("https://127.0.0.1:" + p[1] + "/mcp", caPem, recorder);
            assertThat(tls11.statusCode()).isEqualTo(502);
            assertThat(tls11.body()).contains("backend TLS handshake failed");
            assertThat(recorder.failure(0).toString()).contains("protocol");

            HttpResponse<String> tls12 = post("https://127.0.0.1:" + p[2] + "/mcp", caPem, recorder);
            assertThat(tls12.statusCode()).isEqualTo(200);
            assertThat(tls12.body()).contains("\"result\"");
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static HttpResponse<String> post(String url, Path caPem, TlsFixtures.Recorder recorder) throws Exception {
        try (TlsFixtures.Host host = new TlsFixtures.Host(
                TlsFixtures.gateway(url, BackendTls.builder().trustPem(caPem).build(), recorder)
                        .build())) {
            return host.post(INIT);
        }
    }
}
