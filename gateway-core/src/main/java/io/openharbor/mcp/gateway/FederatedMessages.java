package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a federation rewrites in the messages a server sends back on a routed request's answer (its JSON body, or each
 * event of its stream): the id of a request the server sends the client (sampling, elicitation, roots, ping) is sealed
 * with the server's id, so the client's answer finds this server on any instance; the URI of
 * {@code notifications/resources/updated} and the URIs of resource links and embedded resources in a result get the
 * server's prefix; a {@code list_changed} marks the server's catalog of that kind for reading again and passes on.
 * Everything else passes byte for byte; a message is parsed only when a cheap scan finds something to rewrite.
 */
final class FederatedMessages implements Relay.MessageRewriter {
    private final Federation.Member member;
    private final SessionTokens tokens;

    FederatedMessages(Federation.Member member, SessionTokens tokens) {
        this.member = member;
        this.tokens = tokens;
    }

    @Override
    public byte @Nullable [] rewrite(byte[] message) {
        String text = new String(message, StandardCharsets.UTF_8);
        boolean request = text.contains("\"method\"");
        if (!request && !text.contains("\"uri\"") && !text.contains("\"resourceUri\"")) {
            return null;
        }
        JsonSplice.Found method = request ? JsonSplice.find(message, "method") : null;
        if (method != null && method.text() != null) {
            return serverMessage(message, method.text());
        }
        return result(text);
    }

    /** A request or notification of the server's. */
    private byte @Nullable [] serverMessage(byte[] message, String method) {
        JsonSplice.Found id = JsonSplice.find(message, "id");
        if (id != null) {
            String idJson = new String(message, id.start(), id.end() - id.start(), StandardCharsets.UTF_8);
            String sealed = tokens.sealServerRequestId(member.id(), idJson);
            return JsonSplice.replace(message, id, JsonSplice.quote(sealed));
        }
        switch (method) {
            case "notifications/resources/updated" -> {
                JsonSplice.Found uri = JsonSplice.find(message, "params", "uri");
                if (uri != null && uri.text() != null) {
                    return JsonSplice.replace(
                            message,
                            uri,
                            JsonSplice.quote(FederatedNames.exposeUri(member.server.prefix(), uri.text())));
                }
                return null;
            }
            case "notifications/tools/list_changed" -> member.catalogs.remove(ListPageReader.Kind.TOOLS);
            case "notifications/prompts/list_changed" -> member.catalogs.remove(ListPageReader.Kind.PROMPTS);
            case "notifications/resources/list_changed" -> {
                member.catalogs.remove(ListPageReader.Kind.RESOURCES);
                member.catalogs.remove(ListPageReader.Kind.RESOURCE_TEMPLATES);
            }
            default -> {}
        }
        return null;
    }

    /** An answer: the URIs of resource links and embedded resources in {@code result.content}. */
    private byte @Nullable [] result(String text) {
        Object answer;
        try {
            answer = JsonTree.parse(text);
        } catch (IOException e) {
            return null; // not ours to judge: passed on as the server wrote it
        }
        Map<String, Object> result = JsonTree.object(answer, "result");
        if (result == null || !(result.get("content") instanceof List<?> content)) {
            return null;
        }
        String prefix = member.server.prefix();
        boolean changed = false;
        for (Object o : content) {
            Map<String, Object> item = o instanceof Map<?, ?> ? cast(o) : null;
            if (item == null) continue;
            Object type = item.get("type");
            Map<String, Object> target = "resource_link".equals(type)
                    ? item
                    : "resource".equals(type) ? JsonTree.object(item, "resource") : null;
            if (target != null && target.get("uri") instanceof String uri) {
                target.put("uri", FederatedNames.exposeUri(prefix, uri));
                changed = true;
            }
        }
        Map<String, Object> ui = JsonTree.object(JsonTree.object(result, "_meta"), "ui");
        if (ui != null && ui.get("resourceUri") instanceof String uri) {
            ui.put("resourceUri", FederatedNames.exposeUri(prefix, uri));
            changed = true;
        }
        return changed ? JsonTree.write(answer).getBytes(StandardCharsets.UTF_8) : null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Object o) {
        return (Map<String, Object>) o;
    }
}
