package io.openharbor.mcp.gateway.jpmstest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The gateway's jars are named modules on the module path and work there: a request through it, and /health. */
class ModulePathTest {

    @Test
    void gatewayRunsAsNamedModules() throws Exception {
        assertEquals(
                "io.openharbor.mcp.gateway.jpmstest",
                ModulePathTest.class.getModule().getName(),
                "the test itself runs in the application module");
        assertEquals(
                "[io.openharbor.mcp.gateway, io.openharbor.mcp.gateway.tls, io.openharbor.mcp.gateway.config]",
                Arrays.toString(Arrays.stream(ModularHost.gatewayModules())
                        .map(Module::getName)
                        .toArray()));
        Module core = ModularHost.gatewayModules()[0];
        assertTrue(core.getDescriptor() != null && !core.getDescriptor().isAutomatic(), "core has its own descriptor");
        assertEquals(
                "[io.openharbor.mcp.gateway, io.openharbor.mcp.gateway.jdk, io.openharbor.mcp.gateway.servlet]",
                core.getDescriptor().exports().stream()
                        .map(e -> e.source())
                        .sorted()
                        .toList()
                        .toString(),
                "core exports the API and the two adapters, nothing else");

        try (ModularHost host = ModularHost.start()) {
            HttpURLConnection post = open(host.url() + "/mcp");
            post.setRequestMethod("POST");
            post.setRequestProperty("Content-Type", "application/json");
            post.setRequestProperty("Accept", "application/json, text/event-stream");
            post.setDoOutput(true);
            try (OutputStream out = post.getOutputStream()) {
                out.write("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}".getBytes(StandardCharsets.UTF_8));
            }
            assertEquals(200, post.getResponseCode());
            assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}", read(post));

            HttpURLConnection health = open(host.url() + "/health");
            assertEquals(200, health.getResponseCode());
            String report = read(health);
            assertTrue(report.contains("\"name\":\"b1\""), report);
        }
    }

    private static HttpURLConnection open(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(10_000);
        return c;
    }

    private static String read(HttpURLConnection c) throws IOException {
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
