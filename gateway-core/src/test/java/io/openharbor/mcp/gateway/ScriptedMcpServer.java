package io.openharbor.mcp.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A scripted MCP server on 127.0.0.1 for federation tests, where a behaviour must be forced: paged lists of any size, a
 * cursor that never ends, sessions, a per-session counter, resources, a hanging answer. It records what reached it.
 */
final class ScriptedMcpServer implements AutoCloseable {
    /** One request as the server received it. */
    record Received(
            String method,
            String body,
            @Nullable String session,
            @Nullable String protocolVersion,
            @Nullable String mcpName) {}

    final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    final List<Received> received = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();
    private final AtomicInteger sessions = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch answered = new CountDownLatch(1);
    /** The client's answers to the server's requests, as they came. */
    final List<String> answers = new CopyOnWriteArrayList<>();

    volatile List<String> tools = List.of("search");
    volatile int pageSize = 1000;
    volatile boolean stuckCursor;
    volatile boolean stateful;
    volatile boolean resources;
    volatile String protocolVersion = "2025-06-18";
    volatile @Nullable String instructions;
    /** Methods whose answer waits for {@link #release()} (at most 20 s). */
    volatile List<String> hang = List.of();
    /** Answers 503 to everything while set. */
    volatile boolean down;
    /** The supportedVersions of server/discover, as JSON. */
    volatile String supported = "[\"2025-11-25\",\"2026-07-28\"]";
    /** The ttlMs of server/discover and tools/list (0: none on lists). */
    volatile long ttlMs;
    /** When the {@code slow} tool's stream last failed to write (the gateway closed it), in nanoTime; 0 before. */
    volatile long slowClosedAt;
    /** Whether requests are recorded in {@link #received} (off for heap measurements). */
    volatile boolean recording = true;
    /** Whether the server lists a prompt ({@code summarize}). */
    volatile boolean prompts;
    /** Whether GET opens a stream (else 405). */
    volatile boolean getStream;

    private final java.util.concurrent.BlockingQueue<String> pushed = new java.util.concurrent.LinkedBlockingQueue<>();
    private final AtomicInteger eventIds = new AtomicInteger();
    /** The Last-Event-ID of each GET stream opened ("null" for none). */
    final List<String> lastEventIds = new CopyOnWriteArrayList<>();

    private ScriptedMcpServer(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.setExecutor(executor);
        server.start();
    }

    static ScriptedMcpServer start(String name) throws IOException {
        return new ScriptedMcpServer(name);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp";
    }

    List<Received> received(String method) {
        List<Received> out = new ArrayList<>();
        for (Received r : received) {
            if (r.method().equals(method)) out.add(r);
        }
        return out;
    }

    void release() {
        release.countDown();
    }

    @Override
    public void close() {
        release();
        server.stop(0);
        executor.shutdownNow();
    }

    private void answer(HttpExchange ex) throws IOException {
        try (ex) {
            if (ex.getRequestMethod().equals("GET")) {
                if (ex.getRequestURI().getPath().equals("/health") || !getStream) {
                    send(
                            ex,
                            ex.getRequestURI().getPath().equals("/health") && !down ? 200 : 405,
                            "{\"status\":\"ok\"}");
                    return;
                }
                stream(ex);
                return;
            }
            String session = ex.getRequestHeaders().getFirst("Mcp-Session-Id");
            if (ex.getRequestMethod().equals("DELETE")) {
                record(new Received("DELETE", "", session, null, null));
                send(ex, 204, null);
                return;
            }
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, Object> msg = asMap(JsonTree.parse(body));
            String method = msg.get("method") instanceof String m ? m : "(answer)";
            record(new Received(
                    method,
                    body,
                    session,
                    ex.getRequestHeaders().getFirst("MCP-Protocol-Version"),
                    ex.getRequestHeaders().getFirst("Mcp-Name")));
            if (down) {
                send(ex, 503, "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32000,\"message\":\"down\"}}");
                return;
            }
            if (hang.contains(method)) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            Object id = msg.get("id");
            if (method.equals("(answer)")) {
                answers.add(body);
                answered.countDown();
                send(ex, 202, null);
                return;
            }
            if (id == null) {
                send(ex, 202, null);
                return;
            }
            if (stateful && !method.equals("initialize") && (session == null || !counters.containsKey(session))) {
                send(
                        ex,
                        404,
                        "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32001,\"message\":\"Session not found: "
                                + session + "\"}}");
                return;
            }
            Map<String, Object> params = JsonTree.object(msg, "params");
            if (method.equals("tools/call") && "ask".equals(JsonTree.string(params, "name"))) {
                ask(ex, id);
                return;
            }
            if (method.equals("tools/call") && "slow".equals(JsonTree.string(params, "name"))) {
                slow(ex);
                return;
            }
            String result = switch (method) {
                case "initialize" -> {
                    if (stateful) {
                        String sid = "sid-" + name + "-" + sessions.incrementAndGet();
                        counters.put(sid, new AtomicInteger());
                        ex.getResponseHeaders().add("Mcp-Session-Id", sid);
                    }
                    yield "{\"protocolVersion\":\"" + protocolVersion + "\",\"capabilities\":{\"tools\":{}"
                            + (resources ? ",\"resources\":{\"subscribe\":true}" : "")
                            + (prompts ? ",\"prompts\":{}" : "")
                            + ",\"logging\":{}},\"serverInfo\":{\"name\":\"" + name + "\",\"version\":\"1\"}"
                            + (instructions == null ? "" : ",\"instructions\":\"" + instructions + "\"") + "}";
                }
                case "tools/list" -> toolsPage(JsonTree.string(params, "cursor"));
                case "tools/call" -> {
                    String tool = JsonTree.string(params, "name");
                    String text = name + ":" + tool;
                    if ("count".equals(tool)) {
                        text = String.valueOf(counters.get(session).incrementAndGet());
                    }
                    yield "{\"content\":[{\"type\":\"text\",\"text\":\"" + text + "\"}]}";
                }
                case "resources/list" ->
                    !resources
                            ? null
                            : "{\"resources\":[{\"uri\":\"file:///x\",\"name\":\"x\"},"
                                    + "{\"uri\":\"ui://widget/card\",\"name\":\"card\"}]}";
                case "resources/read" ->
                    !resources
                            ? null
                            : "{\"contents\":[{\"uri\":\"" + JsonTree.string(params, "uri") + "\",\"text\":\"read by "
                                    + name + "\"}]}";
                case "ping", "logging/setLevel" -> "{}";
                case "prompts/list" -> prompts ? "{\"prompts\":[{\"name\":\"summarize\"}]}" : null;
                case "completion/complete" ->
                    "{\"completion\":{\"values\":[\"" + name + ":"
                            + JsonTree.string(JsonTree.object(params, "ref"), "name") + "\"]}}";
                case "server/discover" ->
                    "{\"supportedVersions\":" + supported + ",\"capabilities\":{\"tools\":{}},"
                            + "\"serverInfo\":{\"name\":\"" + name + "\",\"version\":\"1\"},\"ttlMs\":" + ttlMs
                            + ",\"cacheScope\":\"public\"}";
                default -> null;
            };
            String idJson = id instanceof String s ? JsonSplice.quote(s) : String.valueOf(id);
            send(
                    ex,
                    200,
                    result == null
                            ? "{\"jsonrpc\":\"2.0\",\"id\":" + idJson
                                    + ",\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}"
                            : "{\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"result\":" + result + "}");
        }
    }

