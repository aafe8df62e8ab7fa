package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router stage of a federation: what the request path does with a checked request once it knows the gateway
 * fronts several servers. {@code initialize} and the lists fan out and are merged; a request that names a tool,
 * prompt, resource or completion goes to the one server that owns the name, renamed to the name that server knows
 * (by splicing the one string), and its answer is relayed as it arrives; notifications go to every server of the
 * session; {@code ping} is answered here. See {@code docs/federation.md}.
 */
final class FederatedPath {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);
    static final int INVALID_PARAMS = -32602;
    static final int METHOD_NOT_FOUND = -32601;

    private final Federation fed;
    private final Answers answers;
    /** Whether a slow answer may become a stream of the gateway's own (heartbeats are on); else null. */
    private final @Nullable Heartbeats heartbeats;

    FederatedPath(Federation fed, Answers answers, @Nullable Heartbeats heartbeats) {
        this.fed = fed;
        this.answers = answers;
        this.heartbeats = heartbeats;
    }

    /** A POST whose body the peek found to be JSON-RPC, past the edge checks and rate limits. */
    void post(RequestState r, byte[] body, McpPeek peek) throws IOException {
        if (peek.batch) {
            answers.reject(
                    r,
                    400,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: a federated gateway does not take JSON-RPC batches (MCP 2025-06-18 removed them);"
                            + " send one message per request",
                    "batch to a federation");
            return;
        }
        String method = peek.method;
        if (method == null) {
            clientAnswer(r, body);
            return;
        }
        if (HeaderMirror.applies(r.ex)) {
            String why = HeaderMirror.mismatch(r.ex, method, body);
            if (why != null) {
                answers.reject(
                        r,
                        400,
                        JsonRpcErrors.HEADER_MISMATCH,
                        "Bad Request: header mismatch: " + why,
                        "header mismatch");
                return;
            }
        }
        if (method.equals("initialize")) {
            initialize(r, body);
            return;
        }
        List<SessionTokens.Part> parts = session(r);
        if (parts == null && r.status != 0) {
            return; // answered 404
        }
        List<Federation.Slot> slots = fed.slots(parts);
        if (peek.idJson == null) {
            notification(r, body, slots);
            return;
        }
        try {
            switch (method) {
                case "ping" -> result(r, "{}");
                case "tools/list" -> list(r, body, slots, ListPageReader.Kind.TOOLS);
                case "prompts/list" -> list(r, body, slots, ListPageReader.Kind.PROMPTS);
                case "resources/list" -> list(r, body, slots, ListPageReader.Kind.RESOURCES);
                case "resources/templates/list" -> list(r, body, slots, ListPageReader.Kind.RESOURCE_TEMPLATES);
                case "tools/call" -> byName(r, body, slots, ListPageReader.Kind.TOOLS, "tool", "params", "name");
                case "prompts/get" -> byName(r, body, slots, ListPageReader.Kind.PROMPTS, "prompt", "params", "name");
                case "resources/read", "resources/subscribe", "resources/unsubscribe" ->
                    byUri(r, body, slots, false, "params", "uri");
                case "completion/complete" -> completion(r, body, slots);
                case "logging/setLevel" -> everywhere(r, body, slots);
                case "server/discover" -> discover(r, body, slots);
                default -> error(r, METHOD_NOT_FOUND, "Method not found: " + method);
            }
        } catch (Federation.RequiredServerFailed e) {
            log.warn("{} failed: {}", method, e.getMessage());
            error(r, JsonRpcErrors.BACKEND_UNAVAILABLE, "Required server '" + e.server + "' is unavailable");
        }
    }

    /** GET: the session's servers' streams merged into one, with the gateway's list changes. */
    void get(RequestState r) throws IOException {
        List<SessionTokens.Part> parts = session(r);
        if (parts == null && r.status != 0) {
            return;
        }
        FederatedStream.serve(fed, r, fed.slots(parts));
    }

    /** DELETE: every server's session of the client's session is ended. */
    void delete(RequestState r) throws IOException {
        List<SessionTokens.Part> parts = session(r);
        if (parts == null) {
            if (r.status == 0) {
                answers.reject(
                        r,
                        400,
                        JsonRpcErrors.INVALID_REQUEST,
                        "Bad Request: no Mcp-Session-Id",
                        "DELETE without session");
            }
            return;
        }
        List<Federation.Slot> withSessions = new ArrayList<>();
        for (Federation.Slot s : fed.slots(parts)) {
            if (s.part() != null && !s.part().backend().isEmpty()) withSessions.add(s);
        }
        fanOut(r, withSessions, "DELETE", null, 64 * 1024);
        answers.empty(r, 204);
    }

    /** The session's parts, or null: none sent (status 0), or refused (answered 404). */
    private @Nullable List<SessionTokens.Part> session(RequestState r) throws IOException {
        String token = r.ex.requestHeader(SessionRoute.SESSION_HEADER);
        if (token == null) {
            return null;
        }
        token = token.trim();
        try {
            List<SessionTokens.Part> parts = fed.tokens.decodeFederated(token, r.sessionCaller());
            r.clientToken = token;
            return parts;
        } catch (SessionTokens.InvalidTokenException e) {
            answers.sessionNotFound(
                    r, "federated session token refused (" + e.failure.name().toLowerCase(Locale.ROOT) + ")");
            return null;
        }
    }

    // ---- initialize ----

    private void initialize(RequestState r, byte[] body) throws IOException {
        List<Federation.Slot> slots = fed.slots(null);
        List<FanOut.Outcome<UpstreamCall.Reply>> replies = fanOut(r, slots, "POST", body, Federation.MAX_ANSWER_BYTES);
        List<SessionTokens.Part> parts = new ArrayList<>();
        List<FederatedInitialize.Answer> merged = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            Federation.Member m = slots.get(i).member();
            FanOut.Outcome<UpstreamCall.Reply> o = replies.get(i);
            UpstreamCall.Reply reply = o.value();
            Map<String, Object> result = reply == null ? null : FederatedInitialize.result(reply.message());
            if (result == null) {
                String problem =
                        reply == null ? o.problem() : reply.problem() != null ? reply.problem() : reply.message();
                if (m.server.required()) {
                    log.warn("initialize failed: required server {} did not initialize ({})", m.id(), problem);
                    error(r, JsonRpcErrors.BACKEND_UNAVAILABLE, "Required server '" + m.id() + "' is unavailable");
                    return;
                }
                log.warn("initialize: optional server {} left out of the session for now ({})", m.id(), problem);
                fed.seen(m, false, problem);
                // In the session without a part of its own: its names appear once it answers again (a server that
                // keeps sessions then gets the client to initialize again, with it).
                parts.add(new SessionTokens.Part(m.id(), "", "", ""));
                continue;
            }
            m.capabilities = JsonTree.object(result, "capabilities");
            fed.seen(m, true, null);
            FederatedInitialize.Answer a = new FederatedInitialize.Answer(m.server, result);
            merged.add(a);
            UpstreamCall.Reply answered = java.util.Objects.requireNonNull(reply, "a result came with a reply");
            String sid = answered.sessionId();
            BackendRuntime br = answered.backend();
            parts.add(new SessionTokens.Part(
                    m.id(),
                    sid != null && br != null ? br.backend.name() : "",
                    sid != null && br != null ? sid : "",
                    a.protocolVersion()));
        }
        if (merged.isEmpty()) {
            error(r, JsonRpcErrors.BACKEND_UNAVAILABLE, "No server of the federation is available");
            return;
        }
        String clientVersion = clientProtocolVersion(body);
        Map<String, Object> result = FederatedInitialize.merge(clientVersion, merged, fed.serviceName);
        r.issuedToken = fed.tokens.encodeFederated(parts, r.sessionCaller());
        r.ex.addResponseHeader(SessionRoute.SESSION_HEADER, r.issuedToken);
        result(r, JsonTree.write(result));
    }

    private static @Nullable String clientProtocolVersion(byte[] body) {
        JsonSplice.Found v = JsonSplice.find(body, "params", "protocolVersion");
        return v == null ? null : v.text();
    }

    // ---- lists ----

    private void list(RequestState r, byte[] body, List<Federation.Slot> slots, ListPageReader.Kind kind)
            throws IOException, Federation.RequiredServerFailed {
        JsonSplice.Found c = JsonSplice.find(body, "params", "cursor");
        String cursor = c == null ? null : c.text();
        List<@Nullable Catalog> catalogs = fed.catalogs(r, slots, kind, true);
        List<Catalog.Item> view = new ArrayList<>();
        AccessPolicy.Kind access = Federation.accessKind(kind);
        boolean filtered = false;
        List<FederatedInitialize.Answer> cacheParts = new ArrayList<>(slots.size());
        for (int i = 0; i < slots.size(); i++) {
            Catalog cat = catalogs.get(i);
            if (cat == null) continue;
            Federation.Member m = slots.get(i).member();
            cacheParts.add(new FederatedInitialize.Answer(m.server, cat.cache));
            for (Catalog.Item item : cat.items) {
                if (fed.allows(r, m, access, item.original())) {
                    view.add(item);
                } else {
                    filtered = true;
                }
            }
        }
        view.sort((a, b) -> a.exposed().compareTo(b.exposed()));
        FederatedPages.Page page;
        try {
            page = FederatedPages.page(names(view), cursor, fed.pageSize);
        } catch (FederatedPages.InvalidCursor e) {
            error(r, INVALID_PARAMS, "Invalid params: " + e.getMessage());
            return;
        }
        StringBuilder sb = new StringBuilder(256 + (page.to() - page.from()) * 256);
        sb.append("{\"").append(kind.array).append("\":[");
        for (int i = page.from(); i < page.to(); i++) {
            if (i > page.from()) sb.append(',');
            sb.append(view.get(i).json());
        }
        sb.append(']');
        if (page.nextCursor() != null) {
            sb.append(",\"nextCursor\":");
            JsonRpcErrors.quote(sb, page.nextCursor());
        }
        java.util.Map<String, Object> cache = new java.util.LinkedHashMap<>();
        FederatedInitialize.cacheFields(cache, cacheParts, filtered);
        for (java.util.Map.Entry<String, Object> e : cache.entrySet()) {
            sb.append(",\"").append(e.getKey()).append("\":").append(JsonTree.write(e.getValue()));
        }
        result(r, sb.append('}').toString());
    }

    private static List<String> names(List<Catalog.Item> items) {
        return new AbstractList<>() {
            @Override
            public String get(int index) {
                return items.get(index).exposed();
            }

            @Override
            public int size() {
                return items.size();
            }
        };
    }

    // ---- routed requests ----

    /** A request naming a tool or prompt: to the server that owns the name, renamed, its answer relayed. */
    private void byName(
            RequestState r,
            byte[] body,
            List<Federation.Slot> slots,
            ListPageReader.Kind kind,
            String what,
            String... path)
            throws IOException, Federation.RequiredServerFailed {
        JsonSplice.Found at = JsonSplice.find(body, path);
        String exposed = at == null ? null : at.text();
        if (at == null || exposed == null) {
            error(r, INVALID_PARAMS, "Invalid params: " + String.join(".", path) + " must be a string");
            return;
        }
        Routed routed = route(r, slots, kind, exposed);
        if (routed == null) {
            error(r, INVALID_PARAMS, "Unknown " + what + ": " + exposed);
            return;
        }
        r.targetListed = true;
        r.upstreamTarget = routed.original;
        forward(
                r,
                routed.slot,
                JsonSplice.replace(body, at, JsonSplice.quote(routed.original)),
                mirrored(r, routed.original));
    }

    private record Routed(Federation.Slot slot, String original) {}

    /** The slot owning an exposed name the caller may use, reading catalogs again once if it is not found. */
    private @Nullable Routed route(
            RequestState r, List<Federation.Slot> slots, ListPageReader.Kind kind, String exposed)
            throws Federation.RequiredServerFailed {
        List<Federation.Slot> owner = new ArrayList<>(1);
        for (Federation.Slot s : slots) {
            String p = s.member().server.prefix();
            if (exposed.startsWith(p)
                    && exposed.length() > p.length()
                    && !Character.isLetterOrDigit(exposed.charAt(p.length()))) {
                owner.add(s); // the prefix narrows the search; the catalog's reverse map decides
            }
        }
        if (owner.isEmpty()) {
            return null;
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            List<@Nullable Catalog> cats = fed.catalogs(r, owner, kind, attempt == 1);
            for (int i = 0; i < owner.size(); i++) {
                Catalog c = cats.get(i);
                Catalog.Item item = c == null ? null : c.byExposed.get(exposed);
                if (item != null) {
                    Federation.Slot s = owner.get(i);
                    return fed.allows(r, s.member(), Federation.accessKind(kind), item.original())
                            ? new Routed(s, item.original())
                            : null;
                }
            }
        }
        return null;
    }

    /** A request naming a resource URI: to the server of its prefix, with its own URI; a read's answer rewritten. */
    private void byUri(RequestState r, byte[] body, List<Federation.Slot> slots, boolean template, String... path)
            throws IOException {
        JsonSplice.Found at = JsonSplice.find(body, path);
        String exposed = at == null ? null : at.text();
        FederatedNames.OwnedUri owned = exposed == null ? null : FederatedNames.ownerOf(exposed);
        Federation.Slot slot = owned == null ? null : slotOf(slots, owned.prefix());
        if (at == null
                || owned == null
                || slot == null
                || !fed.allows(
                        r,
                        slot.member(),
                        template ? AccessPolicy.Kind.RESOURCE_TEMPLATE : AccessPolicy.Kind.RESOURCE,
                        owned.uri())) {
            error(r, INVALID_PARAMS, "Unknown resource: " + (exposed == null ? "(none)" : exposed));
            return;
        }
        byte[] renamed = JsonSplice.replace(body, at, JsonSplice.quote(owned.uri()));
        if ("resources/read".equals(r.rpcMethod())) {
            read(r, slot, renamed, mirrored(r, owned.uri()));
        } else {
            forward(r, slot, renamed, null);
        }
    }

    /** {@code resources/read}: buffered, so the URIs of the contents can be given the server's prefix. */
    private void read(RequestState r, Federation.Slot slot, byte[] body, @Nullable String mcpName) throws IOException {
        UpstreamCall.Reply reply = UpstreamCall.call(
                r,
                slot.member().chain,
                slot.part(),
                r.clientToken,
                "POST",
                body,
                withName(slot.overrides(), mcpName),
                Federation.MAX_ANSWER_BYTES,
                fed.random,
                new UpstreamCall.Cancellation());
        String message = reply.message();
        if (reply.status() == 404
                && slot.part() != null
                && !slot.part().backend().isEmpty()) {
            answers.sessionBackendGone(
                    r,
                    "404 for resources/read: server {} lost its session ({})",
                    slot.member().id(),
                    String.valueOf(reply.problem()));
            return;
        }
        if (message == null) {
            error(r, JsonRpcErrors.BACKEND_ERROR, "Server '" + slot.member().id() + "' failed: " + reply.problem());
            return;
        }
        String prefix = slot.member().server.prefix();
        try {
            Object answer = JsonTree.parse(message);
            Map<String, Object> result = JsonTree.object(answer, "result");
            if (result != null && result.get("contents") instanceof List<?> contents) {
                for (Object o : contents) {
                    if (o instanceof Map<?, ?> content && content.get("uri") instanceof String uri) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> writable = (Map<String, Object>) content;
                        writable.put("uri", FederatedNames.exposeUri(prefix, uri));
                    }
                }
            }
            answers.json(r, 200, JsonTree.write(answer).getBytes(StandardCharsets.UTF_8), false);
        } catch (IOException e) {
            error(r, JsonRpcErrors.BACKEND_ERROR, "Server '" + slot.member().id() + "' answered malformed JSON");
        }
    }

    private static Federation.@Nullable Slot slotOf(List<Federation.Slot> slots, String prefix) {
        for (Federation.Slot s : slots) {
            if (s.member().server.prefix().equals(prefix)) return s;
        }
        return null;
    }

    /** {@code completion/complete}: by its ref, a prompt's name or a resource template's URI. */
    private void completion(RequestState r, byte[] body, List<Federation.Slot> slots)
            throws IOException, Federation.RequiredServerFailed {
        JsonSplice.Found type = JsonSplice.find(body, "params", "ref", "type");
        if (type != null && "ref/prompt".equals(type.text())) {
            byName(r, body, slots, ListPageReader.Kind.PROMPTS, "prompt", "params", "ref", "name");
        } else if (type != null && "ref/resource".equals(type.text())) {
            byUri(r, body, slots, true, "params", "ref", "uri");
        } else {
            error(r, INVALID_PARAMS, "Invalid params: params.ref.type must be ref/prompt or ref/resource");
        }
    }

    /** The {@code Mcp-Name} the server gets for the renamed body, when the client sent one. */
    private static @Nullable String mirrored(RequestState r, String original) {
        return r.ex.requestHeader(HeaderMirror.NAME) == null ? null : HeaderMirror.encode(original);
    }

    private static String @Nullable [] withName(String @Nullable [] overrides, @Nullable String mcpName) {
        if (mcpName == null) return overrides;
        String[] base = overrides == null ? new String[0] : overrides;
        String[] out = java.util.Arrays.copyOf(base, base.length + 2);
        out[base.length] = "mcp-name";
        out[base.length + 1] = mcpName;
        return out;
    }

    /** Forwards to one server, its answer relayed as it arrives (streams included). */
    private void forward(RequestState r, Federation.Slot slot, byte[] body, @Nullable String mcpName)
            throws IOException {
        ServerChain chain = slot.member().chain;
        r.pool = chain.runtime;
        r.serverKnown = true;
        SessionTokens.Part part = slot.part();
        if (part != null && !part.backend().isEmpty()) {
            BackendRuntime br = chain.runtime.members().byName.get(part.backend());
            if (br == null) {
                answers.sessionBackendGone(
                        r,
                        "404: the session's replica {} of server {} has left its pool",
                        part.backend(),
                        slot.member().id());
                return;
            }
            r.pinned = br;
            r.upstreamSession = part.upstreamSessionId();
        } else if (chain.runtime.routable(chain.runtime.snapshot()).isEmpty()) {
            error(
                    r,
                    JsonRpcErrors.BACKEND_UNAVAILABLE,
                    "Server '" + slot.member().id() + "' is unavailable");
            return;
        }
        r.headerOverrides = withName(slot.overrides(), mcpName);
        r.rewriter = new FederatedMessages(slot.member(), fed.tokens);
        McpPeek peek = r.peek;
        if (heartbeats != null && r.idJson() != null) {
            // As on the single-server path: a server that keeps its answer back is covered by a stream of the
            // gateway's own, whose heartbeats find a client that left and cancel the call.
            r.early = EarlyAnswer.arm(r.ex, heartbeats);
        }
        try {
            chain.forwarder.forward(r, body, peek != null && peek.allReadOnly);
        } finally {
            if (r.early != null) {
                r.early.end();
            }
        }
    }

    // ---- fanned out ----

    /** A notification: to every server of the view (with a session, each in its own); 202. */
    private void notification(RequestState r, byte[] body, List<Federation.Slot> slots) throws IOException {
        List<FanOut.Outcome<UpstreamCall.Reply>> replies = fanOut(r, slots, "POST", body, 64 * 1024);
        for (int i = 0; i < slots.size(); i++) {
            UpstreamCall.Reply reply = replies.get(i).value();
            if (reply == null || reply.status() >= 300) {
                log.debug(
                        "notification {} to server {}: {}",
                        r.rpcMethod(),
                        slots.get(i).member().id(),
                        reply == null ? replies.get(i).problem() : reply.problem());
            }
        }
        answers.empty(r, 202);
    }

    /** {@code server/discover} (2026-07-28): every server of the view asked, the answers merged. */
    private void discover(RequestState r, byte[] body, List<Federation.Slot> slots) throws IOException {
        List<FanOut.Outcome<UpstreamCall.Reply>> replies = fanOut(r, slots, "POST", body, Federation.MAX_ANSWER_BYTES);
        List<FederatedInitialize.Answer> answers = new ArrayList<>();
        for (int i = 0; i < slots.size(); i++) {
            Federation.Member m = slots.get(i).member();
            UpstreamCall.Reply reply = replies.get(i).value();
            Map<String, Object> result = reply == null ? null : FederatedInitialize.anyResult(reply.message());
            if (result == null) {
                if (m.server.required()) {
                    error(r, JsonRpcErrors.BACKEND_UNAVAILABLE, "Required server '" + m.id() + "' is unavailable");
                    return;
                }
                log.info("server/discover: optional server {} left out", m.id());
                continue;
            }
            answers.add(new FederatedInitialize.Answer(m.server, result));
        }
        if (answers.isEmpty()) {
            error(r, JsonRpcErrors.BACKEND_UNAVAILABLE, "No server of the federation is available");
            return;
        }
        result(
                r,
                JsonTree.write(
                        FederatedInitialize.discover(answers, fed.serviceName, fed.policy != AccessPolicy.ALLOW_ALL)));
    }

    /** A request every server of the view gets ({@code logging/setLevel}); an empty result once all have answered. */
    private void everywhere(RequestState r, byte[] body, List<Federation.Slot> slots) throws IOException {
        fanOut(r, slots, "POST", body, 64 * 1024);
        result(r, "{}");
    }

    /**
     * The client's answer to a request a server sent it: its id was sealed with the server's id, so it goes to that
     * server, in the session's part for it, with the server's own id (and its JSON type) restored.
     */
    private void clientAnswer(RequestState r, byte[] body) throws IOException {
        List<SessionTokens.Part> parts = session(r);
        if (parts == null && r.status != 0) {
            return;
        }
        JsonSplice.Found id = JsonSplice.find(body, "id");
        String[] opened = id == null || id.text() == null ? null : fed.tokens.openServerRequestId(id.text());
        Federation.Slot slot = null;
        if (opened != null) {
            for (Federation.Slot s : fed.slots(parts)) {
                if (s.member().id().equals(opened[0])) slot = s;
            }
        }
        if (id == null || opened == null || slot == null) {
            answers.reject(
                    r,
                    400,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Bad Request: this answer's id names no request of a federated server",
                    "client answer with an id the gateway did not seal");
            return;
        }
        forward(r, slot, JsonSplice.replace(body, id, opened[1]), null);
    }

    /**
     * One call per slot, in parallel within the federation's deadline: {@code method} with {@code body}, each in its
     * slot's part of the client's session (none before there is one), with the version that server agreed to.
     */
    private List<FanOut.Outcome<UpstreamCall.Reply>> fanOut(
            RequestState r, List<Federation.Slot> slots, String method, byte @Nullable [] body, int maxBytes) {
        String token = r.clientToken;
        return FanOut.all(
                fed.executor,
                slots,
                s -> c -> UpstreamCall.call(
                        r, s.member().chain, s.part(), token, method, body, s.overrides(), maxBytes, fed.random, c),
                fed.timeoutNanos);
    }

    // ---- answers ----

    private void result(RequestState r, String resultJson) throws IOException {
        String id = r.idJson();
        String json = "{\"jsonrpc\":\"2.0\",\"id\":" + (id == null ? "null" : id) + ",\"result\":" + resultJson + "}";
        answers.json(r, 200, json.getBytes(StandardCharsets.UTF_8), false);
    }

    private void error(RequestState r, int code, String message) throws IOException {
        log.debug("federation answers {} with {}: {}", r.rpcMethod(), code, message);
        r.hasRpcError = true;
        r.rpcError = code;
        answers.json(r, 200, JsonRpcErrors.body(r.idJson(), code, message, null), false);
    }
}
