package io.openharbor.mcp.gateway;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The tool and prompt names backends have listed in answers that passed through this gateway, so that an
 * {@link McpCall} can say whether its target is one ({@link McpCall#targetListed()}) and metrics never take a name a
 * client made up as a tag value. Learned only while someone listens to exchanges; at most {@link #MAX} names of each
 * kind (a name a backend stops listing is not forgotten). Thread-safe.
 */
final class ListedNames {
    static final int MAX = 10_000;

    private final Set<String> tools = ConcurrentHashMap.newKeySet();
    private final Set<String> prompts = ConcurrentHashMap.newKeySet();

    /** Whether {@code name}, the target of a message of this method, has been listed. */
    boolean contains(@Nullable String method, String name) {
        Set<String> names = byCall(method);
        return names != null && names.contains(name);
    }

    /** Whether the answer to a message of this method lists names: {@code tools/list} or {@code prompts/list}. */
    static boolean lists(@Nullable String method) {
        return "tools/list".equals(method) || "prompts/list".equals(method);
    }

    /** Records a name a list answer of {@code listMethod} held. */
    void add(String listMethod, String name) {
        Set<String> names =
                listMethod.equals("tools/list") ? tools : listMethod.equals("prompts/list") ? prompts : null;
        if (names != null && names.size() < MAX) {
            names.add(name);
        }
    }

    private @Nullable Set<String> byCall(@Nullable String method) {
        if ("tools/call".equals(method)) return tools;
        if ("prompts/get".equals(method)) return prompts;
        return null;
    }
}
