package io.openharbor.mcp.gateway;

import org.jspecify.annotations.Nullable;

/**
 * Which of a federation's tools, prompts and resources a caller may see and use. One decision serves both: an entry
 * the policy refuses is left out of the caller's lists and a call, get, read, subscribe or completion that names it
 * is answered exactly as for a name that does not exist ({@code -32602}), so a refusal never reveals that the entry
 * exists. A list filtered for a caller is built for that request only and never served to another.
 *
 * <p>Decisions must depend only on their arguments (the same arguments, the same answer on every gateway instance),
 * be fast (they run for every entry of a list) and be thread-safe.
 *
 * <pre>{@code
 * AccessPolicy policy = (caller, server, kind, name) ->
 *     !(server.equals("billing") && kind == AccessPolicy.Kind.TOOL && name.startsWith("refund")
 *         && !"finance-bot".equals(caller));
 * }</pre>
 */
@FunctionalInterface
public interface AccessPolicy {
    /** Allows everything: the default. */
    AccessPolicy ALLOW_ALL = (caller, server, kind, name) -> true;

    /** What an entry is. */
    enum Kind {
        /** A tool, by its original name. */
        TOOL,
        /** A prompt, by its original name. */
        PROMPT,
        /** A resource, by its original URI. */
        RESOURCE,
        /** A resource template, by its original URI template. */
        RESOURCE_TEMPLATE
    }

    /**
     * Whether {@code caller} may see and use an entry.
     *
     * @param caller the identity the {@link Authenticator} gave, or null when the gateway authenticates nobody
     * @param server the id of the server that owns the entry ({@link McpServer#id()})
     * @param kind what the entry is
     * @param name the entry's name (or URI, or URI template) as its server knows it
     * @return true to allow
     */
    boolean allows(@Nullable String caller, String server, Kind kind, String name);
}
