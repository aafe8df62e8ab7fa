package io.openharbor.mcp.gateway.spring;

import io.openharbor.mcp.gateway.LoadBalancer;
import io.openharbor.mcp.gateway.TlsPolicy;
import io.openharbor.mcp.gateway.config.ConfigException;
import io.openharbor.mcp.gateway.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.Environment;

/**
 * The gateway's configuration from the bound properties: flattened ({@link PropertyKeys}) and handed to
 * {@code gateway-config}, which checks and maps them as it does a file. Its problems come back in property names, each
 * with where Spring read the property (file and line, or environment variable).
 */
final class PropertiesConfig {
    private PropertiesConfig() {}

    static GatewayConfig load(
            McpGatewayProperties properties,
            Environment environment,
            @Nullable LoadBalancer balancer,
            @Nullable TlsPolicy tlsPolicy) {
        List<String> problems = new ArrayList<>();
        String path = properties.getPath();
        if (!path.startsWith("/") || path.contains("*") || path.contains("?") || path.contains("#")) {
            problems.add("mcp.gateway.path = \"" + path + "\": expected an exact path starting with /, such as /mcp");
        }
        PropertyKeys keys = PropertyKeys.of(properties);
        if (properties.getBackendServers().isEmpty() && properties.getServers().isEmpty()) {
            problems.add(
                    "no MCP server is configured: set mcp.gateway.backend-servers[0].url (the replicas of one server),"
                            + " or mcp.gateway.servers[0].name, .prefix and .backend-servers[0].url (a federation),"
                            + " or mcp.gateway.enabled=false");
        }
        if (!problems.isEmpty()) {
            throw new InvalidGatewayPropertiesException(problems);
        }
        Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
        GatewayConfig.Loader loader = GatewayConfig.loader()
                .environment(Map.of()) // Spring reads the environment itself (MCP_GATEWAY_... variables)
                .keys("mcp.gateway properties", keys.keys, key -> origin(keys.propertyName(key), sources));
        if (balancer != null) {
            loader.loadBalancer(balancer);
        }
        if (tlsPolicy != null) {
            loader.tlsPolicy(tlsPolicy);
        }
        try {
            return loader.load();
        } catch (ConfigException e) {
            // Not chained: the cause says the same in the file's key paths, which these properties are not.
            throw new InvalidGatewayPropertiesException(
                    e.errors().stream().map(keys::translate).toList());
        }
    }

    /** {@code property mcp.gateway.x from <where Spring read it>}: a list's element may have been set as the list. */
    private static String origin(String name, Iterable<ConfigurationPropertySource> sources) {
        String where = null;
        for (String candidate : new String[] {name, name.replaceAll("\\[\\d+]$", "")}) {
            if (!ConfigurationPropertyName.isValid(candidate)) {
                continue;
            }
            ConfigurationPropertyName n = ConfigurationPropertyName.of(candidate);
            for (ConfigurationPropertySource s : sources) {
                ConfigurationProperty p = s.getConfigurationProperty(n);
                if (p != null && p.getOrigin() != null) {
                    where = p.getOrigin().toString();
                    break;
                }
            }
            if (where != null) {
                break;
            }
        }
        return "property " + name + (where == null ? "" : " from " + where);
    }
}
