package io.openharbor.mcp.gateway;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The bounded forms of what a client chooses freely (methods, names, revisions), for metric attributes. */
final class MetricValues {
    /** What stands for every value outside the known set, as the OpenTelemetry semantic conventions spell it. */
    static final String OTHER = "_OTHER";

    private static final Set<String> METHODS = Set.of(
            "initialize",
            "ping",
            "server/discover",
            "tools/list",
            "tools/call",
            "prompts/list",
            "prompts/get",
            "resources/list",
            "resources/templates/list",
            "resources/read",
            "resources/subscribe",
            "resources/unsubscribe",
            "completion/complete",
            "logging/setLevel",
            "roots/list",
            "sampling/createMessage",
            "elicitation/create",
            "tasks/get",
            "tasks/list",
            "tasks/result",
            "tasks/cancel",
            "notifications/initialized",
            "notifications/cancelled",
            "notifications/progress",
            "notifications/message",
            "notifications/roots/list_changed",
            "notifications/tasks/status");

    private static final Set<String> REVISIONS =
            Set.of("2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28");

    private MetricValues() {}

    static @Nullable String method(@Nullable String method) {
        return method == null ? null : METHODS.contains(method) ? method : OTHER;
    }

    static @Nullable String target(@Nullable String target, boolean listed) {
        return target == null ? null : listed ? target : OTHER;
    }

    static @Nullable String revision(@Nullable String revision) {
        return revision == null ? null : REVISIONS.contains(revision) ? revision : OTHER;
    }
}
