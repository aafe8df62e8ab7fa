package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ThreadsTest {

    @Test
    void aPeriodicTaskWhoseRunThrowsRunsAgain() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1);
        try {
            AtomicInteger runs = new AtomicInteger();
            ScheduledFuture<?> sweeping =
                    Threads.every(executor, TimeUnit.MILLISECONDS.toNanos(1), "test sweep", () -> {
                        if (runs.incrementAndGet() == 1) {
                            throw new IllegalStateException("the first run fails");
                        }
                    });
            // A plain scheduleWithFixedDelay would never run again after the first run threw.
            await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() >= 3);
            assertThat(sweeping.isDone()).isFalse();
            sweeping.cancel(false);
        } finally {
            executor.shutdownNow();
        }
    }
}
