package io.openharbor.mcp.gateway;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's heartbeat clock. It beats every open SSE stream ({@link ClientStream#beat()}) once per interval, and it
 * commits the {@link EarlyAnswer} of every exchange whose backend has kept its headers back for an interval. One timer
 * thread the gateway owns keeps the schedule, started with the first stream or exchange; beats and commits run on the
 * gateway's executor, so a write to a client that stopped reading blocks nobody else's.
 *
 * <p>Exchanges waiting for headers are the common case (every JSON answer waits a little), so they cost nothing to
 * register: each outbound request carries its {@link EarlyAnswer} ({@link Outbound#early}), and one sweep every half
 * interval looks at the attempts the transport has in flight ({@link Transport#forEachEarlyAnswer}) and commits those still waiting an interval after they began (between
 * one and one and a half intervals). A timer entry per exchange, or a shared collection joined and left per exchange,
 * cost 6–25 µs of CPU per request in the load benchmark on Java 25; this costs a tag.
 */
final class Heartbeats implements AutoCloseable {
    private final long intervalNanos;
    private final Executor executor;
    private final Ticker ticker;
    private final String name;
    private final Consumer<Consumer<EarlyAnswer>> inFlight;
    private volatile @Nullable ScheduledThreadPoolExecutor timer;
    private boolean closed;

    Heartbeats(
            long intervalNanos,
            Executor executor,
            Ticker ticker,
            String name,
            Consumer<Consumer<EarlyAnswer>> inFlight) {
        this.intervalNanos = intervalNanos;
        this.executor = executor;
        this.ticker = ticker;
        this.name = name;
        this.inFlight = inFlight;
    }

    /** A schedule that beats {@code stream} until it is cancelled; null once the gateway is closed. */
    @Nullable
    ScheduledFuture<?> watch(ClientStream stream) {
        ScheduledThreadPoolExecutor t = timer();
        if (t == null) {
            return null;
        }
        try {
            return t.scheduleWithFixedDelay(
                    () -> run(stream::beat), intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    /** Now, on the clock {@link EarlyAnswer#since} is read from; starts the sweep with the first exchange. */
    long now() {
        timer();
        return ticker.read();
    }

    private void sweep() {
        long now = ticker.read();
        inFlight.accept(early -> {
            if (now - early.since >= intervalNanos && early.waiting()) {
                run(early::commit);
            }
        });
    }

    private void run(Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // the gateway is closing; its calls are being cancelled anyway
        }
    }

    private @Nullable ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor t = timer;
        return t != null ? t : startTimer();
    }

    /** The periodic sweep, cancelled on close (null until the first stream needs heartbeats). */
    private @Nullable ScheduledFuture<?> sweeping;

    private synchronized @Nullable ScheduledThreadPoolExecutor startTimer() {
        if (timer == null && !closed) {
            ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
                Thread thread = new Thread(r, "mcp-gateway-heartbeat-" + name);
                thread.setDaemon(true);
                return thread;
            });
            t.setRemoveOnCancelPolicy(true);
            long half = Math.max(1, intervalNanos / 2);
            sweeping = Threads.every(t, half, "heartbeat sweep", this::sweep);
            timer = t;
        }
        return timer;
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (sweeping != null) {
            sweeping.cancel(false);
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
