package io.openharbor.mcp.gateway;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's heartbeat clock. It beats every open SSE stream ({@link ClientStream#beat()}) once per interval, and it
 * commits the {@link EarlyAnswer} of every exchange whose backend has kept its headers back for an interval. One timer
 * thread the gateway owns keeps the schedule, started with the first stream or exchange; beats and commits run on the
 * gateway's executor, so a write to a client that stopped reading blocks nobody else's.
 *
 * <p>Exchanges waiting for headers are the common case (every JSON answer waits a little), so they cost no timer entry
 * each: they join a queue in the order they began (one compare-and-set), answered ones are not taken out (they only
 * drop their exchange), and one sweep every half interval takes from the head those that began an interval ago or more,
 * committing the ones still waiting (between one and one and a half intervals after they began).
 */
final class Heartbeats implements AutoCloseable {
    private final long intervalNanos;
    private final Executor executor;
    private final Ticker ticker;
    private final String name;
    private final Queue<EarlyAnswer> waiting = new ConcurrentLinkedQueue<>();
    private volatile ScheduledThreadPoolExecutor timer;
    private boolean closed;

    Heartbeats(long intervalNanos, Executor executor, Ticker ticker, String name) {
        this.intervalNanos = intervalNanos;
        this.executor = executor;
        this.ticker = ticker;
        this.name = name;
    }

    /** A schedule that beats {@code stream} until it is cancelled; null once the gateway is closed. */
    ScheduledFuture<?> watch(ClientStream stream) {
        ScheduledThreadPoolExecutor t = timer();
        if (t == null) {
            return null;
        }
        try {
            return t.scheduleWithFixedDelay(() -> run(stream::beat), intervalNanos, intervalNanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Now, on the clock that {@link #waiting(EarlyAnswer)} compares against. */
    long now() {
        return ticker.read();
    }

    /** {@code early} waits for its backend's headers from now on ({@link EarlyAnswer#since}). */
    void waiting(EarlyAnswer early) {
        if (timer() != null) {
            waiting.add(early);
        }
    }

    private void sweep() {
        long now = ticker.read();
        for (EarlyAnswer head = waiting.peek(); head != null && now - head.since >= intervalNanos;
                head = waiting.peek()) {
            waiting.poll();
            if (head.waiting()) {
                run(head::commit);
            }
        }
    }

    private void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // the gateway is closing; its calls are being cancelled anyway
        }
    }

    private ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = timer;
        return t != null ? t : startTimer();
    }

    private synchronized ScheduledThreadPoolExecutor startTimer() {
        if (timer == null && !closed) {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread thread = new Thread(r, "mcp-gateway-heartbeat-" + name);
                thread.setDaemon(true);
                return thread;
            });
            t.setRemoveOnCancelPolicy(true);
            long half = Math.max(1, intervalNanos / 2);
            t.scheduleWithFixedDelay(this::sweep, half, half, TimeUnit.NANOSECONDS);
            timer = t;
        }
        return timer;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
        waiting.clear();
    }
}
