package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Locks and callbacks on the hot path: deterministic interleavings through a ticker that parks one chosen thread. */
class HotPathConcurrencyTest {
    /** A fake ticker that parks the armed thread inside its next read until released. */
    static final class GateTicker implements Ticker {
        final AtomicLong nanos = new AtomicLong(1_000_000_000L);
        volatile Thread armed;
        final CountDownLatch parked = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public long read() {
            long now = nanos.get();
            if (Thread.currentThread() == armed) {
                armed = null;
                parked.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            return now;
        }

        void advance(Duration d) {
            nanos.addAndGet(d.toNanos());
        }
    }

    private final GateTicker ticker = new GateTicker();
    private Gateway gateway;

    @AfterEach
    void close() {
        if (gateway != null) gateway.close();
    }

    private PoolRuntime pool(int backends, BackendPool.Builder b, GatewayListener listener) {
        for (int i = 0; i < backends; i++) b.backend(Backend.of("b" + i, "http://127.0.0.1:9/mcp" + i));
        gateway = Gateway.builder()
                .pool(b.healthCheck(HealthCheckPolicy.disabled()).build())
                .ticker(ticker)
                .listener(listener)
                .build();
        return gateway.poolRuntime;
    }

    /** Starts {@code r} on a thread armed to park in its first ticker read; returns once it is parked there. */
    private Thread parkedIn(Runnable r) throws InterruptedException {
        Thread t = new Thread(r);
        ticker.armed = t;
        t.start();
        ticker.parked.await();
        return t;
    }

    private static void awaitBlocked(Thread t) {
        while (t.getState() != Thread.State.BLOCKED) Thread.onSpinWait();
    }

    @Test
    void noListenerCallRunsUnderThePoolLockOrFailsafesStateLock() throws Exception {
        List<String> held = new CopyOnWriteArrayList<>();
        AtomicReference<Object> failsafeState = new AtomicReference<>();
        AtomicReference<PoolRuntime> self = new AtomicReference<>();
        GatewayListener l = new GatewayListener() {
            void check(String what) {
                if (Thread.holdsLock(self.get())) held.add(what + " under the pool lock");
                Object s = failsafeState.get();
                if (s != null && Thread.holdsLock(s)) held.add(what + " under Failsafe's state lock");
            }

            @Override
            public void circuitStateChanged(Backend b, CircuitState s) {
                check("circuit " + s);
            }

            @Override
            public void backendEjected(Backend b, Duration d, int n) {
                check("ejected");
            }

            @Override
            public void backendRestored(Backend b) {
                check("restored");
            }

            @Override
            public void panicModeChanged(String p, boolean on, int a, int t) {
                check("panic " + on);
            }
        };
        PoolRuntime pool = pool(2, BackendPool.builder("p"), l);
        self.set(pool);
        BackendRuntime b0 = pool.members().list[0];
        Field f = Class.forName("dev.failsafe.internal.CircuitBreakerImpl").getDeclaredField("state");
        f.setAccessible(true);
        failsafeState.set(((AtomicReference<?>) f.get(b0.breaker)).get()); // the ClosedState that will open
        for (int i = 0; i < 5; i++) pool.recordOutcome(b0, 0, 0, true); // opens the circuit and ejects: panic
        pool.snapshot();
        ticker.advance(Duration.ofMinutes(2));
        pool.snapshot(); // restored, half-open, panic over
        assertThat(held).isEmpty();
    }

