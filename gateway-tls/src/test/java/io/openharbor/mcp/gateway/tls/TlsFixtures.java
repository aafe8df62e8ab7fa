package io.openharbor.mcp.gateway.tls;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.CircuitBreakerPolicy;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.GatewayListener;
import io.openharbor.mcp.gateway.GatewayRequest;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.LoadBalancer;
import io.openharbor.mcp.gateway.TlsPolicy;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.testing.GatewayLeakCheck;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import okhttp3.tls.HeldCertificate;

/** Certificates, files and a loopback gateway host for the TLS tests. */
final class TlsFixtures {
    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}";

    private TlsFixtures() {}

    static HeldCertificate ca(String name) {
        return new HeldCertificate.Builder()
                .certificateAuthority(0)
                .commonName(name)
                .rsa2048()
                .build();
    }

    static HeldCertificate.Builder leaf(String name) {
        return new HeldCertificate.Builder()
                .commonName(name)
                .addSubjectAlternativeName("127.0.0.1")
                .addSubjectAlternativeName("localhost");
    }

    static HeldCertificate leaf(String name, HeldCertificate issuer) {
        return leaf(name).signedBy(issuer).build();
    }

    /** Writes {@code text} to {@code file} the way Kubernetes updates a mounted secret: a new file renamed over. */
    static Path write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    static Path writeChain(Path file, HeldCertificate leaf, HeldCertificate... issuers) throws IOException {
        StringBuilder sb = new StringBuilder(leaf.certificatePem());
        for (HeldCertificate i : issuers) {
            sb.append(i.certificatePem());
        }
        return write(file, sb.toString());
    }

    static Path writePkcs12(Path file, HeldCertificate held, char[] password, HeldCertificate... issuers)
            throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        Certificate[] chain = new Certificate[1 + issuers.length];
        chain[0] = held.certificate();
        for (int i = 0; i < issuers.length; i++) {
            chain[i + 1] = issuers[i].certificate();
        }
        ks.setKeyEntry("key", held.keyPair().getPrivate(), password, chain);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            ks.store(out, password);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** A gateway over one backend with no health checks, breakers or retries in the way of what a test looks at. */
    static Gateway.Builder gateway(String url, TlsPolicy tls, GatewayListener listener) {
        Backend.Builder b = Backend.builder("tls-backend", URI.create(url));
        if (tls != null) {
            b.tlsPolicy(tls);
        }
        return Gateway.builder()
                .pool(BackendPool.builder("tls")
                        .backend(b.build())
                        .loadBalancer(LoadBalancer.roundRobin())
                        .healthCheck(HealthCheckPolicy.disabled())
                        .circuitBreaker(CircuitBreakerPolicy.disabled())
                        .build())
                .listener(listener)
                .healthPath(null);
    }

    /** Records how requests ended (status and failure, whose message is what the gateway logs). */
    static class Recorder extends GatewayListener {
        final List<Throwable> failures = new CopyOnWriteArrayList<>();
        final List<Integer> statuses = new CopyOnWriteArrayList<>();
        final List<String> expiring = new CopyOnWriteArrayList<>();

        @Override
        public synchronized void requestEnd(GatewayRequest request, int status, Duration elapsed, Throwable failure) {
            statuses.add(status);
            if (failure != null) {
                failures.add(failure);
            }
            notifyAll();
        }

        /**
         * The {@code i}-th failure, waiting for it: the client may read its answer a moment before the gateway reports
         * the end of the request. Bounded: 10 s.
         */
        synchronized Throwable failure(int i) throws InterruptedException {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (failures.size() <= i) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no failure #" + i + " was reported; statuses " + statuses);
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return failures.get(i);
        }

        @Override
        public void certificateExpiring(
                io.openharbor.mcp.gateway.HealthReport.CertificateInfo certificate, Backend backend) {
            expiring.add(
                    (backend == null ? "server:" : "backend:") + certificate.name() + ":" + certificate.daysLeft());
        }
    }

    /** A JDK HttpServer on 127.0.0.1:0 mounting the gateway at /mcp. */
    static final class Host implements AutoCloseable {
        final Gateway gateway;
        private final HttpServer server;
        private final ExecutorService executor;
        private final HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        Host(Gateway gateway) throws IOException {
            GatewayLeakCheck.watch(gateway);
            this.gateway = gateway;
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/mcp", new GatewayHttpHandler(gateway));
            this.executor = Gateway.newRequestExecutor("tls-test-host-");
            server.setExecutor(executor);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
        }

        HttpResponse<String> post(String json) throws Exception {
            HttpRequest r = HttpRequest.newBuilder(URI.create(url()))
                    .timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build();
            return client.send(r, HttpResponse.BodyHandlers.ofString());
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
            gateway.close();
        }
    }
}
