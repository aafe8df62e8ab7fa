package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * The client's side of a relayed SSE stream: every write goes through here, so that a heartbeat can be slipped in
 * between events while the backend is silent. A client that has gone away is noticed only when the gateway writes to
 * it (neither the JDK server nor a blocking servlet reports a closed connection otherwise), so without a heartbeat an
 * abandoned stream on a silent backend would hold its backend connection and bulkhead slot until the stream idle
 * timeout.
 *
 * <p>The heartbeat is an SSE comment line ({@code ":\n"}), written only at an event boundary (at the start of the
 * stream or after the blank line that ends an event), so it never splits an event and every conforming SSE parser
 * ignores it. It also keeps proxies between the client and the gateway from cutting a healthy but quiet stream.
 *
 * <p>Writes from the relay thread and from the heartbeat task are serialized by a lock; the heartbeat only tries it, so
 * a relay blocked on a slow client is never waited for.
 */
final class ClientStream extends OutputStream {
    private static final byte[] HEARTBEAT = {':', '\n'};

    private final OutputStream out;
    private final ReentrantLock lock = new ReentrantLock();
    /** The last three bytes written, most recent in the low byte; starts as an event boundary. */
    private int tail = '\n' << 8 | '\n';

    private boolean wroteSinceBeat;
    private volatile boolean gone;
    private volatile boolean ended;
    private volatile @Nullable Runnable onGone;

    ClientStream(OutputStream out) {
        this.out = out;
    }

    /** Called once when a heartbeat finds the client gone (the gateway then cancels the backend call). */
    void onGone(Runnable action) {
        this.onGone = action;
    }

    /** Whether a heartbeat found the client gone. */
    boolean gone() {
        return gone;
    }

    /** Stops heartbeats: the stream is over (the relay still closes the underlying stream itself). */
    void end() {
        ended = true;
    }

    /**
     * Writes a heartbeat if nothing was written since the last one, the stream stands at an event boundary and no
     * write is in progress. A failed write marks the client gone and runs the {@link #onGone} action.
     */
    void beat() {
        if (ended || gone || !lock.tryLock()) {
            return;
        }
        boolean failed = false;
        try {
            if (wroteSinceBeat) {
                wroteSinceBeat = false;
                return;
            }
            if (!atEventBoundary()) {
                return;
            }
            out.write(HEARTBEAT);
            out.flush();
        } catch (IOException | RuntimeException e) {
            failed = true;
            gone = true;
        } finally {
            lock.unlock();
        }
        if (failed) {
            Runnable r = onGone;
            if (r != null) {
                r.run(); // outside the lock
            }
        }
    }

    /** The bytes written so far end with an empty line ({@code \n\n} or {@code \n\r\n}), or none were written. */
    private boolean atEventBoundary() {
        int last2 = tail & 0xFFFF;
        return last2 == ('\n' << 8 | '\n') || (tail & 0xFFFFFF) == ('\n' << 16 | '\r' << 8 | '\n');
    }

    @Override
    public void write(int b) throws IOException {
        lock.lock();
        try {
            out.write(b);
            tail = tail << 8 | (b & 0xFF);
            wroteSinceBeat = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        lock.lock();
        try {
            out.write(b, off, len);
            int t = tail;
            for (int i = Math.max(off, off + len - 3); i < off + len; i++) {
                t = t << 8 | (b[i] & 0xFF);
            }
            tail = t;
            wroteSinceBeat = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            out.flush();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        ended = true;
        lock.lock();
        try {
            out.close();
        } finally {
            lock.unlock();
        }
    }
}
