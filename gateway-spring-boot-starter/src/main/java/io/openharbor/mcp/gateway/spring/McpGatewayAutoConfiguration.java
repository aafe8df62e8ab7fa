package io.openharbor.mcp.gateway.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.openharbor.mcp.gateway.Authenticator;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.LoadBalancer;
import io.openharbor.mcp.gateway.RateLimiter;
import io.openharbor.mcp.gateway.TlsPolicy;
import io.openharbor.mcp.gateway.config.GatewayConfig;
import io.openharbor.mcp.gateway.micrometer.GatewayMeters;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The gateway from {@code mcp.gateway.*} properties, served at {@code mcp.gateway.path} (default {@code /mcp}) on the
 * application's own servlet server. Every bean backs off when the application defines its own: a {@link Gateway} or
 * {@link GatewayConfig} bean replaces the starter's; a {@link LoadBalancer}, {@link TlsPolicy}, {@link Authenticator}
 * or {@link RateLimiter} bean replaces what the properties would configure; {@link GatewayBuilderCustomizer} beans
 * adjust the builder. With a Micrometer {@code MeterRegistry} the gateway's meters are bound to it
 * ({@link GatewayMeters}); on shutdown the gateway finishes its exchanges within {@code mcp.gateway.timeouts.drain}
 * beside the server's graceful shutdown.
 */
@AutoConfiguration(
        afterName = {
            // Boot 4, then Boot 3: the application's MeterRegistry exists before the gateway is built
            "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
            "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration"
        })
@ConditionalOnProperty(prefix = "mcp.gateway", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(McpGatewayProperties.class)
public final class McpGatewayAutoConfiguration {
    private static final Logger log = LoggerFactory.getLogger(McpGatewayAutoConfiguration.class);

    /** Only Spring makes one. */
    McpGatewayAutoConfiguration() {}

    @Bean
    @ConditionalOnMissingBean({GatewayConfig.class, Gateway.class})
    GatewayConfig mcpGatewayConfig(
            McpGatewayProperties properties,
            Environment environment,
            ObjectProvider<LoadBalancer> balancer,
            ObjectProvider<TlsPolicy> tlsPolicy) {
        return PropertiesConfig.load(properties, environment, balancer.getIfAvailable(), tlsPolicy.getIfAvailable());
    }

    @Bean
    @ConditionalOnMissingBean
    Gateway mcpGateway(
            GatewayConfig config,
            McpGatewayProperties properties,
            Environment environment,
            ObjectProvider<Authenticator> authenticator,
            ObjectProvider<RateLimiter> rateLimiter,
            ObjectProvider<GatewayMeters> meters,
            ObjectProvider<GatewayBuilderCustomizer> customizers) {
        Gateway.Builder builder = config.toBuilder();
        authenticator.ifAvailable(builder::authenticator);
        rateLimiter.ifAvailable(builder::rateLimiter);
        Boolean virtual = virtualThreads(properties, environment);
        if (virtual != null) {
            builder.virtualThreads(virtual);
        }
        // The health JSON is compared with the whole request path, which includes the context path.
        String health =
                properties.getHealth() == null ? null : properties.getHealth().getPath();
        builder.healthPath(health == null || health.isEmpty() ? null : contextPath(environment) + health);
        GatewayMeters m = meters.getIfAvailable();
        if (m != null) {
            m.addTo(builder);
        }
        customizers.orderedStream().forEach(c -> c.customize(builder));
        Gateway gateway = builder.build();
        if (m != null) {
            m.bindTo(gateway);
        }
        return gateway;
    }

    /**
     * {@code mcp.gateway.virtual-threads} when set (already applied by the configuration), else Spring's
     * {@code spring.threads.virtual.enabled} when set, else null: the gateway's default (virtual on Java 21+).
     */
    static @Nullable Boolean virtualThreads(McpGatewayProperties properties, Environment environment) {
        if (properties.getVirtualThreads() != null) {
            return null;
        }
        return environment.getProperty("spring.threads.virtual.enabled", Boolean.class);
    }

    private static String contextPath(Environment environment) {
        String c = environment.getProperty("server.servlet.context-path", "");
        return c.endsWith("/") ? c.substring(0, c.length() - 1) : c;
    }

    @Bean
    @ConditionalOnMissingBean
    GatewayDrain mcpGatewayDrain(Gateway gateway, ObjectProvider<GatewayConfig> config) {
        GatewayConfig c = config.getIfAvailable();
        return new GatewayDrain(gateway, c == null ? GatewayConfig.DEFAULT_DRAIN_TIMEOUT : c.drainTimeout());
    }

    /** The gateway's servlet on the application's own server. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = "jakarta.servlet.http.HttpServlet")
    static class ServletConfiguration {
        @Bean
        @ConditionalOnMissingBean(name = "mcpGatewayServlet")
        ServletRegistrationBean<GatewayServlet> mcpGatewayServlet(
                Gateway gateway, McpGatewayProperties properties, Environment environment) {
            ServletRegistrationBean<GatewayServlet> r = new ServletRegistrationBean<>(new GatewayServlet(gateway));
            r.setName("mcpGateway");
            r.addUrlMappings(properties.getPath());
            String health = properties.getHealth() == null
                    ? null
                    : properties.getHealth().getPath();
            if (health != null && !health.isEmpty()) {
                r.addUrlMappings(health);
            }
            // An OAuth authenticator's protected-resource metadata lives at the origin's root (RFC 9728 puts the
            // well-known prefix before the resource's path), which only an application without a context path owns.
            List<String> metadata = gateway.resourceMetadataPaths();
            if (!metadata.isEmpty()) {
                if (contextPath(environment).isEmpty()) {
                    r.addUrlMappings(metadata.toArray(new String[0]));
                } else {
                    log.warn(
                            "the OAuth protected-resource metadata belongs at {} on the origin's root, outside the"
                                    + " context path {}: serve it there (docs/oauth.md)",
                            metadata,
                            contextPath(environment));
                }
            }
            r.setLoadOnStartup(1);
            return r;
        }
    }

    /** The gateway's meters in the application's registry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(MeterRegistry.class)
    static class MetricsConfiguration {
        @Bean
        @ConditionalOnMissingBean
        GatewayMeters mcpGatewayMeters(MeterRegistry registry) {
            return GatewayMeters.create(registry);
        }
    }
}
