package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ListChangedCoalescerTest {
    /** A scheduler that runs nothing until the test says so. */
    private final List<Runnable> due = new CopyOnWriteArrayList<>();

    private final List<Long> delays = new CopyOnWriteArrayList<>();
    private final List<String> emitted = new CopyOnWriteArrayList<>();
    private final ListChangedCoalescer coalescer = new ListChangedCoalescer(
            Duration.ofMillis(200),
            (task, delayNanos) -> {
                due.add(task);
                delays.add(delayNanos);
            },
            emitted::add);

    private void windowsEnd() {
        List<Runnable> now = new ArrayList<>(due);
        due.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void aBurstOfFiftyChangesIsOneNotification() {
        for (int i = 0; i < 50; i++) {
            coalescer.changed("tools");
        }
        assertThat(due).hasSize(1);
        assertThat(delays).containsExactly(Duration.ofMillis(200).toNanos());
        assertThat(emitted).isEmpty();
        windowsEnd();
        assertThat(emitted).containsExactly("tools");
    }

    @Test
    void aChangeAfterTheWindowOpensANewOneAndKindsAreIndependent() {
        coalescer.changed("tools");
        coalescer.changed("prompts");
        coalescer.changed("tools");
        windowsEnd();
        assertThat(emitted).containsExactlyInAnyOrder("tools", "prompts");
        coalescer.changed("tools");
        assertThat(due).hasSize(1);
        windowsEnd();
        assertThat(emitted).containsExactlyInAnyOrder("tools", "prompts", "tools");
    }

    @Test
    void aChangeDuringTheNotificationIsNotLost() {
        List<String> seen = new ArrayList<>();
        List<Runnable> tasks = new ArrayList<>();
        ListChangedCoalescer[] self = new ListChangedCoalescer[1];
        self[0] = new ListChangedCoalescer(Duration.ofMillis(1), (task, delay) -> tasks.add(task), kind -> {
            seen.add(kind);
            if (seen.size() == 1) {
                self[0].changed(kind); // a server changes again while the client is being told
            }
        });
        self[0].changed("resources");
        tasks.remove(0).run();
        assertThat(tasks)
                .as("the change during the notification opened a new window")
                .hasSize(1);
        tasks.remove(0).run();
        assertThat(seen).containsExactly("resources", "resources");
    }

    @Test
    void concurrentChangesOpenOneWindow() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch start = new CountDownLatch(1);
        try {
            for (int t = 0; t < 4; t++) {
                pool.execute(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    for (int i = 0; i < 1_000; i++) {
                        coalescer.changed("tools");
                    }
                });
            }
            start.countDown();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(due).hasSize(1);
        windowsEnd();
        assertThat(emitted).containsExactly("tools");
    }

    @Test
    void theWindowMustBePositive() {
        assertThatThrownBy(() -> new ListChangedCoalescer(Duration.ZERO, (t, d) -> {}, k -> {}))
                .hasMessageContaining("positive");
    }
}
