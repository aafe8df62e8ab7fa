package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Federation through real host servers (both adapters) against scripted MCP servers, where a behaviour must be forced:
 * names, paging, failures, sessions, policy, resources. Two gateway instances share one key and nothing else.
 */
class FederationTest {
    private static final byte[] KEY = new byte[32];

    static {
        new SecureRandom().nextBytes(KEY);
    }

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    private ScriptedMcpServer server(String name) throws Exception {
        ScriptedMcpServer s = ScriptedMcpServer.start(name);
        closeAfter.add(s);
        return s;
    }

    private static McpServer member(String prefix, boolean required, ScriptedMcpServer... replicas) {
        BackendPool.Builder pool = BackendPool.builder(prefix + "-server");
        for (ScriptedMcpServer r : replicas) {
            pool.backend(Backend.of(r.name, r.url()));
        }
        return McpServer.builder(prefix, pool.build()).required(required).build();
    }

    private Hosts.Host gateway(Hosts.Kind kind, Consumer<Gateway.Builder> config, McpServer... servers)
            throws Exception {
        Gateway.Builder b = Gateway.builder().sessionKeys(List.of(KEY)).federationTimeout(Duration.ofSeconds(2));
        for (McpServer s : servers) {
            b.server(s);
        }
        config.accept(b);
        Hosts.Host host = Hosts.start(kind, b.build());
        closeAfter.add(host);
        closeAfter.add(host.gateway());
        return host;
    }

    record Answer(int status, String body, @Nullable String session) {
        Object json() throws Exception {
            return JsonTree.parse(body);
        }

        @Nullable
        Map<String, Object> result() throws Exception {
            return JsonTree.object(json(), "result");
        }

        @Nullable
        Map<String, Object> error() throws Exception {
            return JsonTree.object(json(), "error");
        }
    }

