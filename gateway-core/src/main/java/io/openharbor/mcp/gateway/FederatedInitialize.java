package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The answer a federation gives to {@code initialize}, merged from its servers' answers: the lowest protocol version
 * of the client's and the servers', the union of their capabilities (with {@code listChanged} on every list, because
 * the federated view changes when a server joins or leaves even if no server's list does), and one section of
 * instructions per server.
 */
final class FederatedInitialize {
    private FederatedInitialize() {}

    /** One server's initialize result. */
    record Answer(McpServer server, Map<String, Object> result) {
        String protocolVersion() {
            String v = JsonTree.string(result, "protocolVersion");
            return v == null ? "" : v;
        }
    }

    /** Reads a server's initialize answer; null if it is not a result (an error, or no answer). */
    @SuppressWarnings("unchecked")
    static @Nullable Map<String, Object> result(@Nullable String message) {
        if (message == null) return null;
        try {
            Object v = JsonTree.parse(message);
            Map<String, Object> result = JsonTree.object(v, "result");
            return result != null && result.get("protocolVersion") instanceof String ? result : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The lowest of the versions given (dates, so they sort as strings); empty ones are ignored. */
    static String lowest(@Nullable String client, List<String> servers) {
        String low = client == null || client.isEmpty() ? null : client;
        for (String v : servers) {
            if (!v.isEmpty() && (low == null || v.compareTo(low) < 0)) {
                low = v;
            }
        }
        return low == null ? "" : low;
    }

    /** The merged result (the {@code result} member of the answer to the client). */
    static Map<String, Object> merge(@Nullable String clientVersion, List<Answer> answers, String serviceName) {
        List<String> versions = new ArrayList<>(answers.size());
        for (Answer a : answers) {
            versions.add(a.protocolVersion());
        }
        Map<String, Object> caps = new LinkedHashMap<>();
        boolean subscribe = false;
        StringBuilder instructions = new StringBuilder();
        for (Answer a : answers) {
            Map<String, Object> c = JsonTree.object(a.result(), "capabilities");
            if (c == null) continue;
            for (String list : List.of("tools", "prompts", "resources")) {
                if (c.containsKey(list)) {
                    caps.put(list, new LinkedHashMap<String, Object>());
                }
            }
            Map<String, Object> resources = JsonTree.object(c, "resources");
            if (resources != null && Boolean.TRUE.equals(resources.get("subscribe"))) {
                subscribe = true;
            }
            for (String plain : List.of("logging", "completions")) {
                if (c.containsKey(plain)) {
                    caps.put(plain, new LinkedHashMap<String, Object>());
                }
            }
            String text = JsonTree.string(a.result(), "instructions");
            if (text != null && !text.isBlank()) {
                if (instructions.length() > 0) instructions.append("\n\n");
                instructions
                        .append("## ")
                        .append(a.server().prefix())
                        .append(" (names starting with '")
                        .append(a.server().prefix())
                        .append("')\n")
                        .append(text.strip());
            }
        }
        for (String list : List.of("tools", "prompts", "resources")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) caps.get(list);
            if (m != null) {
                if (list.equals("resources") && subscribe) {
                    m.put("subscribe", true);
                }
                m.put("listChanged", true);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("protocolVersion", lowest(clientVersion, versions));
        result.put("capabilities", caps);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", serviceName);
        String version = FederatedInitialize.class.getPackage().getImplementationVersion();
        info.put("version", version == null ? "dev" : version);
        result.put("serverInfo", info);
        if (instructions.length() > 0) {
            result.put("instructions", instructions.toString());
        }
        return result;
    }
}
