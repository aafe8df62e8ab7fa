package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openharbor.mcp.gateway.testing.FakeTicker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Token buckets with an injected ticker (no sleeping), and 429s through a real host server. */
class RateLimitTest {
    private final FakeTicker ticker = new FakeTicker();
    private EdgeFixture f;
    private final List<GatewayListener.Rejection> rejections = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    /**
     * Requests arrive every {@code gapMillis} for {@code windowSeconds}: a token bucket admits exactly
     * {@code burst + floor(window * perMinute / 60)} of them when the arrivals outpace the refill.
     */
    @ParameterizedTest
    @CsvSource({"100, 20, 60, 50", "100, 20, 600, 10", "60, 1, 30, 100", "7, 3, 120, 250", "6000, 50, 10, 1"})
    void admitsExactlyBurstPlusRefillOverAFixedWindow(int perMinute, int burst, int windowSeconds, int gapMillis) {
        RateLimits limits =
                RateLimits.builder().perCaller(perMinute, burst).ticker(ticker).build();
        long gap = Duration.ofMillis(gapMillis).toNanos();
        long arrivals = Duration.ofSeconds(windowSeconds).toNanos() / gap + 1; // at 0, gap, ..., window
        int admitted = 0;
        for (long i = 0; i < arrivals; i++) {
            if (i > 0) ticker.advance(Duration.ofNanos(gap));
            if (limits.acquire("c", null).isZero()) admitted++;
        }
        long refill = (long) windowSeconds * perMinute / 60;
        assertThat(admitted).isEqualTo(burst + refill);
    }

    @Test
    void refusalSaysHowLongToWaitAndTakesNothing() {
        RateLimits limits = RateLimits.builder().perCaller(60, 2).ticker(ticker).build();
        assertThat(limits.acquire("c", null)).isZero();
        assertThat(limits.acquire("c", null)).isZero();
        assertThat(limits.acquire("c", null)).isEqualTo(Duration.ofSeconds(1));
        ticker.advance(Duration.ofMillis(400));
        assertThat(limits.acquire("c", null)).isEqualTo(Duration.ofMillis(600));
        ticker.advance(Duration.ofMillis(600));
        assertThat(limits.acquire("c", null)).isZero();
        assertThat(limits.acquire("other", null))
                .as("callers have their own buckets")
                .isZero();
    }

    @Test
    void perToolLimitsStackOnTheCallerLimit() {
        RateLimits limits = RateLimits.builder()
                .perCaller(600, 100)
                .tool("search", 1, 2)
                .ticker(ticker)
                .build();
        assertThat(limits.acquire("c", "search")).isZero();
        assertThat(limits.acquire("c", "search")).isZero();
        assertThat(limits.acquire("c", "search")).isEqualTo(Duration.ofMinutes(1));
        assertThat(limits.acquire("d", "search")).isZero();
        assertThat(limits.acquire("c", "echo")).as("no limit for other tools").isZero();
    }

    @Test
    void idleBucketsAreDroppedAndMemoryIsBounded() {
        RateLimits limits = RateLimits.builder()
                .perCaller(60, 10)
                .maxCallers(100)
                .ticker(ticker)
                .build();
        for (int i = 0; i < 1000; i++) {
            limits.acquire("ip:10.0.0." + i, null);
        }
        assertThat(limits.trackedCallers()).isLessThanOrEqualTo(100);
        ticker.advance(Duration.ofSeconds(11)); // refill time of a bucket of 10 at 1/s
        assertThat(limits.trackedCallers()).isZero();
    }

    @Test
    void builderValidates() {
        assertThatThrownBy(() -> RateLimits.builder().perCaller(0, 1)).hasMessageContaining("requestsPerMinute");
        assertThatThrownBy(() -> RateLimits.builder().perCaller(1, 0)).hasMessageContaining("burst");
        assertThatThrownBy(() -> RateLimits.builder().tool("t", 1, 1).tool("t", 2, 2))
                .hasMessageContaining("'t'");
        assertThatThrownBy(() -> RateLimits.builder().maxCallers(1)).hasMessageContaining("maxCallers");
    }

    // ---- through HTTP ----

    private void start(UnaryOperator<Gateway.Builder> configure) throws Exception {
        f = new EdgeFixture(
                Hosts.Kind.JDK,
                b -> configure.apply(b.listener(new GatewayListener() {
                    @Override
                    public void rejected(GatewayRequest request, Rejection reason) {
                        rejections.add(reason);
                    }
                })));
    }

    private static RawHttp.Req ping() {
        return RawHttp.Req.post("/mcp", EdgeFixture.PING);
    }