    private Answer post(Hosts.Host host, @Nullable String session, String body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(host.url()))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (session != null) {
            req.header("Mcp-Session-Id", session);
        }
        HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(
                res.statusCode(),
                res.body(),
                res.headers().firstValue("Mcp-Session-Id").orElse(null));
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aRequestThatCloseOvertakesGets503NotAnInternalError(Hosts.Kind kind) throws Exception {
        // The authenticator runs after the gateway's closed check; closing the gateway there is the race where a
        // request already past the check reaches the fan-out after the executor was shut down.
        java.util.concurrent.atomic.AtomicReference<Gateway> self = new java.util.concurrent.atomic.AtomicReference<>();
        Authenticator closing = request -> {
            self.get().close();
            return Authentication.success("alice");
        };
        Hosts.Host host = gateway(
                kind,
                b -> b.authenticator(closing),
                member("a", false, server("a1")),
                member("b", false, server("b1")));
        self.set(host.gateway());
        Answer answer = initialize(host);
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.body()).contains("shutting down").doesNotContain("internal");
    }

    private Answer initialize(Hosts.Host host) throws Exception {
        return post(
                host,
                null,
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-11-25\","
                        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    }

    private static String call(String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":\"c\",\"method\":\"tools/call\",\"params\":{\"name\":"
                + JsonSplice.quote(tool) + ",\"arguments\":{}}}";
    }

    private static String list(@Nullable String cursor) {
        return "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/list\""
                + (cursor == null ? "" : ",\"params\":{\"cursor\":" + JsonSplice.quote(cursor) + "}") + "}";
    }

    /** Every tool name of the federated list, following nextCursor, alternating between the hosts. */
    private List<String> allTools(@Nullable String session, Hosts.Host... hosts) throws Exception {
        List<String> names = new ArrayList<>();
        String cursor = null;
        for (int page = 0; page < 1000; page++) {
            Answer a = post(hosts[page % hosts.length], session, list(cursor));
            Map<String, Object> result = a.result();
            assertThat(result).as(a.body()).isNotNull();
            for (Object t : (List<?>) result.get("tools")) {
                names.add(JsonTree.string(asMap(t), "name"));
            }
            cursor = JsonTree.string(result, "nextCursor");
            if (cursor == null) {
                return names;
            }
        }
        throw new AssertionError("the list did not end");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    private static String text(Answer a) throws Exception {
        Map<String, Object> result = a.result();
        assertThat(result).as(a.body()).isNotNull();
        return JsonTree.string(asMap(((List<?>) result.get("content")).get(0)), "text");
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void clashingNamesArePrefixedAndRoutedToTheirServer(Hosts.Kind kind) throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        Hosts.Host host = gateway(kind, g -> {}, member("a", false, a), member("b", false, b));

        Answer init = initialize(host);
        assertThat(init.status()).isEqualTo(200);
        assertThat(init.session()).isNotNull();
        assertThat(allTools(init.session(), host)).containsExactly("a_search", "b_search");

        Answer called = post(host, init.session(), call("b_search"));
        assertThat(text(called)).isEqualTo("b1:search");
        assertThat(b.received("tools/call")).hasSize(1);
        assertThat(b.received("tools/call").get(0).body()).contains("\"name\":\"search\"");
        assertThat(a.received("tools/call")).isEmpty();
        assertThat(text(post(host, init.session(), call("a_search")))).isEqualTo("a1:search");
    }

    @Test
    void exchangeEventsNameTheServerOfARoutedCallAndOneAttemptPerServerOfAFanOut() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.BlockingQueue<McpCall> ended = new java.util.concurrent.LinkedBlockingQueue<>();
        Hosts.Host host = gateway(
                Hosts.Kind.JDK,
                g -> g.exchangeListener(request -> new ExchangeListener() {
                    @Override
                    public void attemptEnd(McpCall call, UpstreamAttempt attempt, Outcome outcome) {
                        events.add(call.method() + " -> " + attempt.server() + "/"
                                + attempt.backend().name() + " " + attempt.method() + " " + attempt.target() + " "
                                + outcome.kind());
                    }

                    @Override
                    public void exchangeEnd(McpCall call, Outcome outcome) {
                        ended.add(call);
                    }
                }),
                member("a", false, a),
                member("b", false, b));
        String session = initialize(host).session();
        McpCall init = ended.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(init.method()).isEqualTo("initialize");
        assertThat(init.server()).as("answered by the federation itself").isNull();
        assertThat(init.sessionHash()).hasSize(16);
        assertThat(events)
                .containsExactlyInAnyOrder(
                        "initialize -> a-server/a1 initialize null OK", "initialize -> b-server/b1 initialize null OK");
        events.clear();
        assertThat(text(post(host, session, call("b_search")))).isEqualTo("b1:search");
        McpCall routed = ended.poll(10, java.util.concurrent.TimeUnit.SECONDS);
        while (routed != null && !"tools/call".equals(routed.method())) {
            routed = ended.poll(10, java.util.concurrent.TimeUnit.SECONDS); // a notification of the client's, if any
        }
        assertThat(routed.server()).isEqualTo("b-server");
        assertThat(routed.target()).isEqualTo("b_search");
        assertThat(routed.targetListed()).isTrue();
        assertThat(routed.metricTarget()).isEqualTo("b_search");
        assertThat(routed.sessionHash()).isEqualTo(init.sessionHash());
        assertThat(events).contains("tools/call -> b-server/b1 tools/call search OK");
    }

    @Test
    void namesDoNotChangeWhenAServerJoinsAndLongNamesStayWithinTheCap() throws Exception {
        ScriptedMcpServer a = server("a1");
        String stem = "x".repeat(90);
        a.tools = List.of("search", stem + "_alpha_0001", stem + "_alpha_0002", "get.weather");
        ScriptedMcpServer b = server("b1");
        Hosts.Host alone = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a));
        Hosts.Host both = gateway(Hosts.Kind.JETTY, g -> {}, member("a", false, a), member("b", false, b));

        List<String> before = allTools(initialize(alone).session(), alone);
        List<String> after = allTools(initialize(both).session(), both);
        assertThat(after).containsAll(before).contains("b_search");
        assertThat(before).hasSize(4).allSatisfy(n -> {
            assertThat(n).matches("^[A-Za-z0-9_-]+$");
            assertThat(n.length()).isLessThanOrEqualTo(64);
        });
        assertThat(new HashSet<>(before)).hasSize(4);

        String longName =
                before.stream().filter(n -> n.contains("xxxx")).findFirst().orElseThrow();
        Answer called = post(both, initialize(both).session(), call(longName));
        assertThat(text(called)).startsWith("a1:" + stem + "_alpha_000");
        String dotted = before.stream()
                .filter(n -> n.startsWith("a_get_weather"))
                .findFirst()
                .orElseThrow();
        assertThat(text(post(alone, initialize(alone).session(), call(dotted)))).isEqualTo("a1:get.weather");
    }

    @Test
    void everyPageOfALargeListIsServedAndCursorsWorkOnAnyInstance() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            many.add(String.format("tool_%04d", i));
        }
        b.tools = many;
        b.pageSize = 1000;
        Hosts.Host one = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), member("b", false, b));
        Hosts.Host two = gateway(Hosts.Kind.JETTY, g -> {}, member("a", false, a), member("b", false, b));

        List<String> names = allTools(null, one, two);
        assertThat(names).hasSize(2501).doesNotHaveDuplicates().contains("b_tool_0000", "b_tool_2499", "a_search");
        assertThat(names).isSorted();
        assertThat(b.received("tools/list")).hasSizeGreaterThanOrEqualTo(3);

        Answer invalid = post(one, null, list("not-a-cursor"));
        assertThat(invalid.status()).isEqualTo(200);
        assertThat(invalid.error()).containsEntry("code", java.math.BigInteger.valueOf(-32602));
    }

    @Test
    void aServerWhoseCursorNeverEndsFailsItsListInsteadOfLooping() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        b.stuckCursor = true;
        Hosts.Host optional = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), member("b", false, b));
        assertThat(allTools(null, optional)).containsExactly("a_search");

        ScriptedMcpServer c = server("c1");
        c.stuckCursor = true;
        Hosts.Host required = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), member("c", true, c));
        Answer failed = post(required, null, list(null));
        assertThat(failed.error()).as(failed.body()).containsEntry("code", java.math.BigInteger.valueOf(-32010));
        assertThat(c.received("tools/list")).hasSize(2); // the first page and the repeated cursor, no more
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void anOptionalServerDownIsLeftOutAndARequiredOneFailsInitialize(Hosts.Kind kind) throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        b.down = true;
        Hosts.Host host = gateway(kind, g -> {}, member("a", false, a), member("b", false, b));
        Answer init = initialize(host);
        assertThat(init.result()).as(init.body()).isNotNull();
        assertThat(allTools(init.session(), host)).containsExactly("a_search");
        Answer call = post(host, init.session(), call("b_search"));
        assertThat(call.status()).isEqualTo(200);
        assertThat(call.error()).as(call.body()).isNotNull();

        Hosts.Host strict = gateway(kind, g -> {}, member("a", false, a), member("b", true, b));
        Answer refused = initialize(strict);
        assertThat(refused.status()).isEqualTo(200);
        assertThat(refused.session()).isNull();
        assertThat(String.valueOf(refused.error())).contains("b-server");
    }

    @Test
    void aHangingOptionalServerIsLeftOutAtTheDeadline() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        b.hang = List.of("initialize", "tools/list");
        Hosts.Host host = gateway(
                Hosts.Kind.JDK,
                g -> g.federationTimeout(Duration.ofMillis(300)),
                member("a", false, a),
                member("b", false, b));
        long start = System.nanoTime();
        Answer init = initialize(host);
        assertThat(init.result()).as(init.body()).isNotNull();
        assertThat(allTools(init.session(), host)).containsExactly("a_search");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        b.release();
    }

    @Test
    void theDeadlineHoldsForAFederationOfOneServerToo() throws Exception {
        ScriptedMcpServer a = server("a1");
        a.hang = List.of("initialize");
        Hosts.Host host =
                gateway(Hosts.Kind.JDK, g -> g.federationTimeout(Duration.ofMillis(300)), member("a", false, a));
        long start = System.nanoTime();
        Answer init = initialize(host);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(init.error()).as(init.body()).containsEntry("code", java.math.BigInteger.valueOf(-32010));
        a.release();
    }

    @Test
    void aStatefulServerKeepsOneSessionPerClientAcrossInstancesAndLosingItEndsTheSession() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer[] replicas = {server("c1"), server("c2"), server("c3")};
        for (ScriptedMcpServer r : replicas) {
            r.stateful = true;
            r.tools = List.of("count");
        }
        McpServer counter = member("c", false, replicas);
        Hosts.Host one = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), counter);
        Hosts.Host two = gateway(Hosts.Kind.JETTY, g -> {}, member("a", false, a), counter);

        String s1 = initialize(one).session();
        String s2 = initialize(two).session();
        String last = null;
        for (int i = 0; i < 10; i++) {
            last = text(post(i % 2 == 0 ? one : two, s1, call("c_count")));
        }
        assertThat(last).isEqualTo("10");
        assertThat(text(post(one, s2, call("c_count")))).isEqualTo("1");

        ScriptedMcpServer pinned = null;
        for (ScriptedMcpServer r : replicas) {
            if (!r.received("tools/call").isEmpty()
                    && r.received("tools/call").get(0).session() != null
                    && r.counters.values().stream().anyMatch(c -> c.get() == 10)) {
                pinned = r;
            }
        }
        assertThat(pinned).isNotNull();
        pinned.close();
        Answer lost = post(one, s1, call("c_count"));
        assertThat(lost.status()).as(lost.body()).isEqualTo(404);
        String s3 = initialize(one).session();
        assertThat(text(post(two, s3, call("c_count")))).isEqualTo("1");
    }

    @Test
    void pingIsAnsweredWithEveryServerDownAndTheVersionIsTheLowest() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        a.protocolVersion = "2025-11-25";
        b.protocolVersion = "2025-03-26";
        a.instructions = "Use search for documents.";
        Hosts.Host host = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), member("b", false, b));
        Answer init = initialize(host);
        assertThat(init.result()).containsEntry("protocolVersion", "2025-03-26");
        assertThat(JsonTree.string(init.result(), "instructions"))
                .contains("## a")
                .contains("Use search");
        assertThat(JsonTree.object(init.result(), "capabilities")).containsKeys("tools", "logging");

        post(host, init.session(), call("a_search"));
        assertThat(a.received("tools/call").get(0).protocolVersion()).isEqualTo("2025-11-25");

        a.down = true;
        b.down = true;
        Answer pong = post(host, init.session(), "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"ping\"}");
        assertThat(pong.body()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":9,\"result\":{}}");
    }

    @Test
    void aPolicyHidesATooFromOneCallerInListsAndCalls() throws Exception {
        ScriptedMcpServer a = server("a1");
        a.tools = List.of("search", "refund");
        ScriptedMcpServer b = server("b1");
        a.resources = true;
        b.resources = true;
        AccessPolicy policy = (caller, srv, k, name) -> !("x".equals(caller)
                && (name.equals("refund") || (srv.equals("a-server") && name.equals("file:///x"))));
        Authenticator byHeader = r -> Authentication.success(String.valueOf(r.header("X-Caller")));
        Hosts.Host host = gateway(
                Hosts.Kind.JDK,
                g -> g.accessPolicy(policy).authenticator(byHeader),
                member("a", false, a),
                member("b", false, b));
        assertThat(toolsAs(host, "x")).containsExactly("a_search", "b_search");
        assertThat(toolsAs(host, "y")).containsExactly("a_refund", "a_search", "b_search");
        assertThat(toolsAs(host, "x")).containsExactly("a_search", "b_search");
        Answer denied = postAs(host, "x", call("a_refund"));
        Answer unknown = postAs(host, "x", call("a_nothing"));
        // A refused name gets exactly what a name that does not exist gets.
        assertThat(denied.error())
                .isEqualTo(Map.of("code", java.math.BigInteger.valueOf(-32602), "message", "Unknown tool: a_refund"));
        assertThat(unknown.error())
                .isEqualTo(Map.of("code", java.math.BigInteger.valueOf(-32602), "message", "Unknown tool: a_nothing"));
        assertThat(a.received("tools/call")).isEmpty();
        assertThat(text(postAs(host, "y", call("a_refund")))).isEqualTo("a1:refund");

        // Resources (and templates, prompts, completions) go through the same decision.
        String listResources = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/list\"}";
        String read =
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/read\",\"params\":{\"uri\":\"a+file:///x\"}}";
        assertThat(postAs(host, "y", listResources).body()).contains("\"a+file:///x\"");
        assertThat(postAs(host, "x", listResources).body())
                .doesNotContain("\"a+file:///x\"")
                .contains("\"b+file:///x\"");
        assertThat(postAs(host, "x", read).error()).containsEntry("code", java.math.BigInteger.valueOf(-32602));
        assertThat(a.received("resources/read")).isEmpty();
        assertThat(postAs(host, "y", read).body()).contains("read by a1");
    }

    private List<String> toolsAs(Hosts.Host host, String caller) throws Exception {
        Answer a = postAs(host, caller, list(null));
        List<String> names = new ArrayList<>();
        for (Object t : (List<?>) a.result().get("tools")) {
            names.add(JsonTree.string(asMap(t), "name"));
        }
        return names;
    }

    private Answer postAs(Hosts.Host host, String caller, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(host.url()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("X-Caller", caller)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
        return new Answer(res.statusCode(), res.body(), null);
    }

    @Test
    void resourceUrisArePrefixedAndRoundTrip() throws Exception {
        ScriptedMcpServer a = server("a1");
        a.resources = true;
        ScriptedMcpServer b = server("b1");
        b.resources = true;
        Hosts.Host host = gateway(Hosts.Kind.JETTY, g -> {}, member("a", false, a), member("b", false, b));
        String session = initialize(host).session();
        Answer listed = post(host, session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"resources/list\"}");
        List<String> uris = new ArrayList<>();
        for (Object r : (List<?>) listed.result().get("resources")) {
            uris.add(JsonTree.string(asMap(r), "uri"));
        }
        assertThat(uris).containsExactly("a+file:///x", "b+file:///x", "ui://a+widget/card", "ui://b+widget/card");
        Answer read = post(
                host,
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"resources/read\",\"params\":{\"uri\":\"b+file:///x\"}}");
        Map<String, Object> content = asMap(((List<?>) read.result().get("contents")).get(0));
        assertThat(content).containsEntry("uri", "b+file:///x").containsEntry("text", "read by b1");
        assertThat(b.received("resources/read").get(0).body()).contains("\"uri\":\"file:///x\"");
        Answer unknown = post(
                host,
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"resources/read\",\"params\":{\"uri\":\"z+file:///x\"}}");
        assertThat(unknown.error()).containsEntry("code", java.math.BigInteger.valueOf(-32602));
    }

    @Test
    void notificationsAndDeleteReachEveryServerOfTheSession() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        b.stateful = true;
        Hosts.Host host = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), member("b", false, b));
        String session = initialize(host).session();
        Answer n = post(host, session, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
        assertThat(n.status()).isEqualTo(202);
        assertThat(a.received("notifications/initialized")).hasSize(1);
        assertThat(b.received("notifications/initialized")).hasSize(1);
        assertThat(b.received("notifications/initialized").get(0).session()).startsWith("sid-b1-");

        HttpResponse<String> deleted = http.send(
                HttpRequest.newBuilder(URI.create(host.url()))
                        .header("Mcp-Session-Id", session)
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(deleted.statusCode()).isEqualTo(204);
        assertThat(b.received("DELETE")).hasSize(1);
        assertThat(a.received("DELETE")).isEmpty(); // no session there to end
    }

    @Test
    void serverRequestsWithTheSameIdReachTheirServerThroughAnotherInstance() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        a.tools = List.of("ask");
        b.tools = List.of("ask");
        Hosts.Host one = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), member("b", false, b));
        Hosts.Host two = gateway(Hosts.Kind.JETTY, g -> {}, member("a", false, a), member("b", false, b));
        String session = initialize(one).session();

        java.util.concurrent.CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> askA =
                http.sendAsync(streamingPost(one, session, call("a_ask")), HttpResponse.BodyHandlers.ofLines());
        java.util.concurrent.CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> askB =
                http.sendAsync(streamingPost(one, session, call("b_ask")), HttpResponse.BodyHandlers.ofLines());
        java.util.Iterator<String> linesA =
                askA.get(10, java.util.concurrent.TimeUnit.SECONDS).body().iterator();
        java.util.Iterator<String> linesB =
                askB.get(10, java.util.concurrent.TimeUnit.SECONDS).body().iterator();
        Map<String, Object> requestA = asMap(JsonTree.parse(nextData(linesA)));
        Map<String, Object> requestB = asMap(JsonTree.parse(nextData(linesB)));
        assertThat(requestA.get("method")).isEqualTo("elicitation/create");
        assertThat(requestA.get("id")).isInstanceOf(String.class).isNotEqualTo(requestB.get("id"));

        String forged = "{\"jsonrpc\":\"2.0\",\"id\":\"x" + requestA.get("id") + "\",\"result\":{}}";
        assertThat(post(two, session, forged).status()).isEqualTo(400);
        assertThat(post(two, session, "{\"jsonrpc\":\"2.0\",\"id\":0,\"result\":{}}")
                        .status())
                .isEqualTo(400);

        Answer answeredB = post(
                two,
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":" + JsonSplice.quote((String) requestB.get("id"))
                        + ",\"result\":{\"action\":\"accept\",\"content\":{\"who\":\"B\"}}}");
        Answer answeredA = post(
                two,
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":" + JsonSplice.quote((String) requestA.get("id"))
                        + ",\"result\":{\"action\":\"accept\",\"content\":{\"who\":\"A\"}}}");
        assertThat(answeredA.status()).isEqualTo(202);
        assertThat(answeredB.status()).isEqualTo(202);
        assertThat(a.answers).singleElement().asString().contains("\"id\":0,").contains("\"who\":\"A\"");
        assertThat(b.answers).singleElement().asString().contains("\"id\":0,").contains("\"who\":\"B\"");

        Map<String, Object> resultA = JsonTree.object(JsonTree.parse(nextData(linesA)), "result");
        List<?> content = (List<?>) resultA.get("content");
        assertThat(JsonTree.string(asMap(content.get(0)), "text")).contains("\"who\":\"A\"");
        assertThat(JsonTree.string(asMap(content.get(1)), "uri")).isEqualTo("a+file:///x");
        assertThat(JsonTree.string(
                        asMap(((List<?>) JsonTree.object(JsonTree.parse(nextData(linesB)), "result")
                                        .get("content"))
                                .get(1)),
                        "uri"))
                .isEqualTo("b+file:///x");
    }

    private static HttpRequest streamingPost(Hosts.Host host, String session, String body) {
        return HttpRequest.newBuilder(URI.create(host.url()))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** The next {@code data:} value of an SSE stream. */
    private static String nextData(java.util.Iterator<String> lines) {
        for (int i = 0; i < 100 && lines.hasNext(); i++) {
            String line = lines.next();
            if (line.startsWith("data:")) {
                return line.substring(5).trim();
            }
        }
        throw new AssertionError("no data line");
    }

    private java.util.Iterator<String> openStream(Hosts.Host host, String session, @Nullable String lastEventId)
            throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(host.url()))
                .header("Accept", "text/event-stream")
                .header("Mcp-Session-Id", session)
                .GET();
        if (lastEventId != null) {
            req.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<java.util.stream.Stream<String>> res = http.sendAsync(
                        req.build(), HttpResponse.BodyHandlers.ofLines())
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body().iterator();
    }

    /** The next event of a stream: its id line (or null) and its data. */
    private static String[] nextEvent(java.util.Iterator<String> lines) {
        String id = null;
        for (int i = 0; i < 1000 && lines.hasNext(); i++) {
            String line = lines.next();
            if (line.startsWith("id:")) id = line.substring(3).trim();
            if (line.startsWith("data:"))
                return new String[] {id, line.substring(5).trim()};
        }
        throw new AssertionError("no event");
    }

    @Test
    void aServerThatComesBackIsAnnouncedOnceAndListedWithoutReinitializing() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        a.getStream = true;
        b.down = true;
        Hosts.Host host = gateway(
                Hosts.Kind.JETTY,
                g -> g.catalogRefresh(Duration.ofMillis(100)),
                member("a", false, a),
                member("b", false, b));
        String session = initialize(host).session();
        assertThat(allTools(session, host)).containsExactly("a_search");
        java.util.Iterator<String> stream = openStream(host, session, null);

        b.down = false;
        assertThat(nextEvent(stream)[1])
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}");
        assertThat(allTools(session, host)).containsExactly("a_search", "b_search");

        for (int i = 0; i < 50; i++) {
            a.push("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}");
        }
        a.push(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"after\"}}");
        List<String> next = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            next.add(nextEvent(stream)[1]);
        }
        assertThat(next)
                .containsExactlyInAnyOrder(
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/tools/list_changed\"}",
                        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"level\":\"info\",\"data\":\"after\"}}");
    }

    @Test
    void aMergedStreamResumesEachServerWhereItWasOnAnotherInstance() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        a.getStream = true;
        b.getStream = true;
        a.stateful = true;
        Hosts.Host one = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), member("b", false, b));
        Hosts.Host two = gateway(Hosts.Kind.JETTY, g -> {}, member("a", false, a), member("b", false, b));
        String session = initialize(one).session();
        java.util.Iterator<String> stream = openStream(one, session, null);
        a.push("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\"a\"}}");
        String[] first = nextEvent(stream);
        b.push("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\",\"params\":{\"data\":\"b\"}}");
        String[] second = nextEvent(stream);
        assertThat(first[0]).isNotNull().doesNotContain("a1-");
        assertThat(second[0]).isNotNull().isNotEqualTo(first[0]);

        openStream(two, session, second[0]);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> a.lastEventIds.size() == 2 && b.lastEventIds.size() == 2);
        assertThat(a.lastEventIds).containsExactly("null", "a1-1");
        assertThat(b.lastEventIds).containsExactly("null", "b1-1");
    }

    private Answer post2026(Hosts.Host host, String method, @Nullable String name, String body) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(host.url()))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", method)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (name != null) {
            req.header("Mcp-Name", name);
        }
        HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(
                res.statusCode(),
                res.body(),
                res.headers().firstValue("Mcp-Session-Id").orElse(null));
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void requestsOf2026AreRoutedPerRequestWithHeadersCheckedAndRenamed(Hosts.Kind kind) throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        Hosts.Host host = gateway(kind, g -> {}, member("a", false, a), member("b", false, b));

        Answer called = post2026(host, "tools/call", "b_search", call("b_search"));
        assertThat(text(called)).isEqualTo("b1:search");
        ScriptedMcpServer.Received got = b.received("tools/call").get(0);
        assertThat(got.mcpName()).isEqualTo("search");
        assertThat(got.body()).contains("\"name\":\"search\"");

        String encoded = "=?base64?"
                + java.util.Base64.getEncoder()
                        .encodeToString("a_search".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + "?=";
        assertThat(text(post2026(host, "tools/call", encoded, call("a_search"))))
                .isEqualTo("a1:search");

        int before = a.received.size() + b.received.size();
        Answer wrongName = post2026(host, "tools/call", "a_search", call("b_search"));
        Answer wrongMethod = post2026(host, "tools/list", "b_search", call("b_search"));
        Answer noName = post2026(host, "tools/call", null, call("b_search"));
        for (Answer refused : List.of(wrongName, wrongMethod, noName)) {
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.error()).as(refused.body()).containsEntry("code", java.math.BigInteger.valueOf(-32020));
        }
        assertThat(a.received.size() + b.received.size()).as("no upstream I/O").isEqualTo(before);
    }

    @Test
    void serverDiscoverAndListsMergeVersionsAndCacheHints() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        a.ttlMs = 60_000;
        b.ttlMs = 5_000;
        b.supported = "[\"2026-07-28\"]";
        Hosts.Host host = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), member("b", false, b));
        Answer discovered = post2026(
                host, "server/discover", null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\"}");
        Map<String, Object> result = discovered.result();
        assertThat(result).as(discovered.body()).containsEntry("supportedVersions", List.of("2026-07-28"));
        assertThat(result)
                .containsEntry("ttlMs", java.math.BigInteger.valueOf(5000))
                .containsEntry("cacheScope", "public");
        Answer listed = post2026(host, "tools/list", null, list(null));
        assertThat(listed.result())
                .containsEntry("ttlMs", java.math.BigInteger.valueOf(5000))
                .containsEntry("cacheScope", "public");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(Hosts.Kind.class)
    void aMergedStreamWhoseClientLeavesEndsEachServersStreamAsClientGoneNotABackendError(Hosts.Kind kind)
            throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        a.getStream = true;
        b.getStream = true;
        List<String> streams = new java.util.concurrent.CopyOnWriteArrayList<>();
        Hosts.Host host = gateway(
                kind,
                g -> g.exchangeListener(request -> new ExchangeListener() {
                    @Override
                    public void attemptEnd(McpCall call, UpstreamAttempt attempt, Outcome outcome) {
                        if (attempt.method() == null) { // a GET stream's attempt (no JSON-RPC method)
                            streams.add(attempt.server() + " " + outcome.kind());
                        }
                    }
                }),
                member("a", false, a),
                member("b", false, b));
        String session = initialize(host).session();
        HttpResponse<java.io.InputStream> res = http.send(
                HttpRequest.newBuilder(URI.create(host.url()))
                        .header("Accept", "text/event-stream")
                        .header("Mcp-Session-Id", session)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(10))
                .until(() -> !a.lastEventIds.isEmpty() && !b.lastEventIds.isEmpty()); // both servers were asked
        res.body().close(); // the client leaves; the gateway's keep-alive finds it gone and cancels both parts
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> streams.size() >= 2);
        assertThat(streams).containsExactlyInAnyOrder("a-server CLIENT_GONE", "b-server CLIENT_GONE");
    }

    @Test
    void aClientThatLeavesMidCallClosesTheServersStream() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        b.tools = List.of("slow");
        Hosts.Host host = gateway(
                Hosts.Kind.JDK,
                g -> g.streamHeartbeat(Duration.ofMillis(200)),
                member("a", false, a),
                member("b", false, b));
        HttpRequest req = HttpRequest.newBuilder(URI.create(host.url()))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2026-07-28")
                .header("Mcp-Method", "tools/call")
                .header("Mcp-Name", "b_slow")
                .POST(HttpRequest.BodyPublishers.ofString(call("b_slow")))
                .build();
        HttpResponse<java.io.InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        java.io.InputStream in = res.body();
        assertThat(in.read(new byte[64])).isPositive(); // the stream is flowing
        long left = System.nanoTime();
        in.close();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> b.slowClosedAt != 0);
        Duration after = Duration.ofNanos(b.slowClosedAt - left);
        assertThat(after).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void healthShowsEveryServerAndReplicaAndTheListenerHearsViewChanges() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        GatewayListener listener = new GatewayListener() {
            @Override
            public void catalogRefreshed(String srv, String list, int entries) {
                events.add("refreshed " + srv + " " + list + " " + entries);
            }

            @Override
            public void federatedServerChanged(String srv, boolean inView, @Nullable String reason) {
                events.add((inView ? "joined " : "left ") + srv);
            }
        };
        Hosts.Host host = gateway(
                Hosts.Kind.JDK,
                g -> g.listener(listener).catalogRefresh(Duration.ofMillis(1)),
                member("a", true, a),
                member("b", false, b));
        HealthReport report = host.gateway().health();
        assertThat(report.servers())
                .extracting(HealthReport.ServerHealth::name)
                .containsExactly("a-server", "b-server");
        assertThat(report.backends())
                .extracting(HealthReport.BackendHealth::name)
                .containsExactly("a-server/a1", "b-server/b1");
        HttpResponse<String> json = http.send(
                HttpRequest.newBuilder(URI.create(host.url().replace("/mcp", "/health")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json.body()).contains("\"servers\":[{\"name\":\"a-server\",\"prefix\":\"a\",\"required\":true");
        assertThat(json.body()).contains("\"name\":\"b-server/b1\"");

        allTools(null, host);
        assertThat(events).contains("refreshed a-server tools 1", "refreshed b-server tools 1");
        b.down = true;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            allTools(null, host); // a stale catalog is served for a few refresh periods, then dropped
            assertThat(events).contains("left b-server");
        });
        b.down = false;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            allTools(null, host);
            assertThat(events).contains("joined b-server");
        });
        assertThatThrownBy(() -> host.gateway().pool()).isInstanceOf(IllegalStateException.class);
        assertThat(host.gateway().servers()).extracting(McpServer::prefix).containsExactly("a", "b");
    }

    @Test
    void aSessionSurvivesAGatewayRestartWithTheSameKey() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer c = server("c1");
        c.stateful = true;
        c.tools = List.of("count");
        Hosts.Host before = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), member("c", false, c));
        String session = initialize(before).session();
        assertThat(text(post(before, session, call("c_count")))).isEqualTo("1");
        before.close();
        before.gateway().close();
        Hosts.Host after = gateway(Hosts.Kind.JETTY, g -> {}, member("a", false, a), member("c", false, c));
        assertThat(text(post(after, session, call("c_count")))).isEqualTo("2");
    }

    /**
     * Idle federated sessions cost the gateway no heap: everything a session needs is in its token. Measured after GC
     * over 2,000 sessions (after 200 to warm up); the bound is loose (JIT and class loading move the heap too), the
     * figure is printed for the record.
     */
    @Test
    void idleFederatedSessionsHoldNoGatewayHeap() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer c = server("c1");
        c.stateful = true;
        a.recording = false;
        c.recording = false;
        Hosts.Host host = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), member("c", false, c));
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            sessions.add(initialize(host).session());
        }
        long before = usedAfterGc();
        for (int i = 0; i < 2000; i++) {
            sessions.add(initialize(host).session());
        }
        long after = usedAfterGc();
        long perSession = (after - before) / 2000;
        System.out.println("heap per idle federated session: " + perSession + " bytes (" + (after - before)
                + " bytes over 2,000 sessions, counting the test's own tokens of "
                + sessions.get(0).length()
                + " characters and the scripted server's state for each session, in the same JVM)");
        assertThat(sessions).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(perSession).isLessThan(2048);
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50); // bounded: lets the collector finish; not waiting for the gateway
            used = Math.min(used, runtime.totalMemory() - runtime.freeMemory());
        }
        return used;
    }

    @Test
    void aCancelReachesTheServersOfTheSessionAndProgressTokensPassUnchanged() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        b.tools = List.of("slow");
        b.stateful = true;
        Hosts.Host host = gateway(Hosts.Kind.JETTY, g -> {}, member("a", false, a), member("b", false, b));
        String session = initialize(host).session();
        HttpResponse<java.util.stream.Stream<String>> res = http.sendAsync(
                        streamingPost(host, session, call("b_slow")), HttpResponse.BodyHandlers.ofLines())
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        java.util.Iterator<String> lines = res.body().iterator();
        assertThat(nextData(lines)).contains("\"progressToken\":\"p\"");
        Answer cancelled = post(
                host,
                session,
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"c\"}}");
        assertThat(cancelled.status()).isEqualTo(202);
        assertThat(b.received("notifications/cancelled")).singleElement().satisfies(r -> {
            assertThat(r.body()).contains("\"requestId\":\"c\"");
            assertThat(r.session()).startsWith("sid-b1-");
        });
        res.body().close();
    }

    @Test
    void completionsRouteByTheirRefAndUiResourcesAndUpdatesGetThePrefix() throws Exception {
        ScriptedMcpServer a = server("a1");
        ScriptedMcpServer b = server("b1");
        a.tools = List.of("card");
        a.getStream = true;
        b.prompts = true;
        Hosts.Host host = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a), member("b", false, b));
        String session = initialize(host).session();
        Answer listed = post(host, session, list(null));
        Map<String, Object> card = asMap(((List<?>) listed.result().get("tools")).get(0));
        assertThat(JsonTree.object(JsonTree.object(card, "_meta"), "ui"))
                .containsEntry("resourceUri", "ui://a+widget/card");

        Answer completed = post(
                host,
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"completion/complete\",\"params\":{\"ref\":"
                        + "{\"type\":\"ref/prompt\",\"name\":\"b_summarize\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}}");
        assertThat(completed.body()).contains("\"b1:summarize\"");
        Answer unknown = post(
                host,
                session,
                "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"completion/complete\",\"params\":{\"ref\":"
                        + "{\"type\":\"ref/prompt\",\"name\":\"a_summarize\"},\"argument\":{\"name\":\"x\",\"value\":\"\"}}}");
        assertThat(unknown.error()).containsEntry("code", java.math.BigInteger.valueOf(-32602));

        java.util.Iterator<String> stream = openStream(host, session, null);
        a.push(
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/resources/updated\",\"params\":{\"uri\":\"file:///x\"}}");
        assertThat(nextEvent(stream)[1]).contains("\"uri\":\"a+file:///x\"");
    }

    @Test
    void forgedSessionsAndBatchesAreRefused() throws Exception {
        ScriptedMcpServer a = server("a1");
        Hosts.Host host = gateway(Hosts.Kind.JDK, g -> {}, member("a", false, a));
        assertThat(post(host, "forged", call("a_search")).status()).isEqualTo(404);
        Answer batch = post(host, null, "[" + call("a_search") + "]");
        assertThat(batch.status()).isEqualTo(400);
        assertThat(batch.body()).contains("-32600");
        assertThat(a.received("tools/call")).isEmpty();
    }

    @Test
    void aDuplicateOrInvalidPrefixFailsAtBuildTimeNamingBothServers() {
        BackendPool p1 = BackendPool.builder("one")
                .backend(Backend.of("r", "http://127.0.0.1:1/mcp"))
                .build();
        BackendPool p2 = BackendPool.builder("two")
                .backend(Backend.of("r", "http://127.0.0.1:2/mcp"))
                .build();
        assertThatThrownBy(() -> Gateway.builder()
                        .server(McpServer.builder("x", p1).build())
                        .server(McpServer.builder("x", p2).build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'one'")
                .hasMessageContaining("'two'");
        assertThatThrownBy(() -> McpServer.builder("Bad_Prefix", p1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'one'");
        assertThatThrownBy(() -> Gateway.builder()
                        .server(McpServer.builder("x", p1).build())
                        .pool(p2)
                        .build())
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void filtersHideNamesOfAServer() throws Exception {
        ScriptedMcpServer a = server("a1");
        a.tools = List.of("search", "debug_dump", "debug_trace");
        BackendPool pool = BackendPool.builder("a-server")
                .backend(Backend.of("a1", a.url()))
                .build();
        Hosts.Host host = gateway(
                Hosts.Kind.JDK,
                g -> {},
                McpServer.builder("a", pool).exclude("debug_*").build());
        assertThat(allTools(null, host)).containsExactly("a_search");
        assertThat(post(host, null, call("a_debug_dump")).error()).isNotNull();
        Set<String> seen = new HashSet<>();
        a.received("tools/call").forEach(r -> seen.add(r.body()));
        assertThat(seen).isEmpty();
    }
}