    @Test
    void theRetryBudgetTakesNoMonitorAndNeverOverspends() throws Exception {
        AtomicReference<RetryBudget> self = new AtomicReference<>();
        AtomicInteger underLock = new AtomicInteger();
        RetryBudget budget = new RetryBudget(
                () -> {
                    if (self.get() != null && Thread.holdsLock(self.get())) underLock.incrementAndGet();
                    return 5_000_000_000L;
                },
                0.2,
                10);
        self.set(budget);
        for (int i = 0; i < 1000; i++) budget.onRequest();
        AtomicInteger granted = new AtomicInteger();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 1000; i++) if (budget.tryRetry()) granted.incrementAndGet();
            });
            threads[t].start();
        }
        for (Thread t : threads) t.join();
        assertThat(granted.get()).as("0.2 x 1000 requests + 10/s x 10 s").isEqualTo(300);
        assertThat(underLock.get())
                .as("ticker reads under the budget's monitor")
                .isZero();
    }

    @Test
    void aThreadThatWaitedForARebuildUsesItInsteadOfRebuildingAgain() throws Exception {
        PoolRuntime pool = pool(3, BackendPool.builder("p"), GatewayListener.NONE);
        pool.changed();
        AtomicReference<PoolRuntime.Snapshot> a = new AtomicReference<>();
        AtomicReference<PoolRuntime.Snapshot> b = new AtomicReference<>();
        Thread first = parkedIn(() -> a.set(pool.snapshot())); // parked inside the rebuild, holding the pool lock
        Thread second = new Thread(() -> b.set(pool.snapshot()));
        second.start();
        awaitBlocked(second);
        ticker.release.countDown();
        first.join();
        second.join();
        assertThat(b.get()).isSameAs(a.get());
    }

    @Test
    void endingAnExpiredRampDoesNotEraseARampJustStarted() throws Exception {
        PoolRuntime pool = pool(1, BackendPool.builder("p").slowStart(Duration.ofSeconds(30)), GatewayListener.NONE);
        BackendRuntime br = pool.add(Backend.of("new", "http://127.0.0.1:9/new"));
        ticker.advance(Duration.ofSeconds(60)); // its ramp is over, but nobody has read its weight yet
        Thread reader = parkedIn(br::effectiveWeight); // has read the old ramp start, about to end it
        ticker.advance(Duration.ofSeconds(1));
        br.startRamp(); // it comes back from an ejection, say
        ticker.release.countDown();
        reader.join();
        assertThat(br.effectiveWeight()).as("ramping from 10 %").isEqualTo(0.1);
    }

    @Test
    void aReaderNeverPairsOneSamplesAverageWithAnothersTime() throws Exception {
        PoolRuntime pool = pool(1, BackendPool.builder("p"), GatewayListener.NONE);
        BackendRuntime br = pool.members().list[0];
        br.recordLatency(200_000_000);
        ticker.advance(Duration.ofSeconds(30)); // decayed to ~10 ms
        AtomicReference<Double> seen = new AtomicReference<>();
        Thread reader = parkedIn(() -> seen.set(br.latencyNanos()));
        br.recordLatency(10_000_000); // blended: ~19.5 ms
        ticker.release.countDown();
        reader.join();
        assertThat(seen.get())
                .as("the old pair (~10 ms) or the new one (~19.5 ms), never 200 ms")
                .isLessThan(50e6);
    }

    @Test
    void aBreakerThatJustOpenedIsNotHalfOpenedBeforeItsOpenPeriod() throws Exception {
        PoolRuntime pool =
                pool(2, BackendPool.builder("p").outlierDetection(OutlierDetection.disabled()), GatewayListener.NONE);
        BackendRuntime br = pool.members().list[0];
        ticker.advance(Duration.ofHours(1));
        for (int i = 0; i < 4; i++) pool.recordOutcome(br, 0, 0, true);
        Thread opener = parkedIn(() -> pool.recordOutcome(br, 0, 0, true)); // parked in onOpen, breaker OPEN
        pool.changed(); // any other change: the next request rebuilds the snapshot
        pool.snapshot();
        boolean open = br.breaker.isOpen();
        ticker.release.countDown();
        opener.join();
        assertThat(open).as("still open: the open period has just begun").isTrue();
    }

    @Test
    void healthChangedRunsOutsideTheHealthCheckersLock() {
        AtomicReference<Object> checker = new AtomicReference<>();
        List<Boolean> held = new CopyOnWriteArrayList<>();
        Gateway.Builder b = Gateway.builder()
                .ticker(ticker)
                .pool(BackendPool.builder("p")
                        .backend(Backend.of("a", "http://127.0.0.1:9/mcp"))
                        .healthCheck(HealthCheckPolicy.defaults())
                        .build())
                .listener(new GatewayListener() {
                    @Override
                    public void healthChanged(Backend backend, boolean healthy, String reason) {
                        held.add(Thread.holdsLock(checker.get()));
                    }
                });
        b.autoHealthChecks = false;
        gateway = b.build();
        checker.set(gateway.healthChecker);
        gateway.healthChecker.checkAll(); // port 9 refuses: down
        assertThat(held).containsExactly(false);
    }
}
