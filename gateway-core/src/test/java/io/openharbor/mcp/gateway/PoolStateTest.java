package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.openharbor.mcp.gateway.testing.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Breakers, outlier ejection, panic mode and slow start, driven by outcomes fed to the pool as the request path feeds
 * them, with a fake ticker: no sleeps, no network.
 */
class PoolStateTest {
    private final FakeTicker ticker = new FakeTicker();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private Gateway gateway;

    private final GatewayListener listener = new GatewayListener() {
        @Override
        public void circuitStateChanged(Backend backend, CircuitState state) {
            events.add(backend.name() + " circuit " + state);
        }

        @Override
        public void backendEjected(Backend backend, Duration duration, int timesEjected) {
            events.add(backend.name() + " ejected " + duration.toSeconds() + "s #" + timesEjected);
        }

        @Override
        public void backendRestored(Backend backend) {
            events.add(backend.name() + " restored");
        }

        @Override
        public void panicModeChanged(String pool, boolean panic, int available, int total) {
            events.add("panic " + panic + " " + available + "/" + total);
        }
    };

    @AfterEach
    void close() {
        if (gateway != null) gateway.close();
    }

    private PoolRuntime pool(int backends, BackendPool.Builder settings) {
        for (int i = 0; i < backends; i++) {
            settings.backend(Backend.of("b" + i, "http://127.0.0.1:9/mcp" + i));
        }
        gateway = Gateway.builder()
                .pool(settings.healthCheck(HealthCheckPolicy.disabled()).build())
                .ticker(ticker)
                .listener(listener)
                .build();
        return gateway.poolRuntime;
    }

    private static List<String> names(PoolRuntime pool) {
        List<String> out = new ArrayList<>();
        for (Backend b : pool.snapshot().available) out.add(b.name());
        return out;
    }

    private static void fail(PoolRuntime pool, BackendRuntime br, int times, int status) {
        for (int i = 0; i < times; i++) {
            assertThat(br.breaker == null || !br.breaker.isClosed() || br.breaker.tryAcquirePermit())
                    .isTrue();
            pool.recordOutcome(br, status, 1_000_000, true);
        }
    }

    @Test
    void breakerOpensAfterFiveFailuresAndClosesAfterTwoSuccesses() {
        PoolRuntime pool = pool(3, BackendPool.builder("p").outlierDetection(OutlierDetection.disabled()));
        BackendRuntime b0 = pool.members().list[0];

        fail(pool, b0, 4, 500);
        assertThat(b0.circuitState()).isEqualTo(CircuitState.CLOSED);
        fail(pool, b0, 1, 0);
        assertThat(b0.circuitState()).isEqualTo(CircuitState.OPEN);
        assertThat(names(pool)).containsExactly("b1", "b2");

        ticker.advance(Duration.ofSeconds(59));
        assertThat(names(pool)).containsExactly("b1", "b2");
        ticker.advance(Duration.ofSeconds(1));
        assertThat(names(pool)).containsExactly("b0", "b1", "b2");
        assertThat(b0.circuitState()).isEqualTo(CircuitState.HALF_OPEN);

        // Two trial requests, no third until they settle.
        assertThat(b0.breaker.tryAcquirePermit()).isTrue();
        assertThat(b0.breaker.tryAcquirePermit()).isTrue();
        assertThat(b0.breaker.tryAcquirePermit()).isFalse();
        pool.recordOutcome(b0, 200, 1_000_000, true);
        assertThat(b0.circuitState()).isEqualTo(CircuitState.HALF_OPEN);
        pool.recordOutcome(b0, 200, 1_000_000, true);
        assertThat(b0.circuitState()).isEqualTo(CircuitState.CLOSED);
        assertThat(events).containsExactly("b0 circuit OPEN", "b0 circuit HALF_OPEN", "b0 circuit CLOSED");
    }

    @Test
    void aFailedTrialReopensTheBreakerForAnotherFullPeriod() {
        PoolRuntime pool = pool(3, BackendPool.builder("p").outlierDetection(OutlierDetection.disabled()));
        BackendRuntime b0 = pool.members().list[0];
        fail(pool, b0, 5, 503);
        ticker.advance(Duration.ofSeconds(60));
        assertThat(names(pool)).contains("b0");
        assertThat(b0.breaker.tryAcquirePermit()).isTrue();
        pool.recordOutcome(b0, 502, 1_000_000, true);
        assertThat(b0.circuitState()).isEqualTo(CircuitState.OPEN);
        ticker.advance(Duration.ofSeconds(59));
        assertThat(names(pool)).doesNotContain("b0");
        ticker.advance(Duration.ofSeconds(1));
        assertThat(names(pool)).contains("b0");
    }

