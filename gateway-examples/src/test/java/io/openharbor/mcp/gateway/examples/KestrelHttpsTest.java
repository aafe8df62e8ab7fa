package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's appsettings.Production.json as it is (Kestrel Http and Https endpoints, a PFX whose password comes from
 * KESTREL__CERTIFICATES__DEFAULT__PASSWORD, Http1AndHttp2, RequireHttps), its URLs pointed at 127.0.0.1 and two MCP
 * SDK servers, its certificate generated here: every listener it describes is served, over real TLS handshakes.
 */
class KestrelHttpsTest {
    private static final String PASSWORD = "ProductionSecurePassword";
    private static final String API_KEY = "gateway-api-key";

    @TempDir
    Path dir;

    private final HeldCertificate ca = new HeldCertificate.Builder()
            .certificateAuthority(0)
            .commonName("test CA")
            .build();
    private final SSLContext trusting = new HandshakeCertificates.Builder()
            .addTrustedCertificate(ca.certificate())
            .build()
            .sslContext();
    private DemoBackend one;
    private DemoBackend two;
    private DemoMain.Running demo;

    @BeforeEach
    void backends() throws Exception {
        one = DemoBackend.start("replica-1", 0, null);
        two = DemoBackend.start("replica-2", 0, null);
    }

    @AfterEach
    void stop() throws Exception {
        if (demo != null) demo.close();
        if (one != null) one.close();
        if (two != null) two.close();
    }

