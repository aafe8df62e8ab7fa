package io.openharbor.mcp.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.HealthReport;
import io.openharbor.mcp.gateway.testing.FakeMcpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayConfigTest {
    private static final String SESSION_KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @TempDir
    Path dir;

    private final Fixture fixture = new Fixture();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void tearDown() throws Exception {
        fixture.close();
    }

    private FakeMcpServer backend(String name) throws IOException {
        return fixture.backend(name);
    }

    private String host(Supplier<Gateway> current) throws IOException {
        return fixture.host(current);
    }

    private HttpResponse<String> post(String url, String json, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/mcp"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}";

    private static String seed(int port1, int port2) throws IOException {
        try (InputStream in = GatewayConfigTest.class.getResourceAsStream("/seed-appsettings.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${PORT1}", String.valueOf(port1))
                    .replace("${PORT2}", String.valueOf(port2));
        }
    }

    private static GatewayConfig json(String json, Map<String, String> env) {
        return GatewayConfig.loader().json(json).environment(env).load();
    }

    private static List<String> errors(String json, Map<String, String> env) {
        try {
            json(json, env);
        } catch (ConfigException e) {
            return e.errors();
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    private static List<String> errors(String json) {
        return errors(json, Map.of());
    }

    // ---- the seed's own configuration ----

    @Test
    void environmentVariablesAloneAreAConfiguration() throws Exception {
        FakeMcpServer one = backend("one");
        GatewayConfig config = GatewayConfig.loader()
                .environment(Map.of(
                        "GATEWAY__BACKENDSERVERS__0__NAME", "env-one",
                        "GATEWAY__BACKENDSERVERS__0__URL", "http://127.0.0.1:" + one.port() + "/mcp",
                        "GATEWAY__SECURITY__APIKEY", "from-the-environment"))
                .load();
        assertThat(config.pool().backends()).extracting(Backend::name).containsExactly("env-one");
        Gateway gateway = config.build();
        fixture.closeLater(gateway);
        String url = host(() -> gateway);
        assertThat(post(url, PING).statusCode())
                .as("the key from the environment is required")
                .isEqualTo(401);
        assertThat(post(url, PING, "X-API-Key", "from-the-environment").statusCode())
                .isEqualTo(200);
    }

    @Test
    void noFileAndNoVariablesSaysWhatIsMissing() {
        assertThatThrownBy(() -> GatewayConfig.loader()
                        .environment(Map.of("PATH", "/bin"))
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("missing")
                .hasMessageContaining("GATEWAY__BACKENDSERVERS__0__URL");
    }

    @Test
    void truncatedJsonIsReportedWithoutJacksonInternals() {
        assertThatThrownBy(() -> GatewayConfig.loader()
                        .json("{ \"Gateway\": { \"BackendServers\": [")
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("malformed JSON")
                .satisfies(e ->
                        assertThat(e.getMessage()).doesNotContain("REDACTED").doesNotContain("Source"));
    }

    @Test
    void aDuplicateBackendUrlIsAConfigurationError() {
        assertThatThrownBy(() -> GatewayConfig.loader()
                        .json("{ \"Gateway\": { \"BackendServers\": ["
                                + "{\"Name\":\"a\",\"Url\":\"http://127.0.0.1:9/mcp\"},"
                                + "{\"Name\":\"b\",\"Url\":\"http://127.0.0.1:9/mcp\"}] } }")
                        .environment(Map.of())
                        .load())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("have the same URL");
    }

    @Test
    void theWarningForASecretInTheFileNamesKeysThatExist() {
        assertThat(Binder.fileAlternative("Gateway:Sessions:Keys:0")).startsWith("KeysFile");
        assertThat(Binder.fileAlternative("Gateway:Security:ApiKey")).isEqualTo("ApiKeyFile");
    }

    @Test
    void theHttpsPortComesFromKestrelsHttpsEndpoint() {
        assertThat(GatewayConfig.kestrelHttpsPort(Map.of("Endpoints:Https:Url", "https://*:8443")))
                .isEqualTo(8443);
        assertThat(GatewayConfig.kestrelHttpsPort(Map.of("Endpoints:Secure:Url", "https://[::]:9443/")))
                .isEqualTo(9443);
        assertThat(GatewayConfig.kestrelHttpsPort(Map.of("Endpoints:Http:Url", "http://*:8080")))
                .isNull();
        assertThat(GatewayConfig.kestrelHttpsPort(Map.of("Endpoints:Https:Url", "https://example.com")))
                .isNull();
    }

    @Test
    void seedGuideConfigurationYieldsAWorkingGateway() throws Exception {
        FakeMcpServer one = backend("one");
        FakeMcpServer two = backend("two");
        Path file = dir.resolve("appsettings.Production.json");
        Files.writeString(file, seed(one.port(), two.port()));
        // the seed's deployment behind a TLS-terminating load balancer: X-Forwarded-Proto from a trusted proxy
        GatewayConfig config = GatewayConfig.loader()
                .file(file)
                .hostSections("Kestrel")
                .environment(Map.of(
                        "GATEWAY__SECURITY__TRUSTFORWARDEDHEADERS",
                        "true",
                        "GATEWAY__SECURITY__APIKEY",
                        "gateway-api-key"))
                .load();
        assertThat(config.hostSection("Kestrel"))
                .containsEntry("Endpoints:Https:Url", "https://*:8443")
                .containsEntry("endpoints:http:url", "http://*:8080");
        assertThat(config.pool().backends()).extracting(Backend::name).containsExactly("mcp-server-1", "mcp-server-2");
        assertThat(config.pool().backends()).extracting(Backend::maxConnections).containsExactly(10, 10);
        assertThat(config.pool().healthCheck().interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.pool().circuitBreaker().failureThreshold()).isEqualTo(5);
        assertThat(config.pool().circuitBreaker().successThreshold()).isEqualTo(2);
        assertThat(config.pool().circuitBreaker().openDuration()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.pool().loadBalancer().toString()).isEqualTo("roundRobin");

        Gateway gateway = config.build();
        fixture.closeLater(gateway);
        String url = host(() -> gateway);

        // RequireHttps: plain HTTP is redirected; through the "load balancer" it is served
        HttpResponse<String> plain = post(url, PING, "X-API-Key", "gateway-api-key");
        assertThat(plain.statusCode()).isEqualTo(308);
        // to the HTTPS endpoint Kestrel:Endpoints:Https:Url names, as ASP.NET redirects
        assertThat(plain.headers().firstValue("Location"))
                .hasValueSatisfying(l -> assertThat(l).contains(":8443/mcp"));
        assertThat(post(url, PING, "X-Forwarded-Proto", "https").statusCode())
                .as("API key required")
                .isEqualTo(401);
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = post(url, PING, "X-Forwarded-Proto", "https", "X-API-Key", "gateway-api-key");
            assertThat(r.statusCode()).isEqualTo(200);
            served.add(r.body().contains("\"one\"") ? "one" : "two");
        }
        assertThat(served).as("round robin over both").containsExactlyInAnyOrder("one", "two", "one", "two");
        // AllowedOrigins
        assertThat(post(
                                url,
                                PING,
                                "X-Forwarded-Proto",
                                "https",
                                "X-API-Key",
                                "gateway-api-key",
                                "Origin",
                                "https://evil.example")
                        .statusCode())
                .isEqualTo(403);
        assertThat(post(
                                url,
                                PING,
                                "X-Forwarded-Proto",
                                "https",
                                "X-API-Key",
                                "gateway-api-key",
                                "Origin",
                                "https://app.example.com")
                        .statusCode())
                .isEqualTo(200);

        HttpResponse<String> health = get(url + "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body())
                .contains("\"name\":\"mcp-server-1\"", "\"name\":\"mcp-server-2\"", "\"service\":\"MCP Gateway\"");
    }

    @Test
    void everySettingReachesItsBuilder() throws Exception {
        FakeMcpServer one = backend("one");
        Path keyFile = dir.resolve("api-key");
        Files.writeString(keyFile, "a-very-long-and-random-api-key-0123456789\n");
        Path sessionKeys = dir.resolve("session-keys");
        Files.writeString(sessionKeys, "# newest first\n" + SESSION_KEY + "\n");
        String json = "{ \"gateway\": {\n"
                + "  \"backendservers\": [ { \"url\": \"" + one.url() + "/mcp\", \"weight\": 3,"
                + "     \"H2cPriorKnowledge\": false } ],\n"
                + "  \"Pool\": { \"Name\": \"tools\", \"SlowStart\": \"PT0S\", \"PanicThresholdPercent\": 30,"
                + "     \"FailFastInPanic\": true, \"OutlierDetection\": { \"ConsecutiveFailures\": 7,"
                + "     \"BaseEjectionTime\": \"00:00:10\", \"MaxEjectionTime\": \"PT2M\", \"MaxEjectionPercent\": 20 } },\n"
                + "  \"LoadBalancing\": { \"Strategy\": \"ConsistentHash\", \"HashKey\": \"Header:X-Tenant\","
                + "     \"HealthCheck\": { \"Mode\": \"McpPing\", \"Interval\": \"PT10S\", \"Timeout\": \"00:00:02\","
                + "       \"Jitter\": 0.2, \"UnhealthyThreshold\": 4, \"HealthyThreshold\": 1 },"
                + "     \"CircuitBreaker\": { \"Enabled\": false }, \"MaxAttempts\": 2,"
                + "     \"RetryBudget\": { \"Ratio\": 0.1 } },\n"
                + "  \"Security\": { \"ApiKeys\": [ { \"Name\": \"ci\", \"KeyFile\": \"" + keyFile + "\" } ],"
                + "     \"ApiKeyHeader\": \"X-Key\", \"AcceptBearer\": true,"
                + "     \"ResponseHeaders\": { \"X-Served-By\": \"gw\", \"X-Frame-Options\": \"\" }, \"Hsts\": \"max-age=60\","
                + "     \"RateLimiting\": { \"RequestsPerMinute\": 600, \"BurstSize\": 50,"
                + "        \"Tools\": [ { \"Name\": \"search\", \"RequestsPerMinute\": 1 } ] } },\n"
                + "  \"Sessions\": { \"KeysFile\": \"" + sessionKeys + "\", \"Ttl\": \"02:00:00\" },\n"
                + "  \"Timeouts\": { \"Connect\": \"00:00:01\", \"Response\": \"PT30S\", \"Request\": \"PT1M\","
                + "     \"StreamIdle\": \"PT0S\", \"BackendKeepAlive\": \"PT2S\", \"Drain\": \"00:00:05\" },\n"
                + "  \"Limits\": { \"MaxRequestBodyBytes\": 65536, \"MaxJsonDepth\": 16, \"MaxJsonStringLength\": 1024 },\n"
                + "  \"Health\": { \"Path\": \"/healthz\", \"ServiceName\": \"Tools gateway\","
                + "     \"CertificateExpiryWarning\": \"14.00:00:00\" },\n"
                + "  \"Reload\": { \"OnChange\": true, \"CheckInterval\": \"00:00:02\" },\n"
                + "  \"VirtualThreads\": false,\n"
                + "  \"AccessLog\": true,\n"
                + "} }";
        GatewayConfig config = json(json, Map.of());
        assertThat(config.pool().name()).isEqualTo("tools");
        Backend b = config.pool().backends().get(0);
        assertThat(b.name()).as("a nameless backend is named host:port").isEqualTo("127.0.0.1:" + one.port());
        assertThat(b.weight()).isEqualTo(3);
        assertThat(config.pool().slowStart()).isZero();
        assertThat(config.pool().panicThresholdPercent()).isEqualTo(30);
        assertThat(config.pool().failFastInPanic()).isTrue();
        assertThat(config.pool().outlierDetection().consecutiveFailures()).isEqualTo(7);
        assertThat(config.pool().outlierDetection().maxEjectionTime()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.pool().healthCheck().mode()).isEqualTo(HealthCheckPolicy.Mode.MCP_PING);
        assertThat(config.pool().healthCheck().unhealthyThreshold()).isEqualTo(4);
        assertThat(config.pool().circuitBreaker().enabled()).isFalse();
        assertThat(config.pool().loadBalancer().toString()).startsWith("consistentHash");
        assertThat(config.hasSessionKeys()).isTrue();
        assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.reloadOnChange()).isTrue();
        assertThat(config.reloadCheckInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.files()).contains(keyFile, sessionKeys);

        Gateway gateway = config.build();
        fixture.closeLater(gateway);
        String url = host(() -> gateway);
        HttpResponse<String> health = get(url + "/healthz");
        assertThat(health.body()).contains("\"service\":\"Tools gateway\"", "\"pool\":\"tools\"");
        assertThat(post(url, PING).statusCode()).isEqualTo(401);
        HttpResponse<String> ok = post(url, PING, "Authorization", "Bearer a-very-long-and-random-api-key-0123456789");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-Served-By")).hasValue("gw");
        assertThat(ok.headers().firstValue("X-Frame-Options"))
                .as("an empty value removes a default")
                .isEmpty();
        assertThat(ok.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        String call = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"search\"}}";
        assertThat(post(url, call, "X-Key", "a-very-long-and-random-api-key-0123456789")
                        .statusCode())
                .isEqualTo(200);
        assertThat(post(url, call, "X-Key", "a-very-long-and-random-api-key-0123456789")
                        .statusCode())
                .as("the per-tool limit of 1 per minute")
                .isEqualTo(429);
        String deep =
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":" + "[".repeat(20) + "]".repeat(20) + "}";
        assertThat(post(url, deep, "X-Key", "a-very-long-and-random-api-key-0123456789")
                        .statusCode())
                .as("MaxJsonDepth 16")
                .isEqualTo(400);
    }

    // ---- validation ----

    @Test
    void everyProblemIsReportedAtOnceWithPathValueAndExpectation() {
        String json = "{\n"
                + " \"Gateway\": {\n"
                + "  \"BackendServers\": [\n"
                + "   { \"Name\": \"a\", \"Url\": \"ftp://x\" },\n"
                + "   { \"Name\": \"b\" },\n"
                + "   { \"Name\": \"c\", \"Url\": \"http://127.0.0.1:1\", \"MaxConnections\": \"ten\", \"Weight\": 0,"
                + "     \"HealthCheckPath\": \"health\" },\n"
                + "   { \"Name\": \"c\", \"Url\": \"http://127.0.0.1:2\", \"MaxConection\": 5 },\n"
                + "   { \"Name\": \"d\", \"Url\": \"http://127.0.0.1:3\", \"TlsOptions\": { \"ValidateCertificate\": true } },\n"
                + "   { \"Name\": \"e\", \"Url\": \"https://127.0.0.1:4\", \"TlsOptions\": { \"ValidateCertificate\": false } }\n"
                + "  ],\n"
                + "  \"LoadBalancing\": { \"Strategy\": \"Fastest\", \"HealthCheckInterval\": \"00:00:30\","
                + "    \"HealthCheck\": { \"Interval\": \"PT10S\", \"Mode\": \"Ping\" },"
                + "    \"CircuitBreaker\": { \"FailureThreshold\": -1, \"Timeout\": \"00:61:00\" } },\n"
                + "  \"Security\": { \"RequireHttps\": \"yes\", \"AllowedOrigins\": \"https://a.example\","
                + "    \"ApiKeys\": [ { \"Key\": \"0123456789abcdef0123\" } ], \"RateLimiting\": { \"BurstSize\": 0 } },\n"
                + "  \"Sessions\": { \"Keys\": [ \"c2hvcnQ=\", \"not base64!\" ] },\n"
                + "  \"Timeouts\": { \"Connect\": \"PT0S\" },\n"
                + "  \"Limits\": { \"MaxJsonStringLength\": 10 },\n"
                + "  \"Sessons\": {}\n"
                + " },\n"
                + " \"Logging\": { \"LogLevel\": { \"Default\": \"Information\" } }\n"
                + "}";
        List<String> errors = errors(json);
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:BackendServers:0:Url = \"ftp://x\"")
                        .contains("absolute http:// or https:// URL"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("Gateway:BackendServers:1:Url: missing"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:BackendServers:2:MaxConnections = \"ten\" (inline JSON line 6)")
                        .contains("expected a whole number from 1 to 100000"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("Gateway:BackendServers:2:Weight = \"0\""));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:BackendServers:2:HealthCheckPath")
                        .contains("must start with '/'"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:BackendServers:3:Name")
                        .contains("already has a backend named 'c'"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:BackendServers:3:MaxConection")
                        .contains("unknown key")
                        .contains("did you mean Gateway:BackendServers:3:MaxConnections?"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:BackendServers:4")
                        .contains("TLS policy")
                        .contains("plain http://"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:BackendServers:5:TlsOptions")
                        .containsIgnoringCase("pin"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:LoadBalancing:Strategy = \"Fastest\" (inline JSON line 11)")
                        .contains("RoundRobin, LeastConnections, PeakEwma, ToolBased, ConsistentHash"));
        assertThat(errors)
                .anySatisfy(
                        e -> assertThat(e).startsWith("Gateway:LoadBalancing:HealthCheck:Interval: set" + " either"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:LoadBalancing:HealthCheck:Mode = \"Ping\"")
                        .contains("Http, McpPing, McpToolsList"));
        assertThat(errors)
                .anySatisfy(e ->
                        assertThat(e).startsWith("Gateway:LoadBalancing:CircuitBreaker:FailureThreshold = \"-1\""));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:LoadBalancing:CircuitBreaker:Timeout = \"00:61:00\"")
                        .contains("00:00:30")
                        .contains("PT30S"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:Security:RequireHttps = \"yes\"")
                        .contains("expected true or false"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:Security:AllowedOrigins = ")
                        .contains("expected an array"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("Gateway:Security:ApiKeys:0:Name: missing"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("Gateway:Security:RateLimiting:BurstSize = \"0\""));
        assertThat(errors)
                .anySatisfy(
                        e -> assertThat(e).startsWith("Gateway:Sessions:Keys:0").contains("decoded to 5 bytes"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:Sessions:Keys:1")
                        .contains("not base64")
                        .doesNotContain("not base64!\""));
        assertThat(errors)
                .anySatisfy(e ->
                        assertThat(e).startsWith("Gateway:Timeouts:Connect").contains("must be positive"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:Limits:MaxJsonStringLength")
                        .contains("at least 64"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:Sessons")
                        .contains("unknown key")
                        .contains("did you mean Gateway:Sessions?"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Logging:LogLevel:Default")
                        .contains("unknown top-level section 'Logging'"));
        assertThat(errors).as("each problem once").doesNotHaveDuplicates();
        assertThat(errors.size()).isGreaterThanOrEqualTo(24);
        // declared as the host's own, the section is accepted
        try {
            GatewayConfig.loader()
                    .json(json)
                    .environment(Map.of())
                    .hostSections("Logging")
                    .load();
        } catch (ConfigException e) {
            assertThat(e.errors()).noneMatch(m -> m.startsWith("Logging")).hasSize(errors.size() - 1);
        }
    }

    @Test
    void structuralProblems() {
        GatewayConfig c = json(
                "{ \"Gateway\": { \"BackendServers\": [ { \"Url\": \"http://a\", }, ], // c\n }, /* c */ }\n",
                Map.of());
        assertThat(c.pool().backends())
                .as("comments and trailing commas are fine: .NET reads them")
                .hasSize(1);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{ \"Gateway\": { \"BackendServers\": [ { \"Url\": \"http://a\" ] } }                | inline JSON line 1 column",
                "[ 1, 2 ]                                                                          | expected a JSON object",
                "{ \"Gateway\": { \"backendServers\": [], \"BackendServers\": [] } }                  | duplicate key",
                "{ \"Other\": {} }                                                                 | Gateway: missing",
                "{ \"Gateway\": { \"BackendServers\": [] } }                                         | at least one backend",
                "{ \"Gateway\": { \"BackendServers\": { \"Url\": \"http://a\" } } }                   | expected an index 0, 1",
                "{ \"Gateway\": { \"BackendServers\": [ { \"Url\": { \"Host\": \"a\" } } ] } }         | expected a single value",
                "{ \"Gateway\": { \"BackendServers\": [ { \"Url\": \"http://a\" } ], \"Security\": { \"ApiKey\": \"k\", \"ApiKeyFile\": \"/x\" } } } | not both",
                "{ \"Gateway\": { \"BackendServers\": [ { \"Url\": \"http://a\" } ], \"Security\": { \"ApiKeyFile\": \"/no/such/file\" } } } | cannot read the file",
                "{ \"Gateway\": { \"BackendServers\": [ { \"Url\": \"http://a\" } ], \"LoadBalancing\": { \"Strategy\": \"RoundRobin\", \"HashKey\": \"Tool\" } } } | only used with Strategy ConsistentHash",
                "{ \"Gateway\": { \"BackendServers\": [ { \"Url\": \"http://a\" } ], \"LoadBalancing\": { \"Strategy\": \"ConsistentHash\" } } } | HashKey: missing",
            })
    void malformedOrMisshapen(String json, String expected) {
        assertThat(String.join("\n", errors(json))).contains(expected);
    }

    // ---- environment overrides ----

    @Test
    void environmentOverridesKeysAddsArrayElementsAndSuppliesSecrets() throws Exception {
        FakeMcpServer one = backend("one");
        FakeMcpServer two = backend("two");
        FakeMcpServer three = backend("three");
        String json = "{ \"Gateway\": { \"BackendServers\": ["
                + " { \"Name\": \"s1\", \"Url\": \"http://127.0.0.1:1\" },"
                + " { \"Name\": \"s2\", \"Url\": \"" + two.url() + "\" } ],"
                + " \"Security\": { \"AllowedOrigins\": [ \"https://a.example\", \"https://b.example\" ] } } }";
        GatewayConfig config = json(
                json,
                Map.of(
                        "GATEWAY__BACKENDSERVERS__0__URL", one.url(),
                        "gateway__backendservers__2__name", "s3",
                        "GATEWAY__BACKENDSERVERS__2__URL", three.url(),
                        "GATEWAY__BACKENDSERVERS__2__MAXCONNECTIONS", "7",
                        "GATEWAY__SECURITY__ALLOWEDORIGINS__1", "https://c.example",
                        "GATEWAY__SECURITY__APIKEY", "gateway-api-key",
                        "GATEWAY__SESSIONS__KEYS__0", SESSION_KEY,
                        "PATH", "/usr/bin",
                        "KESTREL__CERTIFICATES__DEFAULT__PASSWORD", "not ours"));
        assertThat(config.pool().backends()).extracting(Backend::name).containsExactly("s1", "s2", "s3");
        assertThat(config.pool().backends().get(0).url().toString()).isEqualTo(one.url());
        assertThat(config.pool().backends().get(2).maxConnections()).isEqualTo(7);
        assertThat(config.hasSessionKeys()).isTrue();
        Gateway gateway = config.build();
        fixture.closeLater(gateway);
        String url = host(() -> gateway);
        assertThat(post(url, PING).statusCode()).isEqualTo(401);
        assertThat(post(url, PING, "X-API-Key", "gateway-api-key").statusCode()).isEqualTo(200);
        assertThat(post(url, PING, "X-API-Key", "gateway-api-key", "Origin", "https://c.example")
                        .statusCode())
                .isEqualTo(200);
        assertThat(post(url, PING, "X-API-Key", "gateway-api-key", "Origin", "https://b.example")
                        .statusCode())
                .as("element 1 was replaced")
                .isEqualTo(403);

        List<String> errors = errors(
                json,
                Map.of(
                        "GATEWAY__BACKENDSERVERS__3__URL",
                        "http://127.0.0.1:9",
                        "GATEWAY__SECURITY__REQUIREHTTP",
                        "true",
                        "GATEWAY__TIMEOUTS__CONNECT",
                        "5"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith("Gateway:BackendServers:2: missing")
                        .contains("up to index 3"));
        assertThat(errors)
                .anySatisfy(
                        e -> assertThat(e)
                                .startsWith(
                                        "Gateway:Security:REQUIREHTTP (environment"
                                                + " variable GATEWAY__SECURITY__REQUIREHTTP): unknown key: did you mean Gateway:Security:RequireHttps?"));
        assertThat(errors)
                .anySatisfy(e -> assertThat(e)
                        .startsWith(
                                "Gateway:Timeouts:Connect = \"5\" (environment variable GATEWAY__TIMEOUTS__CONNECT)"));
        assertThat(String.join("\n", errors)).as("secrets are never echoed").doesNotContain("gateway-api-key");
    }

    // ---- durations ----

    @ParameterizedTest
    @CsvSource({
        "00:00:30, PT30S",
        "00:30, PT30M",
        "01:02:03, PT1H2M3S",
        "1.02:03:04, PT26H3M4S",
        "00:00:00.5, PT0.5S",
        "00:00:00.0000001, PT0.0000001S",
        "PT30S, PT30S",
        "pt1m30s, PT1M30S",
        "P1D, PT24H",
        "' 00:00:05 ', PT5S",
    })
    void durationsInBothForms(String text, String expected) {
        assertThat(ConfigDurations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @CsvSource({"30", "30s", "00:60:00", "24:00:00", "00:00:60", "abc", "PT", "1.2.3", "''"})
    void durationsThatAreNot(String text) {
        assertThat(ConfigDurations.parse(text)).isNull();
    }

    @Test
    void negativeDurationsAreRefused() {
        assertThat(errors("{ \"Gateway\": { \"BackendServers\": [ { \"Url\": \"http://a\" } ], \"Timeouts\": {"
                        + " \"Drain\": \"-00:00:01\" } } }"))
                .singleElement()
                .asString()
                .startsWith("Gateway:Timeouts:Drain = \"-00:00:01\"")
                .contains("not negative");
    }

    @Test
    void startUpFailsOnAnInvalidFile() throws IOException {
        Path file = dir.resolve("broken.json");
        Files.writeString(file, "{ \"Gateway\": { \"BackendServers\": [ { \"Url\": 5000 } ] } }");
        assertThatThrownBy(() -> GatewayConfig.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("invalid gateway configuration " + file)
                .hasMessageContaining("Gateway:BackendServers:0:Url = \"5000\"");
        assertThatThrownBy(() -> GatewayConfig.load(dir.resolve("missing.json")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("cannot read the configuration file");
    }

    @Test
    void healthShowsConfiguredBackends() throws Exception {
        FakeMcpServer one = backend("one");
        Gateway gateway = json(
                        "{ \"Gateway\": { \"BackendServers\": [ { \"Name\": \"x\", \"Url\": \"" + one.url()
                                + "\" } ] } }",
                        Map.of())
                .build();
        fixture.closeLater(gateway);
        HealthReport report = gateway.health();
        assertThat(report.backends())
                .extracting(HealthReport.BackendHealth::name)
                .containsExactly("x");
    }
}
