package io.openharbor.mcp.gateway.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.openharbor.mcp.gateway.Authentication;
import io.openharbor.mcp.gateway.Authenticator;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.GatewayRequest;
import io.openharbor.mcp.gateway.LoadBalancer;
import io.openharbor.mcp.gateway.ResourceMetadata;
import io.openharbor.mcp.gateway.config.GatewayConfig;
import io.openharbor.mcp.gateway.micrometer.GatewayMeters;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

/** The auto-configuration in an application context, without a server: which beans, from which properties. */
class McpGatewayAutoConfigurationTest {
    private static final String URL = "mcp.gateway.backend-servers[0].url=http://127.0.0.1:9/mcp";

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(McpGatewayAutoConfiguration.class, McpGatewayHealthAutoConfiguration.class));

    @Test
    void propertiesAloneMakeAGatewayItsServletItsDrainAndItsHealthIndicator() {
        runner.withPropertyValues(
                        URL,
                        "mcp.gateway.backend-servers[0].name=one",
                        "mcp.gateway.backend-servers[0].max-connections=7",
                        "mcp.gateway.backend-servers[1].url=http://127.0.0.1:10/mcp",
                        "mcp.gateway.load-balancing.strategy=round-robin",
                        "mcp.gateway.load-balancing.health-check.enabled=false",
                        "mcp.gateway.timeouts.drain=3s",
                        "mcp.gateway.path=/tools/mcp")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed().hasSingleBean(Gateway.class).hasSingleBean(GatewayDrain.class);
                    Gateway gateway = ctx.getBean(Gateway.class);
                    assertThat(gateway.pool().backends())
                            .extracting(Backend::name, Backend::maxConnections)
                            .first()
                            .isEqualTo(org.assertj.core.groups.Tuple.tuple("one", 7));
                    assertThat(gateway.pool().loadBalancer().toString()).containsIgnoringCase("round");
                    assertThat(ctx.getBean(GatewayConfig.class).drainTimeout()).hasSeconds(3);
                    @SuppressWarnings("unchecked")
                    ServletRegistrationBean<GatewayServlet> servlet = ctx.getBean(ServletRegistrationBean.class);
                    assertThat(servlet.getUrlMappings()).containsExactly("/tools/mcp");
                    assertThat(gateway.healthPath()).isEmpty(); // Actuator reports health; no JSON of our own
                    Health health = ctx.getBean("mcpGatewayHealthIndicator", HealthIndicator.class)
                            .health();
                    assertThat(health.getStatus()).isEqualTo(Status.UP);
                    assertThat(health.getDetails()).containsKeys("verdict", "backends");
                    assertThat(ctx).doesNotHaveBean(GatewayMeters.class); // no registry here
                });
    }

    @Test
    void theApplicationsBeansReplaceWhatThePropertiesWouldConfigure() {
        LoadBalancer first = (candidates, context) -> candidates.get(0);
        runner.withPropertyValues(URL)
                .withBean(LoadBalancer.class, () -> first)
                .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
                .withBean(GatewayBuilderCustomizer.class, () -> b -> b.serviceName("customized"))
                .run(ctx -> {
                    Gateway gateway = ctx.getBean(Gateway.class);
                    assertThat(gateway.pool().loadBalancer()).isSameAs(first);
                    assertThat(gateway.health().service()).isEqualTo("customized");
                    assertThat(ctx).hasSingleBean(GatewayMeters.class);
                    assertThat(ctx.getBean(MeterRegistry.class)
                                    .find("mcp.gateway.backend.available")
                                    .gauges())
                            .isNotEmpty();
                });
        runner.withPropertyValues(URL, "mcp.gateway.load-balancing.strategy=round-robin")
                .withBean(LoadBalancer.class, () -> first)
                .run(ctx -> assertThat(ctx)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("mcp.gateway.load-balancing.strategy = \"RoundRobin\": a LoadBalancer"));
    }

    /** An OAuth-style authenticator: it offers protected-resource metadata, which the servlet must also serve. */
    static final class WithMetadata implements Authenticator {
        @Override
        public Authentication authenticate(GatewayRequest request) {
            return Authentication.unauthorized("Bearer", "a token is required");
        }

        @Override
        public Optional<ResourceMetadata> resourceMetadata() {
            return Optional.of(ResourceMetadata.builder(URI.create("https://mcp.example.com/mcp"))
                    .authorizationServer(URI.create("https://login.example.com"))
                    .build());
        }
    }

    @Test
    void anAuthenticatorsMetadataPathsAreMappedToTheServletUnlessAContextPathKeepsThemOut() {
        runner.withPropertyValues(URL)
                .withBean(Authenticator.class, WithMetadata::new)
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    ServletRegistrationBean<?> servlet = ctx.getBean(ServletRegistrationBean.class);
                    assertThat(servlet.getUrlMappings())
                            .containsExactly(
                                    "/mcp",
                                    "/.well-known/oauth-protected-resource/mcp",
                                    "/.well-known/oauth-protected-resource");
                });
        runner.withPropertyValues(URL, "server.servlet.context-path=/api")
                .withBean(Authenticator.class, WithMetadata::new)
                .run(ctx -> {
                    ServletRegistrationBean<?> servlet = ctx.getBean(ServletRegistrationBean.class);
                    assertThat(servlet.getUrlMappings()).containsExactly("/mcp");
                });
    }

    @Test
    void oauthAndRedisPropertiesConfigureTheResourceServerAndTheSharedLimits() {
        runner.withPropertyValues(
                        URL,
                        "mcp.gateway.security.oauth.resource=https://mcp.example.com/mcp",
                        "mcp.gateway.security.oauth.issuer=https://login.example.com/realms/mcp",
                        "mcp.gateway.security.oauth.required-scopes[0]=mcp:tools",
                        "mcp.gateway.security.oauth.clock-skew=30s",
                        "mcp.gateway.security.rate-limiting.requests-per-minute=100",
                        "mcp.gateway.security.rate-limiting.redis.url=redis://127.0.0.1:6379",
                        "mcp.gateway.security.rate-limiting.redis.timeout=20ms",
                        "mcp.gateway.security.rate-limiting.redis.failure-policy=fail-closed")
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    Gateway gateway = ctx.getBean(Gateway.class);
                    assertThat(gateway.resourceMetadataPaths())
                            .containsExactly(
                                    "/.well-known/oauth-protected-resource/mcp",
                                    "/.well-known/oauth-protected-resource");
                    ServletRegistrationBean<?> servlet = ctx.getBean(ServletRegistrationBean.class);
                    assertThat(servlet.getUrlMappings()).contains("/.well-known/oauth-protected-resource/mcp");
                });
        runner.withPropertyValues(
                        URL,
                        "mcp.gateway.security.oauth.resource=https://mcp.example.com/mcp",
                        "mcp.gateway.security.oauth.issuer=http://login.example.com",
                        "mcp.gateway.security.rate-limiting.redis.url=http://127.0.0.1:6379")
                .run(ctx -> assertThat(ctx)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("mcp.gateway.security.oauth.issuer")
                        .hasStackTraceContaining("mcp.gateway.security.rate-limiting.redis.url"));
    }

    @Test
    void anApplicationsOwnGatewayMakesTheStarterBackOff() {
        try (Gateway own = Gateway.builder()
                .pool(io.openharbor.mcp.gateway.BackendPool.builder("own")
                        .backend(Backend.of("b", "http://127.0.0.1:9/mcp"))
                        .build())
                .build()) {
            runner.withBean(Gateway.class, () -> own).run(ctx -> {
                assertThat(ctx).hasNotFailed();
                assertThat(ctx.getBean(Gateway.class)).isSameAs(own);
                assertThat(ctx).doesNotHaveBean(GatewayConfig.class).hasSingleBean(GatewayDrain.class);
            });
        }
    }

    @Test
    void anInvalidPropertyFailsStartUpNamingItWhereItWasSetAndWhatWasExpected() {
        runner.withPropertyValues(
                        URL,
                        "mcp.gateway.backend-servers[0].max-connections=0",
                        "mcp.gateway.load-balancing.health-check.jitter=0.9")
                .run(ctx -> {
                    assertThat(ctx).hasFailed();
                    Throwable failure = ctx.getStartupFailure();
                    FailureAnalysis analysis = new GatewayPropertiesFailureAnalyzer().analyze(failure);
                    assertThat(analysis).isNotNull();
                    assertThat(analysis.getDescription())
                            .startsWith("invalid mcp.gateway properties: 2 problems")
                            .contains("mcp.gateway.backend-servers[0].max-connections = \"0\" (property"
                                    + " mcp.gateway.backend-servers[0].max-connections from")
                            .contains("expected a whole number from 1 to 100000")
                            .contains("mcp.gateway.load-balancing.health-check.jitter")
                            .doesNotContain("Gateway:");
                });
        runner.run(ctx -> assertThat(ctx)
                .getFailure()
                .rootCause()
                .hasMessageContaining("set mcp.gateway.backend-servers[0].url"));
        runner.withPropertyValues(URL, "mcp.gateway.backend-servers[0].max-connection=5")
                .run(ctx -> assertThat(ctx)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("mcp.gateway.backend-servers[0].max-connection"));
        runner.withPropertyValues(URL, "mcp.gateway.path=mcp")
                .run(ctx -> assertThat(ctx).getFailure().rootCause().hasMessageContaining("mcp.gateway.path"));
    }

    @Test
    void theGatewaysOwnHealthJsonIsServedWhereAPathIsSetUnderTheContextPath() {
        runner.withPropertyValues(URL, "mcp.gateway.health.path=/gateway-health", "server.servlet.context-path=/api/")
                .run(ctx -> {
                    assertThat(ctx.getBean(Gateway.class).healthPath()).hasValue("/api/gateway-health");
                    ServletRegistrationBean<?> servlet = ctx.getBean(ServletRegistrationBean.class);
                    assertThat(servlet.getUrlMappings()).containsExactly("/mcp", "/gateway-health");
                });
    }

    @Test
    void secretsAndSettingsComeFromEnvironmentVariablesAndFilesToo(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("session-keys");
        Files.writeString(keys, "# newest first\n" + Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        Path apiKey = dir.resolve("api-key");
        Files.writeString(apiKey, "s3cret\n");
        Map<String, Object> env = Map.of(
                "MCP_GATEWAY_BACKENDSERVERS_0_URL", "http://127.0.0.1:9/mcp",
                "MCP_GATEWAY_SESSIONS_KEYSFILE", keys.toString(),
                "MCP_GATEWAY_SECURITY_APIKEYFILE", apiKey.toString());
        runner.withInitializer(ctx -> ctx.getEnvironment()
                        .getPropertySources()
                        .addFirst(new SystemEnvironmentPropertySource("systemEnvironment", env)))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    assertThat(ctx.getBean(GatewayConfig.class).hasSessionKeys())
                            .isTrue();
                    assertThat(ctx.getBean(GatewayConfig.class).files()).contains(keys, apiKey);
                });
        runner.withInitializer(ctx -> ctx.getEnvironment()
                        .getPropertySources()
                        .addFirst(new SystemEnvironmentPropertySource(
                                "systemEnvironment",
                                Map.of(
                                        "MCP_GATEWAY_BACKENDSERVERS_0_URL", "http://127.0.0.1:9/mcp",
                                        "MCP_GATEWAY_BACKENDSERVERS_0_WEIGHT", "5000"))))
                .run(ctx -> assertThat(ctx)
                        .getFailure()
                        .rootCause()
                        .hasMessageContaining("mcp.gateway.backend-servers[0].weight = \"5000\"")
                        .hasMessageContaining("MCP_GATEWAY_BACKENDSERVERS_0_WEIGHT"));
    }

    @Test
    void theStarterCanBeTurnedOffAndTheHealthIndicatorAlone() {
        runner.withPropertyValues("mcp.gateway.enabled=false")
                .run(ctx -> assertThat(ctx).hasNotFailed().doesNotHaveBean(Gateway.class));
        runner.withPropertyValues(URL, "management.health.mcp-gateway.enabled=false")
                .run(ctx -> assertThat(ctx).hasSingleBean(Gateway.class).doesNotHaveBean(HealthIndicator.class));
    }

    @Test
    void virtualThreadsFollowSpringsSwitchUnlessTheGatewaysOwnPropertyIsSet() {
        McpGatewayProperties unset = new McpGatewayProperties();
        assertThat(McpGatewayAutoConfiguration.virtualThreads(unset, new MockEnvironment()))
                .isNull();
        assertThat(McpGatewayAutoConfiguration.virtualThreads(
                        unset, new MockEnvironment().withProperty("spring.threads.virtual.enabled", "false")))
                .isFalse();
        McpGatewayProperties set = new McpGatewayProperties();
        set.setVirtualThreads(true); // applied through the configuration's Gateway:VirtualThreads
        assertThat(McpGatewayAutoConfiguration.virtualThreads(
                        set, new MockEnvironment().withProperty("spring.threads.virtual.enabled", "false")))
                .isNull();
        StandardEnvironment env = new StandardEnvironment();
        env.getPropertySources().addFirst(new MapPropertySource("t", Map.of("spring.threads.virtual.enabled", "true")));
        assertThat(McpGatewayAutoConfiguration.virtualThreads(unset, env)).isTrue();
    }
}
