package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway ({@code target/mcp-gateway.jar} and {@code target/lib/}) runs with {@code java -jar} alone, no
 * Maven: on the seed's configuration shape it serves HTTPS, and on {@code --help} and a bad flag it exits as documented.
 * Runs after {@code package} (failsafe), as a user runs the artifact.
 */
class RunnableJarIT {
    private static final Path JAR = Path.of("target/mcp-gateway.jar");
    private static final Pattern HTTPS = Pattern.compile("listening on (https://127\\.0\\.0\\.1:\\d+)/mcp");

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private DemoBackend backend;
    private DemoBackend other;

    @AfterEach
    void stop() throws Exception {
        for (Process p : started) {
            p.destroy();
            if (!p.waitFor(20, TimeUnit.SECONDS)) p.destroyForcibly();
        }
        if (backend != null) backend.close();
        if (other != null) other.close();
    }

    @Test
    void helpAndABadFlagExitAsDocumented() throws Exception {
        Process help = java("--help");
        assertThat(help.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(help.exitValue()).isZero();
        assertThat(new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .startsWith("Usage:");
        Process bad = java("--prot", "1");
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
    }

    @Test
    void theJarServesTheSeedConfigurationOverHttps() throws Exception {
        backend = DemoBackend.start("replica-1", 0, null);
        other = DemoBackend.start("replica-2", 0, null);
        HeldCertificate ca = new HeldCertificate.Builder()
                .certificateAuthority(0)
                .commonName("test CA")
                .build();
        HeldCertificate leaf = new HeldCertificate.Builder()
                .commonName("gateway")
                .addSubjectAlternativeName("127.0.0.1")
                .signedBy(ca)
                .build();
        Path pfx = dir.resolve("gateway.pfx");
        SeedSettings.writePfx(pfx, leaf, ca, "secret");
        Path settings = SeedSettings.write(
                dir.resolve("appsettings.Production.json"),
                pfx,
                backend.url().toString(),
                other.url().toString());
        ProcessBuilder pb = command("--config", settings.toString());
        pb.environment().put("KESTREL__CERTIFICATES__DEFAULT__PASSWORD", "secret");
        pb.environment().put("GATEWAY__SECURITY__APIKEY", "gateway-api-key");
        Process gateway = pb.start();
        started.add(gateway);

        // the line naming the HTTPS listener; the rest of its output is read on, so the gateway never blocks on it
        CompletableFuture<String> url = new CompletableFuture<>();
        Thread reader = new Thread(
                () -> {
                    StringBuilder seen = new StringBuilder();
                    try (BufferedReader r = new BufferedReader(
                            new InputStreamReader(gateway.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = r.readLine(); line != null; line = r.readLine()) {
                            if (seen.length() < 100_000) seen.append(line).append('\n');
                            Matcher m = HTTPS.matcher(line);
                            if (m.find()) url.complete(m.group(1));
                        }
                    } catch (java.io.IOException e) {
                        // the process ended
                    }
                    url.completeExceptionally(new IllegalStateException("no HTTPS listener announced:\n" + seen));
                },
                "gateway-output");
        reader.setDaemon(true);
        reader.start();
        String origin = url.get(60, TimeUnit.SECONDS);
        HttpClient client = HttpClient.newBuilder()
                .sslContext(new HandshakeCertificates.Builder()
                        .addTrustedCertificate(ca.certificate())
                        .build()
                        .sslContext())
                .build();
        HttpResponse<String> health = client.send(
                HttpRequest.newBuilder(URI.create(origin + "/health")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(health.body()).contains("\"name\":\"mcp-server-1\"");
    }

    private Process java(String... args) throws Exception {
        Process p = command(args).start();
        started.add(p);
        return p;
    }

    private static ProcessBuilder command(String... args) {
        assertThat(JAR).as("the packaged gateway (mvn package)").exists();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-jar");
        cmd.add(JAR.toString());
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true);
    }
}
