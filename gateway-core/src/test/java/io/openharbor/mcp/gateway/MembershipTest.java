package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Backends added, drained and removed while traffic flows, through real host servers: every request is answered, none
 * reaches a backend twice, a draining backend takes nothing new and leaves once its requests in flight have ended.
 */
class MembershipTest {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    /** Every id any backend received, with how often: a duplicated request would show as 2. */
    private final Map<String, AtomicInteger> received = new ConcurrentHashMap<>();

    private final List<FakeBackend> backends = new ArrayList<>();
    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Hosts.Host host;

    /** A tiny MCP-ish server: answers each request with its id and its own name; "hold" requests wait on a latch. */
    final class FakeBackend implements AutoCloseable {
        final String name;
        final HttpServer server;
        final AtomicInteger requests = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch holding = new CountDownLatch(1);

        FakeBackend(String name) throws IOException {
            this.name = name;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/mcp", ex -> {
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                requests.incrementAndGet();
                Matcher m = ID.matcher(body);
                String id = m.find() ? m.group(1) : "none";
                received.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                if (body.contains("\"hold\"")) {
                    holding.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (body.contains("\"initialize\"")) {
                    ex.getResponseHeaders().add("Mcp-Session-Id", "session-of-" + name);
                }
                byte[] answer = ("{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"result\":{\"backend\":\"" + name
                                + "\"}}")
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, answer.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(answer);
                }
            });
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
            backends.add(this);
        }

        Backend backend() {
            return Backend.of(name, "http://127.0.0.1:" + server.getAddress().getPort() + "/mcp");
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
            ((ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    @AfterEach
    void tearDown() {
        if (host != null) {
            host.close();
        }
        backends.forEach(FakeBackend::close);
    }

    private Gateway gateway(FakeBackend... members) {
        BackendPool.Builder pool = BackendPool.builder("p")
                .healthCheck(HealthCheckPolicy.disabled())
                .slowStart(Duration.ZERO)
                .loadBalancer(LoadBalancer.roundRobin());
        for (FakeBackend b : members) {
            pool.backend(b.backend());
        }
        return Gateway.builder().pool(pool.build()).build();
    }

    private HttpResponse<String> post(String json, String session) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(host.url()))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (session != null) {
            b.header("Mcp-Session-Id", session);
            b.header("MCP-Protocol-Version", "2025-06-18");
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String call(String id, String extra) {
        return "{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"tools/call\",\"params\":{\"name\":\"t\"" + extra
                + "}}";
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void drainingUnderLoadLosesAndDuplicatesNothing(Hosts.Kind kind) throws Exception {
        FakeBackend a = new FakeBackend("a");
        FakeBackend b = new FakeBackend("b");
        FakeBackend c = new FakeBackend("c");
        FakeBackend d = new FakeBackend("d");
        host = Hosts.start(kind, gateway(a, b, c));
        Gateway gw = host.gateway();

        // A request held on a: the drain must wait for it.
        ExecutorService clients = Executors.newFixedThreadPool(9);
        Future<HttpResponse<String>> held;
        try {
            held = clients.submit(() -> {
                // round robin: send until one lands on a (at most three tries)
                for (int i = 0; i < 3; i++) {
                    HttpResponse<String> r = post(call("held-" + i, ",\"hold\":true"), null);
                    if (r.body().contains("\"backend\":\"a\"")) {
                        return r;
                    }
                }
                throw new AssertionError("no request reached a");
            });
            assertThat(a.holding.await(10, TimeUnit.SECONDS)).isTrue();
            b.release.countDown();
            c.release.countDown();
            d.release.countDown();

            // Bounded load: 8 clients × 60 requests, with a drain of a and an addition of d in the middle.
            int clientsCount = 8;
            int perClient = 60;
            CountDownLatch halfway = new CountDownLatch(clientsCount * perClient / 4);
            List<Future<List<String>>> load = new ArrayList<>();
            for (int t = 0; t < clientsCount; t++) {
                int client = t;
                load.add(clients.submit(() -> {
                    List<String> problems = new ArrayList<>();
                    for (int i = 0; i < perClient; i++) {
                        String id = "load-" + client + "-" + i;
                        HttpResponse<String> r = post(call(id, ""), null);
                        if (r.statusCode() != 200 || !r.body().contains("\"id\":\"" + id + "\"")) {
                            problems.add(id + " -> " + r.statusCode() + " " + r.body());
                        }
                        halfway.countDown();
                    }
                    return problems;
                }));
            }
            assertThat(halfway.await(20, TimeUnit.SECONDS)).isTrue();
            var drained = gw.drainBackend("a", Duration.ofSeconds(30));
            // Read in this order, after the drain began: a request that took a's slot before the drain (the only kind
            // that may still reach a) holds it until its answer is relayed, so each one that reaches a after aBefore
            // is counted in inFlightOnA; requests that took the slot after the drain began give it back unsent.
            int inFlightOnA = gw.poolRuntime
                    .members()
                    .byName
                    .get("a")
                    .inFlight
                    .get(); // the held one, and load that had already taken a's slot
            int aBefore = a.requests.get();
            gw.addBackend(d.backend());
            assertThat(gw.health().backends())
                    .filteredOn(h -> h.name().equals("a"))
                    .singleElement()
                    .satisfies(h -> {
                        assertThat(h.draining()).isTrue();
                        assertThat(h.available()).isFalse();
                        assertThat(h.inFlight()).isPositive();
                    });
            assertThat(gw.drainBackend("a", Duration.ofSeconds(30)).isDone())
                    .as("a drain in progress is returned again, still waiting for the held request")
                    .isFalse();

            List<String> problems = new ArrayList<>();
            for (Future<List<String>> f : load) {
                problems.addAll(f.get(60, TimeUnit.SECONDS));
            }
            assertThat(problems).isEmpty();
            assertThat(a.requests.get() - aBefore)
                    .as("only requests already in flight reached the draining backend")
                    .isLessThanOrEqualTo(inFlightOnA - 1);
            assertThat(d.requests.get()).as("the added backend took work").isPositive();
            assertThat(drained.isDone())
                    .as("the held request is still in flight")
                    .isFalse();

            a.release.countDown();
            assertThat(held.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            drained.get(10, TimeUnit.SECONDS);
        } finally {
            clients.shutdownNow();
        }
        assertThat(gw.health().backends())
                .extracting(HealthReport.BackendHealth::name)
                .containsExactly("b", "c", "d");
        assertThat(gw.pool().backends()).extracting(Backend::name).containsExactly("b", "c", "d");
        assertThat(received.values())
                .allSatisfy(n -> assertThat(n.get())
                        .as("no request reached a backend twice")
                        .isEqualTo(1));
        assertThat(received.keySet()).filteredOn(id -> id.startsWith("load-")).hasSize(8 * 60);
    }

    @Test
    void aRequestThatPickedABackendJustBeforeItsDrainGoesElsewhere() throws Exception {
        FakeBackend a = new FakeBackend("a");
        FakeBackend b = new FakeBackend("b");
        a.release.countDown();
        b.release.countDown();
        Gateway[] self = new Gateway[1];
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        // The balancer runs after the availability snapshot and before the bulkhead slot: the exact window in which
        // a drain can find the backend idle, remove it, and still be picked.
        LoadBalancer drainingWhilePicking = (candidates, ctx) -> {
            Backend first = candidates.stream()
                    .filter(x -> x.name().equals("a"))
                    .findFirst()
                    .orElse(candidates.get(0));
            if (first.name().equals("a") && once.compareAndSet(false, true)) {
                assertThat(self[0].drainBackend("a", Duration.ofSeconds(5)))
                        .as("a was idle: removed at once")
                        .isCompleted();
            }
            return first;
        };
        Gateway gw = Gateway.builder()
                .pool(BackendPool.builder("p")
                        .healthCheck(HealthCheckPolicy.disabled())
                        .slowStart(Duration.ZERO)
                        .loadBalancer(drainingWhilePicking)
                        .backend(a.backend())
                        .backend(b.backend())
                        .build())
                .build();
        self[0] = gw;
        host = Hosts.jdk(gw);
        HttpResponse<String> r = post(call("race", ""), null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).as("re-routed after seeing the drain").contains("\"backend\":\"b\"");
        assertThat(a.requests.get()).as("nothing reached the removed backend").isZero();
        assertThat(once.get()).isTrue();
    }

    @Test
    void sessionsOfADrainedBackendGet404AndReinitializeElsewhere() throws Exception {
        FakeBackend a = new FakeBackend("a");
        FakeBackend b = new FakeBackend("b");
        a.release.countDown();
        b.release.countDown();
        host = Hosts.jdk(gateway(a, b));
        String init = "{\"jsonrpc\":\"2.0\",\"id\":\"i1\",\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
        HttpResponse<String> first = post(init, null);
        String owner = first.body().contains("\"backend\":\"a\"") ? "a" : "b";
        String token = first.headers().firstValue("Mcp-Session-Id").orElseThrow();
        assertThat(post(call("s1", ""), token).statusCode()).isEqualTo(200);

        host.gateway().drainBackend(owner, Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
        HttpResponse<String> after = post(call("s2", ""), token);
        assertThat(after.statusCode()).isEqualTo(404);
        assertThat(after.body()).contains("-32001");

        HttpResponse<String> again = post(init.replace("i1", "i2"), null);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(again.body()).doesNotContain("\"backend\":\"" + owner + "\"");
        assertThat(post(
                                call("s3", ""),
                                again.headers().firstValue("Mcp-Session-Id").orElseThrow())
                        .statusCode())
                .isEqualTo(200);

        // the same name may join again once the drain is over; the old session's token still finds no session there
        host.gateway().addBackend(owner.equals("a") ? a.backend() : b.backend());
        assertThat(host.gateway().pool().backends()).hasSize(2);
    }

    @Test
    void removeCancelsWhatIsInFlightWithAnAnswerAndDrainDeadlineRemovesAnyway() throws Exception {
        FakeBackend a = new FakeBackend("a");
        FakeBackend b = new FakeBackend("b");
        b.release.countDown();
        host = Hosts.jdk(gateway(a));
        host.gateway().addBackend(b.backend());
        host.gateway().drainBackend("b", Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);

        ExecutorService clients = Executors.newSingleThreadExecutor();
        try {
            Future<HttpResponse<String>> held = clients.submit(() -> post(call("h", ",\"hold\":true"), null));
            assertThat(a.holding.await(10, TimeUnit.SECONDS)).isTrue();
            // a deadline drain: the held request is cancelled, and its client still gets an answer
            host.gateway().drainBackend("a", Duration.ofMillis(1)).get(10, TimeUnit.SECONDS);
            HttpResponse<String> r = held.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(r.body()).contains("\"jsonrpc\":\"2.0\"");
        } finally {
            clients.shutdownNow();
        }
        assertThat(host.gateway().pool().backends()).isEmpty();
        HttpResponse<String> none = post(call("n", ""), null);
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(host.gateway().health().status()).isEqualTo(HealthReport.Status.UNHEALTHY);

        assertThatThrownBy(() -> host.gateway().removeBackend("a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no backend named 'a'");
        host.gateway().addBackend(b.backend());
        assertThatThrownBy(() -> host.gateway().addBackend(b.backend()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already has a backend named 'b'");
        assertThat(post(call("back", ""), null).statusCode()).isEqualTo(200);
        host.gateway().removeBackend("b");
        assertThat(host.gateway().pool().backends()).isEmpty();
    }
}
