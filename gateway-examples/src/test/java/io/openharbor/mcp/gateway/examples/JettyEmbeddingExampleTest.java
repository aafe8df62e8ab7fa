package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The gateway as a servlet in the host's Jetty, next to the host's own servlet: both serve. */
class JettyEmbeddingExampleTest {
    private DemoBackend one;
    private DemoBackend two;
    private Server jetty;

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) jetty.stop();
        if (one != null) one.close();
        if (two != null) two.close();
    }

    @Test
    void hostServletAndGatewayShareTheServer() throws Exception {
        one = DemoBackend.start("replica-1", 0, null);
        two = DemoBackend.start("replica-2", 0, null);
        jetty = JettyEmbeddingExample.start(0, one.url().toString(), two.url().toString());
        String base = "http://127.0.0.1:" + LoopbackJetty.port(jetty);

        HttpResponse<String> hello = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/api/hello")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(hello.body()).isEqualTo("hello from the host application");

        SdkClients.assertEchoes(base, null);
        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(base + "/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("replica-1", "replica-2");
    }
}
