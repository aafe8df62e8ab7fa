package io.openharbor.mcp.gateway;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Beats every open relayed SSE stream ({@link ClientStream#beat()}) once per interval. One timer thread the gateway
 * owns keeps the schedule; the beats run on the gateway's executor, so a write to a client that stopped reading blocks
 * nobody else's beat. The thread starts with the first stream.
 */
final class Heartbeats implements AutoCloseable {
    private final long intervalNanos;
    private final Executor executor;
    private final String name;
    private ScheduledThreadPoolExecutor timer;
    private boolean closed;

    Heartbeats(long intervalNanos, Executor executor, String name) {
        this.intervalNanos = intervalNanos;
        this.executor = executor;
        this.name = name;
    }

    /** A schedule that beats {@code stream} until it is cancelled; null once the gateway is closed. */
    ScheduledFuture<?> watch(ClientStream stream) {
        ScheduledThreadPoolExecutor t = timer();
        if (t == null) {
            return null;
        }
        try {
            return t.scheduleWithFixedDelay(() -> {
                try {
                    executor.execute(stream::beat);
                } catch (RejectedExecutionException e) {
                    // the gateway is closing; its calls are being cancelled anyway
                }
            }, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Runs {@code task} once on the gateway's executor after one interval; null once the gateway is closed. */
    ScheduledFuture<?> afterOneInterval(Runnable task) {
        ScheduledThreadPoolExecutor t = timer();
        if (t == null) {
            return null;
        }
        try {
            return t.schedule(() -> {
                try {
                    executor.execute(task);
                } catch (RejectedExecutionException e) {
                    // the gateway is closing
                }
            }, intervalNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private synchronized ScheduledThreadPoolExecutor timer() {
        if (timer == null && !closed) {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread thread = new Thread(r, "mcp-gateway-heartbeat-" + name);
                thread.setDaemon(true);
                return thread;
            });
            t.setRemoveOnCancelPolicy(true);
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
    }
}