    @Test
    void theSeedsEndpointsServeMcpOverHttpsRedirectHttpAndSpeakHttp2() throws Exception {
        Path pfx = dir.resolve("gateway.pfx");
        writePfx(pfx, leaf("gateway-1"), PASSWORD);
        demo = DemoMain.fromConfig(seed(pfx, ""), null, environment());
        String https = demo.httpsUrl();
        String http = demo.url();
        assertThat(https).startsWith("https://127.0.0.1:");
        assertThat(http).startsWith("http://127.0.0.1:");

        // the official MCP SDK client, over HTTPS (its HttpClient negotiates HTTP/2 by ALPN)
        SdkClients.assertEchoes(https.replace("/mcp", ""), API_KEY, null, trusting);

        // plain-HTTP MCP requests go to the HTTPS port: 308, method and body kept
        HttpClient plain = HttpClient.newHttpClient();
        HttpResponse<String> redirected = plain.send(initialize(http).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(redirected.statusCode()).isEqualTo(308);
        assertThat(redirected.headers().firstValue("Location")).hasValue(https);
        assertThat(redirected.headers().firstValue("Strict-Transport-Security")).isEmpty();
        HttpResponse<String> plainHealth = plain.send(
                HttpRequest.newBuilder(URI.create(http.replace("/mcp", "/health")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(plainHealth.statusCode()).as("/health on plain HTTP too").isEqualTo(200);

        // /health over HTTPS, by HTTP/2 when the client offers it and HTTP/1.1 when it does not; HSTS on the answers
        for (HttpClient.Version v : List.of(HttpClient.Version.HTTP_2, HttpClient.Version.HTTP_1_1)) {
            HttpClient client =
                    HttpClient.newBuilder().sslContext(trusting).version(v).build();
            HttpResponse<String> health = client.send(
                    HttpRequest.newBuilder(URI.create(https.replace("/mcp", "/health")))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.version()).isEqualTo(v);
            assertThat(health.body())
                    .contains("\"name\":\"mcp-server-1\"", "\"name\":\"mcp-server-2\"")
                    .contains("\"name\":\"Kestrel:Endpoints:Https\",\"subject\":\"CN=gateway-1\""); // expiry watched
            assertThat(health.headers().firstValue("Strict-Transport-Security"))
                    .hasValue("max-age=31536000; includeSubDomains");
            HttpResponse<String> mcp = client.send(initialize(https).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(mcp.statusCode()).isEqualTo(200);
            assertThat(mcp.version()).isEqualTo(v);
        }
    }

    @Test
    void onlyTls12AndTls13AreServed() throws Exception {
        Path pfx = dir.resolve("gateway.pfx");
        writePfx(pfx, leaf("gateway-1"), PASSWORD);
        demo = DemoMain.fromConfig(seed(pfx, ""), null, environment());
        int port = URI.create(demo.httpsUrl()).getPort();
        // openssl offers exactly the version asked for, at a security level that allows TLS 1.1 on its side
        assertThat(opensslHandshake(port, "-tls1_3")).as("TLS 1.3").contains("New, TLSv1.3, Cipher is");
        assertThat(opensslHandshake(port, "-tls1_2")).as("TLS 1.2").contains("New, TLSv1.2, Cipher is");
        assertThat(opensslHandshake(port, "-tls1_1"))
                .as("a TLS 1.1-only client")
                .doesNotContain("New, TLSv1.1")
                .contains("New, (NONE), Cipher is (NONE)");
    }

    @Test
    void replacingThePfxSwitchesTheCertificateWithoutARestart() throws Exception {
        Path pfx = dir.resolve("gateway.pfx");
        writePfx(pfx, leaf("gateway-1"), PASSWORD);
        demo = DemoMain.fromConfig(seed(pfx, ""), null, environment());
        int port = URI.create(demo.httpsUrl()).getPort();
        assertThat(servedName(port)).contains("CN=gateway-1");

        Path next = dir.resolve("gateway.pfx.new");
        writePfx(next, leaf("gateway-2"), PASSWORD);
        Files.move(next, pfx, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // the file is looked at when a handshake arrives and a check is due (Gateway:Reload:CheckInterval, 100 ms)
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> servedName(port).contains("CN=gateway-2"));
        SdkClients.assertEchoes(demo.httpsUrl().replace("/mcp", ""), API_KEY, null, trusting);
    }

    @Test
    void pemFilesServeAsWellAsAPfx() throws Exception {
        HeldCertificate leaf = leaf("gateway-pem");
        Path cert = dir.resolve("gateway.crt");
        Path key = dir.resolve("gateway.key");
        Files.writeString(cert, leaf.certificatePem() + ca.certificatePem());
        Files.writeString(key, leaf.privateKeyPkcs8Pem());
        String file = Files.readString(seed(dir.resolve("unused.pfx"), ""))
                .replace("\"Password\": \"\"", "\"KeyPath\": \"" + json(key) + "\"");
        Path settings = dir.resolve("pem.json");
        Files.writeString(settings, file.replace(json(dir.resolve("unused.pfx")), json(cert)));
        demo = DemoMain.fromConfig(settings, null, environment());
        assertThat(servedName(URI.create(demo.httpsUrl()).getPort())).contains("CN=gateway-pem");
        SdkClients.assertEchoes(demo.httpsUrl().replace("/mcp", ""), API_KEY, null, trusting);
    }

    @Test
    void anHttpsOnlyFileServesHttpsAloneAndRefusesAPlainHttpPort() throws Exception {
        Path pfx = dir.resolve("gateway.pfx");
        writePfx(pfx, leaf("gateway-1"), PASSWORD);
        Path settings = dir.resolve("https-only.json");
        // the seed's "Gateway as Primary TLS Termination": an Https endpoint only
        Files.writeString(
                settings,
                Files.readString(seed(pfx, "")).replace("\"Http\": {\n\"Url\": \"http://127.0.0.1:0\"\n},\n", ""));
        assertThat(Files.readString(settings)).doesNotContain("http://127.0.0.1:0");
        assertThatThrownBy(() -> DemoMain.fromConfig(settings, 0, environment()))
                .isInstanceOf(DemoMain.SettingsException.class)
                .hasMessageContaining("--port/GATEWAY_PORT sets the plain-HTTP listener's port");
        demo = DemoMain.fromConfig(settings, null, environment());
        assertThat(demo.httpsUrl()).isEqualTo(demo.url()).startsWith("https://127.0.0.1:");
        SdkClients.assertEchoes(demo.url().replace("/mcp", ""), API_KEY, null, trusting);
    }

    @Test
    void aWrongPasswordStopsStartUpNamingTheFileAndTheFix() throws Exception {
        Path pfx = dir.resolve("gateway.pfx");
        writePfx(pfx, leaf("gateway-1"), "another password");
        Path settings = seed(pfx, "");
        assertThatThrownBy(() -> DemoMain.fromConfig(settings, null, environment()))
                .isInstanceOf(DemoMain.SettingsException.class)
                .hasMessageContaining(pfx.toString())
                .hasMessageContaining("the password is wrong")
                .hasMessageContaining("KESTREL__CERTIFICATES__DEFAULT__PASSWORD")
                .hasMessageContaining("openssl pkcs12 -info -in " + pfx);
        String[] run = DemoRuns.refused(environment(), "--config", settings.toString());
        assertThat(run[0]).isEqualTo("2");
        assertThat(run[1])
                .contains("the password is wrong")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void aMissingCertificateStopsStartUpNamingTheFileAndTheFix() throws Exception {
        Path pfx = dir.resolve("nowhere/gateway.pfx");
        Path settings = seed(pfx, "");
        String[] run = DemoRuns.refused(environment(), "--config", settings.toString());
        assertThat(run[0]).isEqualTo("2");
        assertThat(run[1])
                .contains("Kestrel:Endpoints:Https")
                .contains(pfx.toString())
                .contains("does not exist")
                .contains("KESTREL__ENDPOINTS__HTTPS__CERTIFICATE__PATH")
                .doesNotContain("Exception")
                .doesNotContain("\tat ");
    }

    @Test
    void aFileThatIsNotAPfxStopsStartUpSayingSo() throws Exception {
        Path pfx = dir.resolve("gateway.pfx");
        Files.writeString(pfx, leaf("gateway-1").certificatePem()); // a PEM certificate named .pfx
        assertThatThrownBy(() -> DemoMain.fromConfig(seed(pfx, ""), null, environment()))
                .isInstanceOf(DemoMain.SettingsException.class)
                .hasMessageContaining(pfx.toString())
                .hasMessageContaining("not a PKCS#12 (PFX) file");
    }

    @Test
    void kestrelSettingsThatCannotBeServedAreRefusedByName() throws Exception {
        Path pfx = dir.resolve("gateway.pfx");
        writePfx(pfx, leaf("gateway-1"), PASSWORD);
        String file = Files.readString(seed(pfx, ""))
                .replace(
                        "\"Protocols\": \"Http1AndHttp2\"",
                        "\"Protocols\": \"Http1AndHttp2\", \"SslProtocols\": [\"Tls11\", \"Tls12\"]");
        Path settings = dir.resolve("tls11.json");
        Files.writeString(settings, file);
        assertThatThrownBy(() -> DemoMain.fromConfig(settings, null, environment()))
                .isInstanceOf(DemoMain.SettingsException.class)
                .hasMessageContaining("Kestrel:Endpoints:Https:SslProtocols: 'Tls11' is not served");
    }

    // ---- helpers ----

    private Path seed(Path pfx, String suffix) throws IOException {
        return SeedSettings.write(
                dir.resolve("appsettings.Production" + suffix + ".json"),
                pfx,
                one.url().toString(),
                two.url().toString());
    }

    private static String json(Path p) {
        return SeedSettings.json(p);
    }

    private static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("KESTREL__CERTIFICATES__DEFAULT__PASSWORD", PASSWORD); // the seed's documented variable
        env.put("GATEWAY__SECURITY__APIKEY", API_KEY);
        env.put("GATEWAY__RELOAD__CHECKINTERVAL", "00:00:00.100");
        return env;
    }

    private HeldCertificate leaf(String name) {
        return new HeldCertificate.Builder()
                .commonName(name)
                .addSubjectAlternativeName("127.0.0.1")
                .addSubjectAlternativeName("localhost")
                .signedBy(ca)
                .build();
    }

    private void writePfx(Path file, HeldCertificate leaf, String password) throws Exception {
        SeedSettings.writePfx(file, leaf, ca, password);
    }

    /** An MCP {@code initialize} POST to {@code url}. */
    private static HttpRequest.Builder initialize(String url) {
        return HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("X-API-Key", API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\","
                        + "\"params\":{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"test\",\"version\":\"1\"}}}"));
    }

    /** The subject of the certificate a fresh handshake with 127.0.0.1:{@code port} is given. */
    private String servedName(int port) throws IOException {
        try (SSLSocket s =
                (SSLSocket) trusting.getSocketFactory().createSocket(InetAddress.getByName("127.0.0.1"), port)) {
            s.setSoTimeout(5000);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal()
                    .getName();
        }
    }

    /** What {@code openssl s_client} prints for a handshake at exactly one protocol version. */
    private static String opensslHandshake(int port, String version) throws Exception {
        Process p = new ProcessBuilder(
                        "openssl",
                        "s_client",
                        "-connect",
                        "127.0.0.1:" + port,
                        version,
                        "-cipher",
                        "DEFAULT:@SECLEVEL=0")
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close(); // no input: the handshake, then EOF
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("openssl s_client " + version + " did not finish");
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
