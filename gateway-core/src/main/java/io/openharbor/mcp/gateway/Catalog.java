package io.openharbor.mcp.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One kind of list (tools, prompts, resources or templates) of one federated server as this gateway instance last read
 * it whole: each entry under its exposed name, with its JSON as the client sees it (the name or URI rewritten, every
 * other member as the server wrote it), sorted by exposed name, with the reverse map routing uses. Immutable; a
 * refresh replaces it. Catalogs are per instance and per server, never per session.
 */
final class Catalog {
    /** One entry: the name (or URI) clients see, the one its server knows, and its JSON as clients see it. */
    record Item(String exposed, String original, String json) {}

    final ListPageReader.Kind kind;
    /** Sorted by exposed name. */
    final List<Item> items;
    /** Exposed name to entry. */
    final Map<String, Item> byExposed;
    /** When it was read ({@link Ticker} nanoseconds). */
    final long readAt;
    /**
     * The first page's {@code ttlMs} and {@code cacheScope} (2026-07-28 servers), as a result map holding only those
     * two (empty when the server gave neither).
     */
    final Map<String, Object> cache;

    private Catalog(
            ListPageReader.Kind kind,
            List<Item> items,
            Map<String, Item> byExposed,
            long readAt,
            Map<String, Object> cache) {
        this.kind = kind;
        this.items = items;
        this.byExposed = byExposed;
        this.readAt = readAt;
        this.cache = cache;
    }

    /** How long the catalog may be served, in nanoseconds: the refresh period, or the server's ttlMs if shorter. */
    long maxAgeNanos(long refreshNanos) {
        return cache.get("ttlMs") instanceof java.math.BigInteger ttl
                ? Math.min(refreshNanos, java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(ttl.longValue()))
                : refreshNanos;
    }

    /** A tool's {@code _meta.ui.resourceUri} (an MCP Apps UI resource) with the server's prefix, as resources get it. */
    private static String withUiResource(String json, String prefix) {
        try {
            Object tool = JsonTree.parse(json);
            Map<String, Object> ui = JsonTree.object(JsonTree.object(tool, "_meta"), "ui");
            if (ui != null && ui.get("resourceUri") instanceof String uri) {
                ui.put("resourceUri", FederatedNames.exposeUri(prefix, uri));
                return JsonTree.write(tool);
            }
        } catch (java.io.IOException e) {
            // the reader re-serialised it: it is well-formed
        }
        return json;
    }

    /** An empty catalog: the server does not offer this kind of list. */
    static Catalog empty(ListPageReader.Kind kind, long readAt) {
        return new Catalog(kind, List.of(), Map.of(), readAt, Map.of());
    }

    /**
     * The catalog of a server's whole list.
     *
     * @throws IllegalStateException naming both entries when two map to one exposed name
     */
    static Catalog of(
            McpServer server,
            FederatedNames names,
            ListPageReader.Kind kind,
            List<ListPageReader.Entry> entries,
            long readAt,
            Map<String, Object> cache) {
        List<Item> items = new ArrayList<>(entries.size());
        List<FederatedNames.Entry> index = new ArrayList<>(entries.size());
        boolean named = kind == ListPageReader.Kind.TOOLS || kind == ListPageReader.Kind.PROMPTS;
        for (ListPageReader.Entry e : entries) {
            String original = e.key();
            if (named && !server.exposes(original)) {
                continue;
            }
            String exposed = named
                    ? names.expose(server.id(), server.prefix(), original)
                    : FederatedNames.exposeUri(server.prefix(), original);
            byte[] json = e.json().getBytes(StandardCharsets.UTF_8);
            JsonSplice.Found at = JsonSplice.find(json, kind.key);
            if (at == null) {
                continue; // cannot happen: the reader found the key
            }
            String rewritten =
                    new String(JsonSplice.replace(json, at, JsonSplice.quote(exposed)), StandardCharsets.UTF_8);
            if (kind == ListPageReader.Kind.TOOLS && rewritten.contains("\"resourceUri\"")) {
                rewritten = withUiResource(rewritten, server.prefix());
            }
            items.add(new Item(exposed, original, rewritten));
            index.add(new FederatedNames.Entry(server.id(), kind.array, original, exposed));
        }
        Map<String, FederatedNames.Entry> byName = FederatedNames.index(index); // refuses a collision
        items.sort(Comparator.comparing(Item::exposed));
        Map<String, Item> byExposed = new java.util.HashMap<>(items.size() * 2);
        for (Item i : items) {
            byExposed.put(i.exposed(), i);
        }
        assert byName.size() == byExposed.size();
        return new Catalog(
                kind,
                Collections.unmodifiableList(items),
                Collections.unmodifiableMap(byExposed),
                readAt,
                Map.copyOf(cache));
    }
}
