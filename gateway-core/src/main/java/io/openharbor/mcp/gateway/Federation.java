package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of a federation on this gateway instance: its servers, each with its stages and its catalogs, and what
 * fanning out needs (executor, deadline, names, policy). The per-request part is a list of {@link Slot}s: the servers
 * of the caller's view, each with its part of the client's session.
 */
final class Federation {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);
    /** The largest answer read from a server (a list page, an initialize answer, a read resource). */
    static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;
    /** How many refresh periods a catalog outlives failed refreshes before it is dropped. */
    private static final int STALE_PERIODS = 4;

    /** One federated server on this instance. */
    static final class Member {
        final McpServer server;
        final ServerChain chain;
        final Map<ListPageReader.Kind, Catalog> catalogs = new ConcurrentHashMap<>();
        /** Whether the server is in the views this instance serves (its last read or initialize succeeded). */
        final java.util.concurrent.atomic.AtomicBoolean inView = new java.util.concurrent.atomic.AtomicBoolean(true);
        /** The capabilities of the server's latest initialize answer seen here, or null. */
        volatile @Nullable Map<String, Object> capabilities;

        Member(McpServer server, ServerChain chain) {
            this.server = server;
            this.chain = chain;
        }

        String id() {
            return server.id();
        }

        @Nullable
        Catalog catalog(ListPageReader.Kind kind) {
            return catalogs.get(kind);
        }

        /** Whether the server's capabilities (when known) say it has no list of this kind. */
        boolean lacks(ListPageReader.Kind kind) {
            Map<String, Object> caps = capabilities;
            if (caps == null) return false;
            String capability = switch (kind) {
                case TOOLS -> "tools";
                case PROMPTS -> "prompts";
                case RESOURCES, RESOURCE_TEMPLATES -> "resources";
            };
            return !caps.containsKey(capability);
        }
    }

    /** A server of a request's view and its part of the client's session (null without a session). */
    record Slot(Member member, SessionTokens.@Nullable Part part) {
        /** The headers sent in place of the client's: the protocol version this server agreed to. */
        String @Nullable [] overrides() {
            return part == null || part.protocolVersion().isEmpty()
                    ? null
                    : new String[] {"mcp-protocol-version", part.protocolVersion()};
        }
    }

    /** A required server failed: the whole request fails. */
    static final class RequiredServerFailed extends Exception {
        private static final long serialVersionUID = 1L;
        final String server;

        RequiredServerFailed(String server, String problem) {
            super("required server '" + server + "' failed: " + problem, null, false, false);
            this.server = server;
        }
    }

    final List<Member> members;
    final FederatedNames names;
    final AccessPolicy policy;
    final ExecutorService executor;
    final Ticker ticker;
    final RandomGenerator random;
    final SessionTokens tokens;
    final long timeoutNanos;
    final long refreshNanos;
    /** The stream heartbeat interval ({@code streamHeartbeat}; 0 when off): how soon a merged stream finds its client gone. */
    final long heartbeatNanos;

    final int pageSize;
    final String serviceName;
    /** Whether the gateway is closing: federated streams end. */
    final java.util.function.BooleanSupplier closed;

    final GatewayListener listener;
    /** What ends each open federated stream, for {@link #close()}. */
    final java.util.Set<Runnable> openStreams = ConcurrentHashMap.newKeySet();

    Federation(
            List<Member> members,
            FederatedNames names,
            AccessPolicy policy,
            ExecutorService executor,
            Ticker ticker,
            RandomGenerator random,
            SessionTokens tokens,
            long timeoutNanos,
            long refreshNanos,
            long heartbeatNanos,
            int pageSize,
            String serviceName,
            java.util.function.BooleanSupplier closed,
            GatewayListener listener) {
        this.members = List.copyOf(members);
        this.names = names;
        this.policy = policy;
        this.executor = executor;
        this.ticker = ticker;
        this.random = random;
        this.tokens = tokens;
        this.timeoutNanos = timeoutNanos;
        this.refreshNanos = refreshNanos;
        this.heartbeatNanos = heartbeatNanos;
        this.pageSize = pageSize;
        this.serviceName = serviceName;
        this.closed = closed;
        this.listener = listener;
    }

    /** Set by {@link #close()}: a stream registered after it ran sees this and ends too. */
    volatile boolean ending;

    /** Ends every open federated stream (the gateway drains or closes). */
    void close() {
        ending = true;
        for (Runnable end : openStreams) {
            end.run();
        }
    }

    /** Notes that a server answered (it is in the views) or failed (it leaves them), telling the listener of a change. */
    void seen(Member m, boolean ok, @Nullable String problem) {
        if (m.inView.compareAndSet(!ok, ok)) {
            if (ok) {
                log.info("server {} is back in the federation's views", m.id());
            }
            listener.federatedServerChanged(m.id(), ok, ok ? null : String.valueOf(problem));
        }
    }

    @Nullable
    Member member(String id) {
        for (Member m : members) {
            if (m.id().equals(id)) return m;
        }
        return null;
    }

    /** The request's view: every server (no session), or the servers of the session's parts still configured. */
    List<Slot> slots(@Nullable List<SessionTokens.Part> parts) {
        List<Slot> slots = new ArrayList<>(members.size());
        if (parts == null) {
            for (Member m : members) {
                slots.add(new Slot(m, null));
            }
            return slots;
        }
        for (SessionTokens.Part p : parts) {
            Member m = member(p.server());
            if (m != null) {
                slots.add(new Slot(m, p));
            }
        }
        return slots;
    }

    /**
     * The catalogs of one kind for a request's view, read again where missing or older than the refresh period (in
     * parallel, within the deadline). An optional server whose catalog cannot be read is left out; a stale catalog is
     * kept through a few failed refreshes.
     *
     * @return one catalog per slot, null where an optional server has none
     * @throws RequiredServerFailed if a required server's list cannot be read
     */
    List<@Nullable Catalog> catalogs(RequestState r, List<Slot> slots, ListPageReader.Kind kind, boolean refresh)
            throws RequiredServerFailed {
        long now = ticker.read();
        List<@Nullable Catalog> out = new ArrayList<>(slots.size());
        List<Slot> toRead = new ArrayList<>();
        for (Slot s : slots) {
            Catalog c = s.member().catalog(kind);
            out.add(c);
            if (c == null || (refresh && now - c.readAt >= c.maxAgeNanos(refreshNanos))) {
                toRead.add(s);
            }
        }
        if (toRead.isEmpty()) {
            return out;
        }
        String token = r.clientToken;
        List<FanOut.Outcome<Catalog>> read =
                FanOut.all(executor, toRead, s -> c -> readCatalog(r, s, token, kind, c), timeoutNanos);
        for (int i = 0; i < toRead.size(); i++) {
            Slot s = toRead.get(i);
            int at = slots.indexOf(s);
            FanOut.Outcome<Catalog> o = read.get(i);
            Catalog fresh = o.value();
            if (fresh != null) {
                s.member().catalogs.put(kind, fresh);
                out.set(at, fresh);
                seen(s.member(), true, null);
                listener.catalogRefreshed(s.member().id(), kind.array, fresh.items.size());
                continue;
            }
            Catalog old = out.get(at);
            boolean usable = old != null && now - old.readAt < refreshNanos * STALE_PERIODS;
            if (s.member().server.required() && !usable) {
                throw new RequiredServerFailed(s.member().id(), String.valueOf(o.problem()));
            }
            if (usable) {
                log.info(
                        "server {}: its {} could not be read again ({}); serving the list read before",
                        s.member().id(),
                        kind.array,
                        o.problem());
            } else {
                log.warn(
                        "server {}: its {} could not be read ({}); left out of the list",
                        s.member().id(),
                        kind.array,
                        o.problem());
                if (old != null) {
                    s.member().catalogs.remove(kind, old);
                }
                seen(s.member(), false, o.problem());
                out.set(at, null);
            }
        }
        return out;
    }

    private Catalog readCatalog(
            RequestState r, Slot s, @Nullable String token, ListPageReader.Kind kind, UpstreamCall.Cancellation c)
            throws IOException {
        Member m = s.member();
        long now = ticker.read();
        if (m.lacks(kind)) {
            return Catalog.empty(kind, now);
        }
        String method = method(kind);
        boolean[] unsupported = {false};
        Map<String, Object> cache = new java.util.HashMap<>();
        List<ListPageReader.Entry> entries = UpstreamPages.readAll(
                cursor -> {
                    byte[] body = listRequest(method, cursor);
                    UpstreamCall.Reply reply = UpstreamCall.call(
                            r, m.chain, s.part(), token, "POST", body, s.overrides(), MAX_ANSWER_BYTES, random, c);
                    String answer = reply.message();
                    if (answer == null) {
                        throw new IOException(String.valueOf(reply.problem()));
                    }
                    if (errorCode(answer) == -32601) {
                        unsupported[0] = true; // the server has no such list
                        return new UpstreamPages.Page<>(List.of(), null);
                    }
                    if (cursor == null) {
                        Map<String, Object> result = FederatedInitialize.anyResult(answer);
                        if (result != null) {
                            for (String field : List.of("ttlMs", "cacheScope")) {
                                Object v = result.get(field);
                                if (v != null) cache.put(field, v);
                            }
                        }
                    }
                    return ListPageReader.read(answer, kind);
                },
                UpstreamPages.DEFAULT_MAX_PAGES);
        if (unsupported[0]) {
            return Catalog.empty(kind, now);
        }
        try {
            return Catalog.of(m.server, names, kind, entries, now, cache);
        } catch (IllegalStateException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    static String method(ListPageReader.Kind kind) {
        return switch (kind) {
            case TOOLS -> "tools/list";
            case PROMPTS -> "prompts/list";
            case RESOURCES -> "resources/list";
            case RESOURCE_TEMPLATES -> "resources/templates/list";
        };
    }

    private static byte[] listRequest(String method, @Nullable String cursor) {
        StringBuilder sb = new StringBuilder(96).append("{\"jsonrpc\":\"2.0\",\"id\":\"gateway-list\",\"method\":\"");
        sb.append(method).append('"');
        if (cursor != null) {
            sb.append(",\"params\":{\"cursor\":");
            JsonRpcErrors.quote(sb, cursor).append('}');
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code error.code} of a JSON-RPC answer, or 0 for a result. */
    static long errorCode(String answer) {
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        JsonSplice.Found code = JsonSplice.find(bytes, "error", "code");
        if (code == null) return 0;
        try {
            return Long.parseLong(
                    new String(bytes, code.start(), code.end() - code.start(), StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether the caller may see and use an entry. */
    boolean allows(RequestState r, Member m, AccessPolicy.Kind kind, String original) {
        try {
            return policy.allows(r.caller, m.id(), kind, original);
        } catch (RuntimeException e) {
            log.warn("access policy threw for server {} {} '{}'; refusing it", m.id(), kind, original, e);
            return false;
        }
    }

    static AccessPolicy.Kind accessKind(ListPageReader.Kind kind) {
        return switch (kind) {
            case TOOLS -> AccessPolicy.Kind.TOOL;
            case PROMPTS -> AccessPolicy.Kind.PROMPT;
            case RESOURCES -> AccessPolicy.Kind.RESOURCE;
            case RESOURCE_TEMPLATES -> AccessPolicy.Kind.RESOURCE_TEMPLATE;
        };
    }
}