    /** A GET stream: the events {@link #push} gives, each with the next id, until closed (or 30 s pass). */
    private void stream(HttpExchange ex) throws IOException {
        lastEventIds.add(String.valueOf(ex.getRequestHeaders().getFirst("Last-Event-ID")));
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(":\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try {
            while (System.nanoTime() < end) {
                String data = pushed.poll(100, TimeUnit.MILLISECONDS);
                if (data != null) {
                    out.write(("id: " + name + "-" + eventIds.incrementAndGet() + "\ndata: " + data + "\n\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the gateway closed the stream
        }
    }

    /** Sends one message on the open GET stream. */
    private void record(Received r) {
        if (recording) received.add(r);
    }

    void push(String json) {
        pushed.add(json);
    }

    /** The {@code slow} tool: an SSE stream of progress every 50 ms for up to 20 s, noting when a write fails. */
    private void slow(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        try {
            for (int i = 0; i < 400; i++) {
                out.write(("data: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\",\"params\":"
                                + "{\"progressToken\":\"p\",\"progress\":" + i + "}}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(50);
            }
        } catch (IOException e) {
            slowClosedAt = System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The {@code ask} tool: an elicitation request (id 0) on the answer's stream, then the client's answer as result. */
    private void ask(HttpExchange ex, Object id) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(("id: ev-1\ndata: {\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"elicitation/create\",\"params\":"
                        + "{\"message\":\"from " + name + "\"}}\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
        try {
            answered.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        String idJson = id instanceof String s ? JsonSplice.quote(s) : String.valueOf(id);
        String got = answers.isEmpty() ? "(none)" : answers.get(0);
        out.write(("data: {\"jsonrpc\":\"2.0\",\"id\":" + idJson + ",\"result\":{\"content\":[{\"type\":\"text\","
                        + "\"text\":" + JsonSplice.quote(got) + "},{\"type\":\"resource_link\",\"uri\":\"file:///x\","
                        + "\"name\":\"x\"}]}}\n\n")
                .getBytes(StandardCharsets.UTF_8));
        out.close();
    }

    private String toolsPage(@Nullable String cursor) {
        List<String> all = tools;
        int from = cursor == null ? 0 : Integer.parseInt(cursor.substring(1));
        int to = Math.min(all.size(), from + pageSize);
        StringBuilder sb = new StringBuilder("{\"tools\":[");
        for (int i = from; i < to; i++) {
            if (i > from) sb.append(',');
            sb.append("{\"name\":")
                    .append(JsonSplice.quote(all.get(i)))
                    .append(",\"description\":\"tool ")
                    .append(i)
                    .append(" of ")
                    .append(name)
                    .append("\",\"inputSchema\":{\"type\":\"object\"}")
                    .append(
                            all.get(i).equals("card")
                                    ? ",\"_meta\":{\"ui\":{\"resourceUri\":\"ui://widget/card\"}}"
                                    : "")
                    .append('}');
        }
        sb.append(']');
        if (ttlMs > 0) {
            sb.append(",\"resultType\":\"complete\",\"ttlMs\":").append(ttlMs).append(",\"cacheScope\":\"public\"");
        }
        if (stuckCursor) {
            sb.append(",\"nextCursor\":\"p0\"");
        } else if (to < all.size()) {
            sb.append(",\"nextCursor\":\"p").append(to).append('"');
        }
        return sb.append('}').toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static void send(HttpExchange ex, int status, @Nullable String json) throws IOException {
        if (json == null) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
