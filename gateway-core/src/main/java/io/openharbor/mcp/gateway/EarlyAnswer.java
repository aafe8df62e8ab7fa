package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.ScheduledFuture;
import okhttp3.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own {@code 200 text/event-stream} answer to a request of the stateless revision (2026-07-28) whose
 * backend has not answered within one heartbeat interval.
 *
 * <p>In that revision a client cancels a request only by closing its connection, but before the backend's response
 * headers arrive there is nothing the gateway may write to the client, so it would never notice: a cancelled slow tool
 * would run to its end. The client accepts an SSE answer to any POST (it must list {@code text/event-stream}), so the
 * gateway commits one itself, heartbeats it like a relayed stream ({@link ClientStream}), and when the heartbeat finds
 * the client gone cancels the backend call in flight, as a direct connection would. The backend's answer, when it
 * comes, is written into that stream: its events as they are, a JSON answer as one {@code message} event, anything else
 * as a JSON-RPC error event for the request. Requests of the 2025 revisions are never answered early: their HTTP status
 * carries meaning (404 ends a session) and their clients cancel with {@code notifications/cancelled}.
 */
final class EarlyAnswer {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    private static final int ARMED = 0;
    private static final int COMMITTED = 1;
    private static final int DISARMED = 2;

    private final GatewayExchange ex;
    private final Heartbeats heartbeats;
    private int state = ARMED;
    private ScheduledFuture<?> timer;
    private ScheduledFuture<?> beating;
    private ClientStream stream;
    private volatile Call current;
    private volatile boolean gone;

    private EarlyAnswer(GatewayExchange ex, Heartbeats heartbeats) {
        this.ex = ex;
        this.heartbeats = heartbeats;
    }

    /** Commits the early answer after one heartbeat interval unless the real answer comes first. */
    static EarlyAnswer arm(GatewayExchange ex, Heartbeats heartbeats) {
        EarlyAnswer early = new EarlyAnswer(ex, heartbeats);
        synchronized (early) {
            early.timer = heartbeats.afterOneInterval(early::commit);
        }
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
            if (timer != null) {
                timer.cancel(false);
            }
        }
        return state == DISARMED;
    }

    /** The committed stream (only after {@link #disarm()} returned false). */
    synchronized ClientStream stream() {
        return stream;
    }

    /** Whether the client went away while the early answer was open. */
    boolean gone() {
        return gone;
    }

    private synchronized void commit() {
        if (state != ARMED) {
            return;
        }
        state = COMMITTED;
        try {
            ex.addResponseHeader("Content-Type", "text/event-stream");
            ex.addResponseHeader("Cache-Control", "no-cache");
            OutputStream out = ex.sendResponseHeaders(200, -1);
            out.flush();
            stream = new ClientStream(out);
            stream.onGone(this::clientGone);
            beating = heartbeats.watch(stream);
            log.debug("{} {}: the backend has not answered yet; answering with a stream of the gateway's own",
                    ex.method(), ex.path());
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
        if (timer != null) {
            timer.cancel(false);
        }
        if (beating != null) {
            beating.cancel(false);
        }
        if (stream != null) {
            stream.end();
        }
    }
}