    @Test
    void clientErrorsAreNotBackendFailures() {
        PoolRuntime pool = pool(2, BackendPool.builder("p"));
        BackendRuntime b0 = pool.members().list[0];
        for (int status : new int[] {400, 401, 403, 404, 405, 406, 409, 413, 415, 429, 400, 404}) {
            pool.recordOutcome(b0, status, 1_000_000, true);
        }
        assertThat(b0.circuitState()).isEqualTo(CircuitState.CLOSED);
        assertThat(b0.ejected).isFalse();
        assertThat(b0.consecutiveFailures.get()).isZero();
        assertThat(b0.successRate()).isEqualTo(1.0);
    }

    @Test
    void ejectionLastsThirtySecondsTimesEjectionsCappedAtThreeHundred() {
        PoolRuntime pool = pool(10, BackendPool.builder("p").circuitBreaker(CircuitBreakerPolicy.disabled()));
        BackendRuntime b0 = pool.members().list[0];
        long[] expected = {30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 300};
        for (long seconds : expected) {
            fail(pool, b0, 4, 503);
            assertThat(b0.ejected).isFalse();
            fail(pool, b0, 1, 0);
            assertThat(b0.ejected).isTrue();
            assertThat(names(pool)).doesNotContain("b0");
            ticker.advance(Duration.ofSeconds(seconds).minusMillis(1));
            assertThat(names(pool)).as("still ejected just before %ss", seconds).doesNotContain("b0");
            ticker.advance(Duration.ofMillis(1));
            assertThat(names(pool)).as("back after %ss", seconds).contains("b0");
        }
        assertThat(events)
                .contains(
                        "b0 ejected 30s #1",
                        "b0 ejected 60s #2",
                        "b0 ejected 300s #10",
                        "b0 ejected 300s #11",
                        "b0 restored");
    }

    @Test
    void theEjectionMultiplierDecaysWhileTheBackendBehaves() {
        PoolRuntime pool = pool(10, BackendPool.builder("p").circuitBreaker(CircuitBreakerPolicy.disabled()));
        BackendRuntime b0 = pool.members().list[0];
        fail(pool, b0, 5, 0);
        ticker.advance(Duration.ofSeconds(30));
        names(pool);
        fail(pool, b0, 5, 0);
        ticker.advance(Duration.ofSeconds(60));
        names(pool);
        // Two ejections so far; two base periods of good behaviour take the multiplier back to zero.
        ticker.advance(Duration.ofSeconds(60));
        fail(pool, b0, 5, 0);
        assertThat(events).containsSubsequence("b0 ejected 30s #1", "b0 ejected 60s #2", "b0 ejected 30s #1");
    }

    @Test
    void atMostTenPercentOfAPoolIsEjectedButAlwaysOne() {
        PoolRuntime ten = pool(10, BackendPool.builder("p").circuitBreaker(CircuitBreakerPolicy.disabled()));
        fail(ten, ten.members().list[0], 5, 0);
        fail(ten, ten.members().list[1], 5, 0);
        assertThat(ten.members().list[0].ejected).isTrue();
        assertThat(ten.members().list[1].ejected)
                .as("a second ejection would exceed 10 % of 10")
                .isFalse();
        gateway.close();

        PoolRuntime three = pool(3, BackendPool.builder("p").circuitBreaker(CircuitBreakerPolicy.disabled()));
        fail(three, three.members().list[2], 5, 504);
        assertThat(three.members().list[2].ejected)
                .as("10 % of 3 rounds down, but one may always go")
                .isTrue();
        fail(three, three.members().list[1], 5, 504);
        assertThat(three.members().list[1].ejected).isFalse();
        assertThat(names(three)).containsExactly("b0", "b1");
        assertThat(three.snapshot().panic).isFalse();
    }

