package io.openharbor.mcp.gateway.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.openharbor.mcp.gateway.config.ConfigException;
import io.openharbor.mcp.gateway.config.GatewayConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The properties mirror the configuration's keys: every one of them is a key {@code gateway-config} knows. */
class PropertyKeysTest {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    @Test
    void everyPropertyIsAKeyTheConfigurationKnows() throws Exception {
        McpGatewayProperties all = new McpGatewayProperties();
        fill(all);
        List<McpGatewayProperties.Server> servers = all.getServers();
        // A configuration has either backend servers (one pool) or servers (a federation): each in turn.
        McpGatewayProperties.Federation federation = all.getFederation();
        all.setServers(new ArrayList<>());
        all.setFederation(null); // read only for a federation
        PropertyKeys pool = PropertyKeys.of(all);
        assertThat(unknownKeys(pool)).isEmpty();
        all.setServers(servers);
        all.setFederation(federation);
        all.setBackendServers(new ArrayList<>());
        servers.get(1).setLoadBalancing(null); // so the top level's balancing, its default, is read for it
        servers.get(1).setPool(null);
        PropertyKeys federated = PropertyKeys.of(all);
        // A server shares the top level's property types, but not all of their keys: these it refuses, by name.
        assertThat(unknownKeys(federated))
                .allMatch(l -> l.startsWith("Gateway:Servers:0:LoadBalancing:MaxAttempts ")
                        || l.startsWith("Gateway:Servers:0:LoadBalancing:RetryBudget:")
                        || l.startsWith("Gateway:Servers:0:Pool:Name ")
                        || l.startsWith("Gateway:Servers:0:Pool:OutlierDetection:")
                        || l.startsWith("Gateway:Pool:Name "))
                .hasSize(10);

        assertThat(pool.keys)
                .hasSizeGreaterThan(100)
                .containsKeys(
                        "Gateway:BackendServers:1:TlsOptions:ClientCertificate:PasswordFile",
                        "Gateway:Security:ResponseHeaders:X-Test",
                        "Gateway:Limits:MaxRequestBodyBytes");
        assertThat(federated.keys)
                .containsKeys(
                        "Gateway:Federation:CatalogRefresh",
                        "Gateway:Servers:0:LoadBalancing:HealthCheck:UnhealthyThreshold");
        assertThat(pool.keys).doesNotContainKeys("Gateway:Enabled", "Gateway:Path");
    }

    /** The problems about keys; values are made up to be set, not to be valid, so problems about values are many. */
    private static List<String> unknownKeys(PropertyKeys keys) {
        ConfigException e = catchThrowableOfType(
                ConfigException.class,
                () -> GatewayConfig.loader()
                        .environment(Map.of())
                        .keys("all properties", keys.keys, k -> "set")
                        .load());
        return e == null
                ? List.of()
                : e.errors().stream().filter(l -> l.contains("unknown key")).toList();
    }

    @Test
    void valuesTakeTheConfigurationsFormsAndMessagesComeBackInPropertyNames() {
        McpGatewayProperties p = new McpGatewayProperties();
        McpGatewayProperties.BackendServer b = new McpGatewayProperties.BackendServer();
        b.setUrl("http://127.0.0.1:9/mcp");
        b.setH2cPriorKnowledge(true);
        p.getBackendServers().add(b);
        McpGatewayProperties.LoadBalancing lb = new McpGatewayProperties.LoadBalancing();
        lb.setStrategy(McpGatewayProperties.Strategy.LEAST_CONNECTIONS);
        lb.setHealthCheckInterval(Duration.ofSeconds(90));
        p.setLoadBalancing(lb);
        McpGatewayProperties.Limits limits = new McpGatewayProperties.Limits();
        limits.setMaxRequestBodyBytes(DataSize.ofMegabytes(2));
        p.setLimits(limits);
        PropertyKeys keys = PropertyKeys.of(p);
        assertThat(keys.keys)
                .containsEntry("Gateway:LoadBalancing:Strategy", "LeastConnections")
                .containsEntry("Gateway:LoadBalancing:HealthCheckInterval", "PT1M30S")
                .containsEntry("Gateway:Limits:MaxRequestBodyBytes", "2097152")
                .containsEntry("Gateway:BackendServers:0:H2cPriorKnowledge", "true");
        assertThat(keys.translate(
                        "Gateway:BackendServers:0:H2cPriorKnowledge = \"x\" (GATEWAY__BACKENDSERVERS__0__URL)"))
                .isEqualTo(
                        "mcp.gateway.backend-servers[0].h2c-prior-knowledge = \"x\" (MCP_GATEWAY_BACKENDSERVERS_0_URL)");
        assertThat(keys.translate(
                        "Gateway:Security:RequireHttp: unknown key: did you mean Gateway:Security:RequireHttps?"))
                .isEqualTo("mcp.gateway.security.require-http: unknown key: did you mean"
                        + " mcp.gateway.security.require-https?");
        assertThat(keys.translate(
                        "Gateway:Pool:Name (x): unknown key; known keys in Gateway:Pool: OutlierDetection, SlowStart"))
                .isEqualTo("mcp.gateway.pool.name (x): unknown key; known keys in mcp.gateway.pool: outlier-detection,"
                        + " slow-start");
    }

    /** Sets every leaf of {@code bean}, and two elements of every list of beans. */
    private static void fill(Object bean) throws Exception {
        for (Field f : bean.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) {
                continue;
            }
            String property =
                    Character.toUpperCase(f.getName().charAt(0)) + f.getName().substring(1);
            Class<?> type = f.getType();
            Object value;
            if (type == List.class) {
                Class<?> element = (Class<?>) ((ParameterizedType) f.getGenericType()).getActualTypeArguments()[0];
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    list.add(element == String.class ? "x" + i : make(element));
                }
                value = list;
            } else if (type == Map.class) {
                value = Map.of("X-Test", "1");
            } else if (f.getName().equals("url")) {
                value = "https://127.0.0.1:" + (9000 + COUNTER.incrementAndGet()) + "/mcp"; // read only when valid
            } else if (f.getName().equals("prefix")) {
                value = "p" + COUNTER.incrementAndGet();
            } else {
                value = leaf(type);
                if (value == null) {
                    value = make(type);
                }
            }
            bean.getClass().getMethod("set" + property, type).invoke(bean, value);
        }
    }

    private static Object make(Class<?> type) throws Exception {
        Object nested = type.getDeclaredConstructor().newInstance();
        fill(nested);
        return nested;
    }

    private static Object leaf(Class<?> type) {
        if (type == String.class) return "/x";
        if (type == Integer.class) return 2;
        if (type == Boolean.class || type == boolean.class) return true;
        if (type == Double.class) return 0.1;
        if (type == Duration.class) return Duration.ofSeconds(2);
        if (type == DataSize.class) return DataSize.ofKilobytes(64);
        if (type.isEnum()) return type.getEnumConstants()[0];
        return null;
    }
}
