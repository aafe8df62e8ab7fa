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
    static @Nullable Map<String, Object> result(@Nullable String message) {
        Map<String, Object> result = anyResult(message);
        return result != null && result.get("protocolVersion") instanceof String ? result : null;
    }

    /** The {@code result} of a JSON-RPC answer, or null for an error or no answer. */
    static @Nullable Map<String, Object> anyResult(@Nullable String message) {
        if (message == null) return null;
        try {
            return JsonTree.object(JsonTree.parse(message), "result");
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
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("protocolVersion", lowest(clientVersion, versions));
        common(result, answers, serviceName);
        return result;
    }

    /**
     * The merged result of {@code server/discover} (2026-07-28): the versions every server supports, and as for
     * initialize the capabilities, server info and instructions; {@code ttlMs} the shortest of the parts',
     * {@code cacheScope} private if any part is.
     */
    static Map<String, Object> discover(List<Answer> answers, String serviceName, boolean filtered) {
        List<Object> supported = null;
        for (Answer a : answers) {
            if (a.result().get("supportedVersions") instanceof List<?> versions) {
                if (supported == null) {
                    supported = new ArrayList<>(versions);
                } else {
                    supported.retainAll(versions);
                }
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("supportedVersions", supported == null ? List.of() : supported);
        common(result, answers, serviceName);
        cacheFields(result, answers, filtered);
        return result;
    }

    /** {@code ttlMs} (the shortest) and {@code cacheScope} (private if any part is, or the view is filtered). */
    static void cacheFields(Map<String, Object> result, List<Answer> parts, boolean filtered) {
        java.math.BigInteger ttl = null;
        boolean any = false;
        boolean isPrivate = filtered;
        for (Answer a : parts) {
            if (a.result().get("ttlMs") instanceof java.math.BigInteger t) {
                ttl = ttl == null || t.compareTo(ttl) < 0 ? t : ttl;
                any = true;
            }
            if (a.result().get("cacheScope") instanceof String scope) {
                any = true;
                isPrivate |= !scope.equals("public");
            }
        }
        if (any) {
            if (ttl != null) result.put("ttlMs", ttl);
            result.put("cacheScope", isPrivate ? "private" : "public");
        }
    }

    private static void common(Map<String, Object> result, List<Answer> answers, String serviceName) {
        Map<String, Object> caps = new LinkedHashMap<>();
        boolean subscribe = false;
        StringBuilder instructions = new StringBuilder();
        for (Answer a : answers) {
            Map<String, Object> c = JsonTree.object(a.result(), "capabilities");
            if (c != null) {
                for (String kind : List.of("tools", "prompts", "resources", "logging", "completions")) {
                    if (c.containsKey(kind)) {
                        caps.put(kind, new LinkedHashMap<String, Object>());
                    }
                }
                Map<String, Object> resources = JsonTree.object(c, "resources");
                if (resources != null && Boolean.TRUE.equals(resources.get("subscribe"))) {
                    subscribe = true;
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
        result.put("capabilities", caps);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", serviceName);
        String version = FederatedInitialize.class.getPackage().getImplementationVersion();
        info.put("version", version == null ? "dev" : version);
        result.put("serverInfo", info);
        if (instructions.length() > 0) {
            result.put("instructions", instructions.toString());
        }
    }
}
