package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own {@code 200 text/event-stream} answer to a request or stream whose backend has not sent its response
 * headers within one heartbeat interval.
 *
 * <p>Before the backend's headers arrive there is nothing the gateway may write to its client, and neither the JDK
 * server nor a blocking servlet reports a closed connection, so a client that left would not be noticed until the
 * backend answers: the standalone GET stream (the SDK servers send its headers only with its first event, which may
 * never come) would hold its backend connection and slot for the stream idle timeout, and a cancelled slow tool would
 * run to its end (on 2026-07-28 closing the connection is how a client cancels). The client has listed
 * {@code text/event-stream} (the gateway requires it), so it accepts an SSE answer: the gateway commits one, writes a
 * first heartbeat at once and then heartbeats it like a relayed stream ({@link ClientStream}), and when a heartbeat finds
 * the client gone cancels the backend call in flight, as a direct connection would.
 *
 * <p>The backend's answer, when it comes, goes into that stream: SSE events as they are; for a request, a JSON answer as
 * one {@code message} event and anything else as a JSON-RPC error event for the request; for a GET stream, an answer that
 * is not an event stream just ends it (the client reconnects and meets that answer itself). {@code initialize} is never
 * answered early: its answer's {@code Mcp-Session-Id} header is the session.
 */
final class EarlyAnswer {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);
    private static final int ARMED = 0;
    private static final int COMMITTING = 1;
    private static final int DISARMED = 2;
    private static final AtomicIntegerFieldUpdater<EarlyAnswer> STATE =
            AtomicIntegerFieldUpdater.newUpdater(EarlyAnswer.class, "state");

    private final GatewayExchange ex;
    private final Heartbeats heartbeats;
    /** When the exchange began waiting for its backend's headers, on the heartbeat clock. */
    final long since;
    /** ARMED until the answer is claimed: by the request thread (DISARMED) or by the heartbeat clock (COMMITTING). */
    private volatile int state = ARMED;
    /** Guarded by this: the committed stream and its heartbeat schedule. */
    private @Nullable ClientStream stream;

    private @Nullable ScheduledFuture<?> beating;
    /** Cancels the attempt in flight (the transport's), or null. */
    private volatile @Nullable Runnable current;

    private volatile boolean gone;

    private EarlyAnswer(GatewayExchange ex, Heartbeats heartbeats) {
        this.ex = ex;
        this.heartbeats = heartbeats;
        this.since = heartbeats.now();
    }

    /**
     * Commits the early answer once the exchange has waited a heartbeat interval, unless the real answer comes first.
     * The heartbeat clock finds it through the transport's attempts in flight ({@link Outbound#early}).
     */
    static EarlyAnswer arm(GatewayExchange ex, Heartbeats heartbeats) {
        return new EarlyAnswer(ex, heartbeats);
    }

    /** The attempt now in flight: the one to cancel when the client goes away. */
    void attempt(Runnable cancel) {
        current = cancel;
        if (gone) {
            cancel.run();
        }
    }

    /**
     * Claims the answer for the normal path. True when nothing was committed (and from now on nothing will be); false
     * when the early answer is out, and what is left to write goes into {@link #stream()}. One compare-and-set on the
     * usual path.
     */
    boolean disarm() {
        int s = state;
        return s == DISARMED || (s == ARMED && STATE.compareAndSet(this, ARMED, DISARMED));
    }

    /** Whether the exchange still waits for its backend's headers. */
    boolean waiting() {
        return state == ARMED;
    }

    /** The committed stream (only after {@link #disarm()} returned false); waits for the commit to finish. */
    synchronized ClientStream stream() {
        return requireNonNull(stream, "asked only once committed");
    }

    /** Whether the client went away while the early answer was open. */
    boolean gone() {
        return gone;
    }

    /** Called by the heartbeat clock once the exchange has waited an interval. */
    synchronized void commit() {
        if (!STATE.compareAndSet(this, ARMED, COMMITTING)) {
            return; // answered meanwhile
        }
        try {
            ex.addResponseHeader("Content-Type", "text/event-stream");
            ex.addResponseHeader("Cache-Control", "no-cache");
            OutputStream out = ex.sendResponseHeaders(200, -1);
            stream = new ClientStream(out);
            stream.onGone(this::clientGone);
            stream.beat(); // the first heartbeat at once: a client that left before now is found one interval sooner
            beating = heartbeats.watch(stream);
            log.debug(
                    "{} {}: the backend has not answered yet; answering with a stream of the gateway's own",
                    ex.method(),
                    ex.path());
        } catch (IOException | RuntimeException e) {
            stream = new ClientStream(OutputStream.nullOutputStream());
            clientGone();
        }
    }

    private void clientGone() {
        gone = true;
        Runnable cancel = current;
        if (cancel != null) {
            cancel.run();
        }
    }

    /** Stops the heartbeats: the exchange is over. Claims the answer first, so that no commit can follow. */
    void end() {
        if (disarm()) {
            return;
        }
        synchronized (this) {
            if (beating != null) {
                beating.cancel(false);
            }
            if (stream != null) {
                stream.end();
            }
        }
    }
}
