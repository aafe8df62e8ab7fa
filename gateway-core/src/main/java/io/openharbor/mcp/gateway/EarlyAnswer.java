package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ScheduledFuture;
import okhttp3.Call;
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
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final int ARMED = 0;
    private static final int COMMITTED = 1;
    private static final int DISARMED = 2;

    /** The exchange, until the answer is claimed either way (the heartbeat queue may hold this a while longer). */
    private GatewayExchange ex;
    private final Heartbeats heartbeats;
    /** When the exchange began waiting for its backend's headers, on the heartbeat clock. */
    final long since;
    private int state = ARMED;
    private ScheduledFuture<?> beating;
    private ClientStream stream;
    private volatile Call current;
    private volatile boolean gone;

    private EarlyAnswer(GatewayExchange ex, Heartbeats heartbeats) {
        this.ex = ex;
        this.heartbeats = heartbeats;
        this.since = heartbeats.now();
    }

    /** Commits the early answer once the exchange has waited a heartbeat interval, unless the real answer comes first. */
    static EarlyAnswer arm(GatewayExchange ex, Heartbeats heartbeats) {
        EarlyAnswer early = new EarlyAnswer(ex, heartbeats);
        heartbeats.waiting(early);
        return early;
    }

    /** The backend call now in flight: the one to cancel when the client goes away. */
    void attempt(Call call) {
        current = call;
        if (gone) {
            call.cancel();
        }
    }

    /**
     * Claims the answer for the normal path. True when nothing was committed (and from now on nothing will be); false
     * when the early answer is out, and what is left to write goes into {@link #stream()}.
     */
    synchronized boolean disarm() {
        if (state == ARMED) {
            state = DISARMED;
            ex = null;
        }
        return state == DISARMED;
    }

    /** Whether the exchange still waits for its backend's headers. */
    synchronized boolean waiting() {
        return state == ARMED;
    }

    /** The committed stream (only after {@link #disarm()} returned false). */
    synchronized ClientStream stream() {
        return stream;
    }

    /** Whether the client went away while the early answer was open. */
    boolean gone() {
        return gone;
    }

    /** Called by the heartbeat clock once the exchange has waited an interval. */
    synchronized void commit() {
        if (state != ARMED) {
            return;
        }
        state = COMMITTED;
        try {
            ex.addResponseHeader("Content-Type", "text/event-stream");
            ex.addResponseHeader("Cache-Control", "no-cache");
            OutputStream out = ex.sendResponseHeaders(200, -1);
            stream = new ClientStream(out);
            stream.onGone(this::clientGone);
            stream.beat(); // the first heartbeat at once: a client that left before now is found one interval sooner
            beating = heartbeats.watch(stream);
            log.debug("{} {}: the backend has not answered yet; answering with a stream of the gateway's own",
                    ex.method(), ex.path());
            ex = null;
        } catch (IOException | RuntimeException e) {
            stream = new ClientStream(OutputStream.nullOutputStream());
            clientGone();
        }
    }

    private void clientGone() {
        gone = true;
        Call call = current;
        if (call != null) {
            call.cancel();
        }
    }

    /** Stops the timer and the heartbeats: the exchange is over. */
    synchronized void end() {
        if (state == ARMED) {
            state = DISARMED;
        }
        ex = null;
        if (beating != null) {
            beating.cancel(false);
        }
        if (stream != null) {
            stream.end();
        }
    }
}