    @Test
    void panicSpreadsOverAllBackendsWhenFewerThanHalfAreAvailable() throws Exception {
        PoolRuntime pool = pool(
                4,
                BackendPool.builder("p")
                        .circuitBreaker(CircuitBreakerPolicy.disabled())
                        .loadBalancer(LoadBalancer.roundRobin())
                        .outlierDetection(OutlierDetection.builder()
                                .maxEjectionPercent(100)
                                .build()));
        fail(pool, pool.members().list[0], 5, 0);
        fail(pool, pool.members().list[1], 5, 0);
        assertThat(pool.snapshot().panic).as("2 of 4 is not fewer than half").isFalse();
        fail(pool, pool.members().list[2], 5, 0);
        PoolRuntime.Snapshot s = pool.snapshot();
        assertThat(s.panic).isTrue();
        assertThat(names(pool)).containsExactly("b3");
        assertThat(events).contains("panic true 1/4");
        // The request path, in panic, balances over all four.
        assertThat(PoolRoutes.pickMany(gateway, 8)).containsExactly("b0", "b1", "b2", "b3", "b0", "b1", "b2", "b3");

        ticker.advance(Duration.ofSeconds(30));
        assertThat(pool.snapshot().panic).isFalse();
        assertThat(events).contains("panic false 4/4");
    }

    @Test
    void slowStartRampsAReturningBackendsWeightFromTenPercent() {
        PoolRuntime pool = pool(
                10,
                BackendPool.builder("p")
                        .circuitBreaker(CircuitBreakerPolicy.disabled())
                        .slowStart(Duration.ofSeconds(30)));
        BackendRuntime b0 = pool.members().list[0];
        assertThat(b0.effectiveWeight())
                .as("backends present at start are not ramped")
                .isEqualTo(1.0);
        fail(pool, b0, 5, 0);
        ticker.advance(Duration.ofSeconds(30));
        names(pool); // restored
        assertThat(b0.effectiveWeight()).isEqualTo(0.1);
        ticker.advance(Duration.ofSeconds(6));
        assertThat(b0.effectiveWeight()).isCloseTo(0.2, org.assertj.core.data.Offset.offset(1e-9));
        ticker.advance(Duration.ofSeconds(9));
        assertThat(b0.effectiveWeight()).isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
        ticker.advance(Duration.ofSeconds(15));
        assertThat(b0.effectiveWeight()).isEqualTo(1.0);
    }

    @Test
    void slowStartShrinksTheShareRoundRobinGivesTheReturningBackend() {
        PoolRuntime pool = pool(
                2,
                BackendPool.builder("p")
                        .circuitBreaker(CircuitBreakerPolicy.disabled())
                        .loadBalancer(LoadBalancer.roundRobin())
                        .slowStart(Duration.ofSeconds(60)));
        fail(pool, pool.members().list[0], 5, 0);
        ticker.advance(Duration.ofSeconds(30));
        List<String> picks = PoolRoutes.pickMany(gateway, 110);
        long early = picks.stream().filter("b0"::equals).count();
        assertThat(early).as("about 10 of 110 at 10 %% weight").isBetween(9L, 11L);
        ticker.advance(Duration.ofSeconds(60));
        long later =
                PoolRoutes.pickMany(gateway, 100).stream().filter("b0"::equals).count();
        assertThat(later).isEqualTo(50);
    }

    @Test
    void latencyAverageFollowsPeaksAtOnceAndDecaysTowardsNewSamples() {
        PoolRuntime pool = pool(1, BackendPool.builder("p"));
        BackendRuntime b = pool.members().list[0];
        assertThat(b.latencyNanos()).isZero();
        b.recordLatency(10_000_000);
        assertThat(b.latencyNanos()).isEqualTo(10_000_000);
        b.recordLatency(200_000_000);
        assertThat(b.latencyNanos()).as("a peak is taken at once").isEqualTo(200_000_000);
        ticker.advance(Duration.ofSeconds(10));
        assertThat(b.latencyNanos())
                .as("decayed by e after tau")
                .isCloseTo(200_000_000 / Math.E, org.assertj.core.data.Offset.offset(1.0));
        b.recordLatency(10_000_000);
        // Finagle's blend: w = exp(-10 s / 10 s) of the old average, the rest from the new sample.
        double w = 1 / Math.E;
        assertThat(b.latencyNanos())
                .isCloseTo(200_000_000 * w + 10_000_000 * (1 - w), org.assertj.core.data.Offset.offset(1.0));
    }
}
