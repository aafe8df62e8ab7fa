package io.openharbor.mcp.gateway;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Turns bursts of "this list changed" into one notification per kind (the sixth step of federation; nothing calls it
 * yet). A federated view changes when any of its servers sends {@code notifications/tools/list_changed} (or the prompts
 * or resources one), when a server comes back, or when a policy changes: the client should hear once, not fifty times,
 * so the first change of a kind opens a window, and when the window closes one notification goes out. A change after
 * that opens a new window. Thread-safe; the notification is emitted with no lock held.
 */
final class ListChangedCoalescer {
    /** Runs a task after a delay; the gateway's scheduler in production, a fake one in tests. */
    @FunctionalInterface
    interface Scheduler {
        /**
         * Runs {@code task} once, {@code delayNanos} from now.
         *
         * @param task what to run
         * @param delayNanos how long to wait first
         */
        void schedule(Runnable task, long delayNanos);
    }

    private final long windowNanos;
    private final Scheduler scheduler;
    private final Consumer<String> emit;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    /**
     * @param window how long changes of one kind are gathered before the notification; positive
     * @param scheduler runs the end of each window
     * @param emit sends the client one notification for a kind ({@code tools}, {@code prompts}, {@code resources})
     */
    ListChangedCoalescer(Duration window, Scheduler scheduler, Consumer<String> emit) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the window must be positive, was: " + window);
        }
        this.windowNanos = window.toNanos();
        this.scheduler = scheduler;
        this.emit = emit;
    }

    /**
     * Records that a list of {@code kind} changed; the client hears of it when the current window of that kind ends.
     *
     * @param kind {@code tools}, {@code prompts} or {@code resources}
     */
    void changed(String kind) {
        if (pending.add(kind)) {
            scheduler.schedule(() -> flush(kind), windowNanos);
        }
    }

    private void flush(String kind) {
        // Cleared before emitting: a change that arrives while the notification is being sent opens the next window
        // instead of being folded into one that has already been told.
        pending.remove(kind);
        emit.accept(kind);
    }
}