    @Test
    void overTheLimitGets429WithRetryAfterAndNothingIsForwarded() throws Exception {
        start(b -> b.rateLimiter(
                RateLimits.builder().perCaller(30, 2).ticker(ticker).build()));
        assertThat(f.send(ping()).status).isEqualTo(200);
        assertThat(f.send(new RawHttp.Req("GET", "/mcp").header("Accept", "text/event-stream")).status)
                .as("a GET stream open counts")
                .isEqualTo(200);
        RawHttp.Answer limited = f.send(ping());
        assertThat(limited.status).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("2");
        assertThat(limited.body)
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32029,\"message\":"
                        + "\"Too Many Requests: retry after 2 s\",\"data\":{\"retryAfterSeconds\":2}}}");
        assertThat(f.backendRequests()).isEqualTo(2);
        assertThat(f.send(new RawHttp.Req("GET", "/health")).status)
                .as("health is exempt")
                .isEqualTo(200);
        assertThat(f.send(new RawHttp.Req("OPTIONS", "/mcp")).status)
                .as("OPTIONS is exempt")
                .isEqualTo(204);
        ticker.advance(Duration.ofSeconds(2));
        assertThat(f.send(ping()).status).isEqualTo(200);
        assertThat(rejections).containsExactly(GatewayListener.Rejection.RATE_LIMITED);
    }

    @Test
    void authenticatedCallersHaveTheirOwnLimits() throws Exception {
        start(b -> b.authenticator(ApiKeys.builder()
                        .key("a", "key-a-0123456789abcdef")
                        .key("b", "key-b-0123456789abcdef")
                        .build())
                .rateLimiter(RateLimits.builder().perCaller(1, 1).ticker(ticker).build()));
        assertThat(f.send(ping().header("X-API-Key", "key-a-0123456789abcdef")).status)
                .isEqualTo(200);
        assertThat(f.send(ping().header("X-API-Key", "key-a-0123456789abcdef")).status)
                .isEqualTo(429);
        assertThat(f.send(ping().header("X-API-Key", "key-b-0123456789abcdef")).status)
                .isEqualTo(200);
    }

    @Test
    void failedAuthenticationSpendsTheAddressAllowance() throws Exception {
        start(b -> b.authenticator(
                        ApiKeys.builder().key("a", "key-a-0123456789abcdef").build())
                .rateLimiter(RateLimits.builder().perCaller(1, 3).ticker(ticker).build()));
        for (int i = 0; i < 3; i++) {
            assertThat(f.send(ping().header("X-API-Key", "guess-" + i)).status).isEqualTo(401);
        }
        RawHttp.Answer a = f.send(ping().header("X-API-Key", "guess-3"));
        assertThat(a.status).isEqualTo(429);
        assertThat(a.header("WWW-Authenticate")).isNull();
        assertThat(f.send(ping().header("X-API-Key", "key-a-0123456789abcdef")).status)
                .as("the key's own allowance is separate")
                .isEqualTo(200);
    }

    @Test
    void perToolLimitAppliesToToolsCallOnly() throws Exception {
        start(b -> b.rateLimiter(RateLimits.builder()
                .perCaller(600, 100)
                .tool("search", 1, 1)
                .ticker(ticker)
                .build()));
        assertThat(f.send(RawHttp.Req.post("/mcp", EdgeFixture.call("search"))).status)
                .isEqualTo(200);
        RawHttp.Answer second = f.send(RawHttp.Req.post("/mcp", EdgeFixture.call("search")));
        assertThat(second.status).isEqualTo(429);
        assertThat(second.body).contains("\"id\":3").contains("\"retryAfterSeconds\":60");
        assertThat(f.send(RawHttp.Req.post("/mcp", EdgeFixture.call("echo"))).status)
                .isEqualTo(200);
        String batch = "[" + EdgeFixture.call("echo") + "," + EdgeFixture.call("search") + "]";
        assertThat(f.send(RawHttp.Req.post("/mcp", batch)).status)
                .as("a batch cannot slip past")
                .isEqualTo(429);
        assertThat(f.backendRequests()).isEqualTo(2);
    }

    @Test
    void clientAddressFromUntrustedForwardingHeadersIsNotUsed() throws Exception {
        start(b -> b.rateLimiter(
                RateLimits.builder().perCaller(1, 1).ticker(ticker).build()));
        assertThat(f.send(ping().header("X-Forwarded-For", "198.51.100.1")).status)
                .isEqualTo(200);
        assertThat(f.send(ping().header("X-Forwarded-For", "198.51.100.2")).status)
                .isEqualTo(429);
    }

    @Test
    void trustedProxyClientsAreLimitedApart() throws Exception {
        start(b -> b.security(
                        SecurityPolicy.builder().trustForwardedHeaders(true).build())
                .rateLimiter(RateLimits.builder().perCaller(1, 1).ticker(ticker).build()));
        assertThat(f.send(ping().header("X-Forwarded-For", "198.51.100.1")).status)
                .isEqualTo(200);
        assertThat(f.send(ping().header("X-Forwarded-For", "198.51.100.2")).status)
                .isEqualTo(200);
        assertThat(f.send(ping().header("X-Forwarded-For", "198.51.100.1")).status)
                .isEqualTo(429);
    }

    @Test
    void aThrowingLimiterLetsRequestsThrough() throws Exception {
        start(b -> b.rateLimiter((caller, tool) -> {
            throw new IllegalStateException("redis down");
        }));
        assertThat(f.send(ping()).status).isEqualTo(200);
    }
}
