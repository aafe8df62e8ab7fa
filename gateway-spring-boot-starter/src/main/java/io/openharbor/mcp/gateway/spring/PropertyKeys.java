package io.openharbor.mcp.gateway.spring;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * The bound {@code mcp.gateway.*} properties as the configuration file's flattened keys: each property is the key of
 * the same name ({@code backendServers[0].maxConnections} is {@code Gateway:BackendServers:0:MaxConnections}), so
 * {@code gateway-config} checks and maps them exactly as it does a file. Also turns the key paths and variable names
 * in its error messages back into property names.
 */
final class PropertyKeys {
    /** Properties of the starter itself, not of the configuration. */
    private static final Set<String> STARTER_ONLY = Set.of("enabled", "path");

    private static final Pattern KEY = Pattern.compile("\\bGateway((?::[A-Za-z0-9_-]+)*)");
    private static final Pattern VARIABLE = Pattern.compile("\\bGATEWAY__([A-Z0-9_]+)");
    private static final Pattern KNOWN = Pattern.compile("(known keys in [^:]+: )([A-Za-z0-9]+(?:, [A-Za-z0-9]+)*)");

    /** Flattened key to value, case-insensitive as the configuration's keys are. */
    final Map<String, String> keys = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    /** Flattened key to the property that set it. */
    final Map<String, String> names = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private PropertyKeys() {}

    static PropertyKeys of(McpGatewayProperties properties) {
        PropertyKeys k = new PropertyKeys();
        k.bean(properties, "Gateway", "mcp.gateway", STARTER_ONLY);
        return k;
    }

    private void bean(Object bean, String key, String name, Set<String> skip) {
        for (Field f : bean.getClass().getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || skip.contains(f.getName())) {
                continue;
            }
            String field = f.getName();
            String property = Character.toUpperCase(field.charAt(0)) + field.substring(1);
            Object value;
            try {
                value = bean.getClass().getMethod("get" + property).invoke(bean);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + f, e);
            }
            value(value, key + ":" + property, name + "." + kebab(field));
        }
    }

    private void value(@Nullable Object value, String key, String name) {
        if (value == null) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                value(list.get(i), key + ":" + i, name + "[" + i + "]");
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> e : map.entrySet()) {
                value(e.getValue(), key + ":" + e.getKey(), name + "[" + e.getKey() + "]");
            }
        } else if (value.getClass().getEnclosingClass() == McpGatewayProperties.class && !(value instanceof Enum)) {
            bean(value, key, name, Set.of());
        } else {
            keys.put(key, text(value));
            names.put(key, name);
        }
    }

    /** A value as the configuration reads it: durations in ISO-8601, sizes in bytes, choices in PascalCase. */
    private static String text(Object value) {
        if (value instanceof Duration d) {
            return d.toString();
        }
        if (value instanceof DataSize s) {
            return Long.toString(s.toBytes());
        }
        if (value instanceof Enum<?> e) {
            StringBuilder sb = new StringBuilder();
            for (String part : e.name().split("_", -1)) {
                sb.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
            }
            return sb.toString();
        }
        return value.toString();
    }

    /** {@code maxConnections} or {@code MaxConnections} as Spring writes it: {@code max-connections}. */
    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c) && i > 0 && camel.charAt(i - 1) != '-') {
                sb.append('-');
            }
            sb.append(Character.toLowerCase(c));
        }
        return sb.toString();
    }

    /** The property a key path stands for: the one that set it, else the path in Spring's form. */
    String propertyName(String key) {
        String set = names.get(key);
        if (set != null) {
            return set;
        }
        StringBuilder sb = new StringBuilder("mcp.gateway");
        for (String part : key.split(":", -1)) {
            if (part.isEmpty() || part.equalsIgnoreCase("Gateway")) {
                continue;
            }
            sb.append(part.chars().allMatch(Character::isDigit) ? "[" + part + "]" : "." + kebab(part));
        }
        return sb.toString();
    }

    /**
     * A message of {@code gateway-config} in property names: {@code Gateway:BackendServers:0:Url} becomes
     * {@code mcp.gateway.backend-servers[0].url}, {@code GATEWAY__BACKENDSERVERS__0__URL} Spring's variable
     * {@code MCP_GATEWAY_BACKENDSERVERS_0_URL}.
     */
    String translate(String message) {
        Matcher m = KEY.matcher(message);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(propertyName("Gateway" + m.group(1))));
        }
        m.appendTail(sb);
        String named = VARIABLE.matcher(sb)
                .replaceAll(r ->
                        Matcher.quoteReplacement("MCP_GATEWAY_" + r.group(1).replace("__", "_")));
        return KNOWN.matcher(named)
                .replaceAll(r -> Matcher.quoteReplacement(r.group(1)
                        + java.util.Arrays.stream(r.group(2).split(", ", -1))
                                .map(PropertyKeys::kebab)
                                .collect(java.util.stream.Collectors.joining(", "))));
    }
}
