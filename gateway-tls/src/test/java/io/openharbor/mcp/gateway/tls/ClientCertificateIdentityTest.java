package io.openharbor.mcp.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsServer;
import io.openharbor.mcp.gateway.Authentication;
import io.openharbor.mcp.gateway.Authenticator;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS as a caller identity: the host's HTTPS listener ({@link ServerTls}, client certificates wanted) hands the
 * verified chain to the gateway, and an {@link Authenticator} of a few lines turns the leaf's subject into the caller.
 */
class ClientCertificateIdentityTest {
    @TempDir
    Path dir;

    private final HeldCertificate serverCa = TlsFixtures.ca("Server CA");
    private final HeldCertificate callerCa = TlsFixtures.ca("Caller CA");
    private final MockWebServer backend = new MockWebServer();
    private HttpsServer server;
    private ExecutorService executor;
    private Gateway gateway;

    @AfterEach
    void stop() {
        if (server != null) server.stop(0);
        if (executor != null) executor.shutdownNow();
        if (gateway != null) gateway.close();
        backend.close();
    }

    @Test
    void theVerifiedClientCertificateBecomesTheCaller() throws Exception {
        backend.start(InetAddress.getByName("127.0.0.1"), 0);
        for (int i = 0; i < 2; i++) {
            backend.enqueue(new MockResponse.Builder()
                    .addHeader("Content-Type", "application/json")
                    .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}")
                    .build());
        }
        HeldCertificate leaf = TlsFixtures.leaf("gateway", serverCa);
        ServerTls tls = ServerTls.builder()
                .certificatePem(
                        TlsFixtures.writeChain(dir.resolve("tls.crt"), leaf, serverCa),
                        TlsFixtures.write(dir.resolve("tls.key"), leaf.privateKeyPkcs8Pem()))
                .clientAuth(ClientAuth.WANT)
                .clientTrustPem(TlsFixtures.write(dir.resolve("callers.pem"), callerCa.certificatePem()))
                .build();
        List<String> identities = new java.util.concurrent.CopyOnWriteArrayList<>();
        Authenticator byCertificate = request -> {
            List<X509Certificate> chain = request.clientCertificates();
            if (chain.isEmpty()) {
                return Authentication.unauthorized("Bearer realm=\"mtls\"", "a client certificate is required");
            }
            String subject = chain.get(0).getSubjectX500Principal().getName();
            identities.add(subject);
            return Authentication.success(subject);
        };
        gateway = TlsFixtures.gateway(
                        "http://127.0.0.1:" + backend.getPort() + "/mcp",
                        null,
                        new io.openharbor.mcp.gateway.GatewayListener() {})
                .authenticator(byCertificate)
                .build();
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(tls.httpsConfigurator());
        server.createContext("/mcp", new GatewayHttpHandler(gateway));
        executor = Gateway.newRequestExecutor("mtls-host-");
        server.setExecutor(executor);
        server.start();
        String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/mcp";

        HeldCertificate alice = TlsFixtures.leaf("alice", callerCa);
        try (Response r = post(url, alice)) {
            assertThat(r.code()).isEqualTo(200);
            assertThat(r.header("Strict-Transport-Security"))
                    .as("HSTS on HTTPS answers")
                    .startsWith("max-age=");
        }
        try (Response r = post(url, null)) {
            assertThat(r.code()).isEqualTo(401);
            assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"mtls\"");
        }
        assertThat(identities).containsExactly("CN=alice");
        assertThat(backend.getRequestCount()).isEqualTo(1);
    }

    private Response post(String url, HeldCertificate clientCertificate) throws Exception {
        HandshakeCertificates.Builder hb =
                new HandshakeCertificates.Builder().addTrustedCertificate(serverCa.certificate());
        if (clientCertificate != null) {
            hb.heldCertificate(clientCertificate);
        }
        HandshakeCertificates hc = hb.build();
        OkHttpClient client = new OkHttpClient.Builder()
                .sslSocketFactory(hc.sslSocketFactory(), hc.trustManager())
                .callTimeout(Duration.ofSeconds(10))
                .build();
        Response r = client.newCall(new Request.Builder()
                        .url(url)
                        .header("Accept", "application/json, text/event-stream")
                        .post(RequestBody.create(
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
                                MediaType.get("application/json")))
                        .build())
                .execute();
        r.peekBody(1 << 16); // read before the client is dropped
        client.dispatcher().executorService().shutdown();
        return r;
    }
}
