package io.openharbor.mcp.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.RateLimiter;
import io.openharbor.mcp.gateway.RateLimits;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.testing.FakeMcpServer;
import io.openharbor.mcp.gateway.testing.FakeTicker;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;

/** Rate limits shared through a real Redis on 127.0.0.1, by gateways that share nothing else. */
class RedisRateLimitsTest {
    private static RedisProcess redis;
    private final List<AutoCloseable> closing = new ArrayList<>();
    private final String prefix = "test-" + UUID.randomUUID() + ":";
    /** The script's clock in the tests that need minutes to pass: microseconds, moved by hand. */
    private final AtomicLong micros = new AtomicLong(1_000_000_000_000L);

    private final FakeTicker ticker = new FakeTicker();
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisProcess.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        if (redis != null) redis.close();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) closing.get(i).close();
    }

    private RedisRateLimits.Builder limits() {
        return RedisRateLimits.builder(redis.uri())
                .keyPrefix(prefix)
                .perCaller(100, 20)
                .tool("search", 10, 2)
                .ticker(ticker)
                .listener(new RedisRateLimits.Listener() {
                    @Override
                    public void redisUnavailable(String reason) {
                        events.add("unavailable");
                    }

                    @Override
                    public void redisRecovered() {
                        events.add("recovered");
                    }
                });
    }

    private RedisRateLimits build(RedisRateLimits.Builder b) {
        RedisRateLimits l = b.build();
        closing.add(l);
        return l;
    }

    /** A gateway in front of one fake MCP server, limited by {@code limiter}; returns its MCP URL. */
    private String gateway(RateLimiter limiter, FakeMcpServer backend) throws Exception {
        Gateway g = Gateway.builder()
                .pool(BackendPool.builder("p")
                        .healthCheck(HealthCheckPolicy.disabled())
                        .backend(Backend.of("b", backend.url()))
                        .build())
                .rateLimiter(limiter)
                .build();
        HttpServer host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        host.createContext("/mcp", new GatewayHttpHandler(g));
        ExecutorService executor = Gateway.newRequestExecutor("redis-test-");
        host.setExecutor(executor);
        host.start();
        closing.add(g);
        closing.add(() -> {
            host.stop(0);
            executor.shutdownNow();
        });
        return "http://127.0.0.1:" + host.getAddress().getPort() + "/mcp";
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int post(String url, String body) throws Exception {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", "application/json")
                                .header("Accept", "application/json, text/event-stream")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    private static final String SEARCH =
            "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"search\",\"arguments\":{}}}";

    /**
     * Two minutes of a client alternating between two gateways, a request every 50 ms of the script's clock: what
     * both admit together, and what each admits against its own buckets.
     */
    private int[] alternate(String first, String second, String body, long seconds, long stepMillis) throws Exception {
        int admitted = 0;
        int refused = 0;
        long steps = seconds * 1000 / stepMillis;
        for (long i = 0; i < steps; i++) {
            int status = post(i % 2 == 0 ? first : second, body);
            if (status == 200) admitted++;
            else if (status == 429) refused++;
            else throw new AssertionError("unexpected status " + status);
            micros.addAndGet(stepMillis * 1000);
        }
        return new int[] {admitted, refused};
    }

    @Test
    void twoGatewaysSharingRedisAdmitOneLimitOverTwoMinutesNotTwo() throws Exception {
        try (FakeMcpServer backend = FakeMcpServer.start("b")) {
            String one = gateway(build(limits().nowMicros(micros::get)), backend);
            String two = gateway(build(limits().nowMicros(micros::get)), backend);
            int[] shared = alternate(one, two, PING, 120, 50);
            int expected = 20 + 100 * 2; // burst + rate x time
            assertThat(shared[0]).as("admitted by both together").isBetween(expected * 95 / 100, expected * 105 / 100);
            assertThat(shared[0] + shared[1]).isEqualTo(2400);
        }
    }

    @Test
    void withoutRedisEachGatewayWouldAdmitTheLimitOnItsOwn() throws Exception {
        // the contrast the shared limiter exists for: local buckets on a fake clock, the same traffic
        try (FakeMcpServer backend = FakeMcpServer.start("b")) {
            FakeTicker time = new FakeTicker();
            String one =
                    gateway(RateLimits.builder().perCaller(100, 20).ticker(time).build(), backend);
            String two =
                    gateway(RateLimits.builder().perCaller(100, 20).ticker(time).build(), backend);
            int admitted = 0;
            for (int i = 0; i < 2400; i++) {
                if (post(i % 2 == 0 ? one : two, PING) == 200) admitted++;
                time.advance(Duration.ofMillis(50));
            }
            assertThat(admitted).as("twice the limit").isBetween(430, 450);
        }
    }

    @Test
    void perToolLimitsHoldAcrossGatewaysToo() throws Exception {
        try (FakeMcpServer backend = FakeMcpServer.start("b")) {
            String one = gateway(build(limits().nowMicros(micros::get)), backend);
            String two = gateway(build(limits().nowMicros(micros::get)), backend);
            int[] calls = alternate(one, two, SEARCH, 60, 200); // 300 calls of search over a minute
            assertThat(calls[0]).as("search: burst 2 + 10/min x 1 min").isBetween(11, 13);
        }
    }

    @Test
    void redisTimeDecidesWhenNoClockIsGiven() {
        RedisRateLimits a = build(limits());
        RedisRateLimits b = build(limits());
        int admitted = 0;
        for (int i = 0; i < 40; i++) {
            if ((i % 2 == 0 ? a : b).acquire("alice", null).isZero()) admitted++;
        }
        assertThat(admitted)
                .as("the burst, across both, within a second or so of Redis time")
                .isBetween(20, 22);
        Duration wait = a.acquire("alice", null);
        assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofMillis(600));
    }

    @Test
    void redisDownFailsOpenToLocalBucketsAtOnceAndSharingResumesWhenItIsBack() throws Exception {
        RedisRateLimits l = build(limits().nowMicros(micros::get).timeout(Duration.ofMillis(50)));
        assertThat(l.acquire("bob", null)).isZero();
        redis.stop();
        long started = System.nanoTime();
        Duration first = l.acquire("bob", null);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(first).as("fail open: bob's local bucket is full").isZero();
        assertThat(tookMillis).as("bounded by the timeout, not a stall").isLessThan(2_000);
        assertThat(events).containsExactly("unavailable");
        int admitted = 1;
        for (int i = 0; i < 30; i++) {
            if (l.acquire("bob", null).isZero()) admitted++;
        }
        assertThat(admitted)
                .as("local buckets: the burst (and no Redis round trip)")
                .isBetween(20, 22);
        assertThat(events).containsExactly("unavailable");

        assertThat(redis.startProcess()).isTrue();
        assertThat(l.acquire("carol", null))
                .as("within the retry interval: still local")
                .isZero();
        assertThat(events).containsExactly("unavailable");
        ticker.advance(Duration.ofSeconds(2));
        assertThat(l.acquire("carol", null)).isZero();
        assertThat(events).containsExactly("unavailable", "recovered");
        try (Jedis direct = new Jedis(redis.uri())) {
            assertThat(direct.exists(prefix + "c:carol"))
                    .as("decided in Redis again")
                    .isTrue();
        }
    }

    @Test
    void redisDownFailsClosedWhenToldTo() throws Exception {
        RedisRateLimits l = build(limits().nowMicros(micros::get)
                .timeout(Duration.ofMillis(50))
                .failurePolicy(RedisRateLimits.FailurePolicy.FAIL_CLOSED));
        assertThat(l.acquire("dave", null)).isZero();
        redis.stop();
        try {
            assertThat(l.acquire("dave", null)).isEqualTo(Duration.ofSeconds(1));
            assertThat(l.acquire("erin", null))
                    .as("no Redis call within the retry interval")
                    .isEqualTo(Duration.ofSeconds(1));
            assertThat(events).containsExactly("unavailable");
        } finally {
            assertThat(redis.startProcess()).isTrue();
        }
    }

    @Test
    void keysExpireByThemselvesSoTenThousandCallersLeaveNothingBehind() {
        RedisRateLimits l = build(limits());
        for (int i = 0; i < 10_000; i++) {
            assertThat(l.acquire("caller-" + i, null)).isZero();
        }
        try (Jedis direct = new Jedis(redis.uri())) {
            assertThat(direct.keys(prefix + "*")).hasSize(10_000);
            long ttl = direct.pttl(prefix + "c:caller-0");
            assertThat(ttl)
                    .as("every key carries its own expiry: one request's worth, 600 ms")
                    .isBetween(1L, 601L);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> direct.keys(prefix + "*").isEmpty());
        }
    }
}
