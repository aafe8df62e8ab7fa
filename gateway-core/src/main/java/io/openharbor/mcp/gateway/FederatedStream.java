package io.openharbor.mcp.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A federated GET stream: one downstream stream fed by the GET streams of the session's servers (a server that answers
 * 405 has none and is skipped), event by event, plus the gateway's own coalesced {@code list_changed} notifications.
 * Each event the client gets carries an id the gateway seals with the position of every part (the latest event id of
 * each server's stream), so a {@code Last-Event-ID} resumes each server's stream where it was, on any instance. While
 * the stream is open its request thread re-reads the view's catalogs every refresh period and tells the client when a
 * list changed (a server came back, left, or changed its list without saying so). When the client goes, every part
 * is cancelled.
 */
final class FederatedStream {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);
    private static final byte[] KEEPALIVE = {':', '\n', '\n'};
    private static final List<ListPageReader.Kind> WATCHED =
            List.of(ListPageReader.Kind.TOOLS, ListPageReader.Kind.PROMPTS, ListPageReader.Kind.RESOURCES);
    /** How long list changes are gathered into one notification. */
    static final Duration COALESCE_WINDOW = Duration.ofMillis(200);
    /** How long the merged stream's end waits for its cancelled parts. */
    static final Duration PARTS_END_WAIT = Duration.ofSeconds(5);

    private final Federation fed;
    private final RequestState r;
    private final List<Federation.Slot> slots;
    private final OutputStream client;
    private final String[] positions;
    private final List<UpstreamCall.Cancellation> cancels = new ArrayList<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean gone;

    private FederatedStream(Federation fed, RequestState r, List<Federation.Slot> slots, OutputStream client) {
        this.fed = fed;
        this.r = r;
        this.slots = slots;
        this.client = client;
        this.positions = new String[slots.size()];
    }

    /** Serves the stream until the client goes, every part ends, or the gateway closes. */
    static void serve(Federation fed, RequestState r, List<Federation.Slot> slots) throws IOException {
        r.ex.addResponseHeader("Content-Type", "text/event-stream");
        r.ex.addResponseHeader("Cache-Control", "no-cache");
        r.status = 200;
        OutputStream out;
        try {
            out = r.ex.sendResponseHeaders(200, -1);
        } catch (IOException e) {
            throw new Relay.ClientGoneException(e);
        }
        new FederatedStream(fed, r, slots, out).run();
    }

    private void run() throws IOException {
        List<String[]> resume = resumeFrom();
        List<long[]> seen = new ArrayList<>();
        for (ListPageReader.Kind k : WATCHED) {
            seen.add(new long[] {fingerprint(k)});
        }
        ListChangedCoalescer coalescer = new ListChangedCoalescer(
                COALESCE_WINDOW,
                (task, delay) -> CompletableFuture.delayedExecutor(delay, TimeUnit.NANOSECONDS, fed.executor)
                        .execute(task),
                kind -> write(("event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/" + kind
                                + "/list_changed\"}\n\n")
                        .getBytes(StandardCharsets.UTF_8)));
        CountDownLatch partsEnded = new CountDownLatch(slots.size());
        Runnable end = done::countDown;
        fed.openStreams.add(end);
        try {
            for (int i = 0; i < slots.size(); i++) {
                UpstreamCall.Cancellation c = new UpstreamCall.Cancellation();
                cancels.add(c);
                int index = i;
                String from = resumeId(resume, slots.get(i).member().id());
                try {
                    fed.executor.execute(() -> {
                        try {
                            part(index, from, c, coalescer);
                        } finally {
                            partsEnded.countDown();
                        }
                    });
                } catch (RuntimeException e) { // a closing gateway's executor refuses it; the parts started end below
                    for (int j = index; j < slots.size(); j++) {
                        partsEnded.countDown();
                    }
                    throw e;
                }
            }
            // Each wake writes a keep-alive, which finds a client that left, and compares the catalogs: as often
            // as a single server's stream would beat (streamHeartbeat), and at least once per catalog refresh.
            long every = fed.heartbeatNanos > 0 ? Math.min(fed.heartbeatNanos, fed.refreshNanos) : fed.refreshNanos;
            long wait = Math.max(TimeUnit.MILLISECONDS.toNanos(50), every);
            // Open while the client is there, even when no server has a stream of its own: the gateway's list changes
            // still come this way.
            while (!gone && !fed.closed.getAsBoolean() && !fed.ending && !done.await(wait, TimeUnit.NANOSECONDS)) {
                write(KEEPALIVE);
                for (int k = 0; k < WATCHED.size() && !gone; k++) {
                    long now = fingerprint(WATCHED.get(k));
                    if (now != seen.get(k)[0]) {
                        seen.get(k)[0] = now;
                        coalescer.changed(WATCHED.get(k).array);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            fed.openStreams.remove(end);
            Outcome.Kind why;
            synchronized (this) {
                why = gone ? Outcome.Kind.CLIENT_GONE : Outcome.Kind.GATEWAY_CLOSED;
                gone = true; // under the writers' lock: no part is mid-write once the exchange ends
            }
            for (UpstreamCall.Cancellation c : cancels) {
                c.cancel(why);
            }
            // The parts read the client's exchange (its method and headers, for their events) until they end; the
            // exchange must outlive them, as a servlet container recycles its request once the servlet returns.
            // Cancelled, each ends as soon as its backend connection is closed.
            awaitParts(partsEnded);
        }
        if (gone && r.failure instanceof Relay.ClientGoneException e) {
            throw e;
        }
    }

    /** Waits (boundedly) for the cancelled parts to end; one that does not is logged, not waited for forever. */
    private void awaitParts(CountDownLatch partsEnded) {
        boolean interrupted = false;
        try {
            if (!partsEnded.await(PARTS_END_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn(
                        "{} of a merged stream's {} server streams did not end within {} of being cancelled",
                        partsEnded.getCount(),
                        slots.size(),
                        PARTS_END_WAIT);
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** One server's GET stream, relayed event by event into the merged stream. */
    private void part(int index, @Nullable String from, UpstreamCall.Cancellation c, ListChangedCoalescer coalescer) {
        Federation.Slot slot = slots.get(index);
        try {
            EventSplitter events = new EventSplitter(index, coalescer);
            BufferedExchange ex = new BufferedExchange(r.ex, "GET", 64 * 1024, events);
            ServerChain chain = slot.member().chain;
            RequestState sub =
                    UpstreamCall.subRequest(r, ex, chain, slot.part(), r.clientToken, slot.overrides(), c, fed.random);
            if (sub == null) {
                return; // the session's replica left: its next POST gets 404
            }
            sub.rewriter = new FederatedMessages(slot.member(), fed.tokens);
            PoolRuntime.Members members = chain.runtime.members();
            // Resumed where the client left it: on the replica that sent that event (the session's, if it has one).
            String[] opened = from == null ? null : fed.tokens.openEventId(from);
            BackendRuntime owner = opened == null ? null : members.byEventTag.get(opened[0]);
            if (opened != null && owner != null && (sub.pinned == null || sub.pinned == owner)) {
                sub.pinned = owner;
                sub.lastEventIdForBackend = opened[1];
            }
            chain.forwarder.forward(sub, null, true);
            if (ex.status() != 200) {
                log.debug(
                        "server {} has no GET stream for this session (HTTP {})",
                        slot.member().id(),
                        ex.status());
            }
        } catch (IOException | RuntimeException e) {
            if (!gone) {
                log.debug("server {}: its GET stream ended: {}", slot.member().id(), e.toString());
            }
        }
    }

    /** Writes to the client; the first failure ends the stream. */
    private synchronized void write(byte[] bytes) {
        if (gone) return;
        try {
            client.write(bytes);
            client.flush();
        } catch (IOException e) {
            gone = true;
            r.failure = new Relay.ClientGoneException(e);
            done.countDown();
        }
    }

    /** Writes one event of part {@code index}, its id replaced by the position of every part. */
    private synchronized void event(int index, @Nullable String id, byte[] lines) {
        if (id != null) {
            positions[index] = id;
        }
        ByteArrayOutputStream event = new ByteArrayOutputStream(lines.length + 128);
        if (id != null) {
            List<String[]> all = new ArrayList<>(slots.size());
            for (int i = 0; i < slots.size(); i++) {
                if (positions[i] != null)
                    all.add(new String[] {slots.get(i).member().id(), positions[i]});
            }
            event.writeBytes(("id: " + fed.tokens.sealStreamPosition(all) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        event.writeBytes(lines);
        event.writeBytes(new byte[] {'\n'});
        write(event.toByteArray());
    }

    private @Nullable List<String[]> resumeFrom() {
        String last = r.ex.requestHeader(SessionRoute.LAST_EVENT_ID);
        return last == null ? null : fed.tokens.openStreamPosition(last.trim());
    }

    private static @Nullable String resumeId(@Nullable List<String[]> resume, String server) {
        if (resume == null) return null;
        for (String[] p : resume) {
            if (p[0].equals(server)) return p[1];
        }
        return null;
    }

    /** A digest of the names of one kind the caller sees now (catalogs read again when due). */
    private long fingerprint(ListPageReader.Kind kind) {
        long h = 1;
        try {
            List<@Nullable Catalog> cats = fed.catalogs(r, slots, kind, true);
            for (int i = 0; i < slots.size(); i++) {
                Catalog c = cats.get(i);
                if (c == null) continue;
                for (Catalog.Item item : c.items) {
                    if (fed.allows(r, slots.get(i).member(), Federation.accessKind(kind), item.original())) {
                        h = h * 31 + item.json().hashCode();
                    }
                }
            }
        } catch (Federation.RequiredServerFailed e) {
            h = -1;
        }
        return h;
    }

    /**
     * Splits a part's stream into events: comment lines (heartbeats) pass at once; an event's {@code id:} is taken
     * out; a {@code list_changed} notification goes to the coalescer instead of the client.
     */
    private final class EventSplitter extends OutputStream {
        private final int index;
        private final ListChangedCoalescer coalescer;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
        private final ByteArrayOutputStream lines = new ByteArrayOutputStream(512);
        private @Nullable String id;

        EventSplitter(int index, ListChangedCoalescer coalescer) {
            this.index = index;
            this.coalescer = coalescer;
        }

        @Override
        public void write(int b) throws IOException {
            if (gone) throw new IOException("the client of the federated stream is gone");
            if (b != '\n') {
                line.write(b);
                if (line.size() > Federation.MAX_ANSWER_BYTES) throw new IOException("SSE line too long");
                return;
            }
            String text = line.toString(StandardCharsets.UTF_8);
            line.reset();
            if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
            if (text.isEmpty()) {
                dispatch();
            } else if (text.startsWith(":")) {
                FederatedStream.this.write(new byte[] {':', '\n'});
            } else if (text.startsWith("id:")) {
                id = text.substring(text.startsWith("id: ") ? 4 : 3);
            } else {
                lines.writeBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private void dispatch() {
            if (lines.size() == 0 && id == null) return;
            String body = lines.toString(StandardCharsets.UTF_8);
            String kind = listChanged(body);
            if (kind != null) {
                coalescer.changed(kind);
            } else {
                event(index, id, lines.toByteArray());
            }
            lines.reset();
            id = null;
        }

        private @Nullable String listChanged(String event) {
            for (String kind : List.of("tools", "prompts", "resources")) {
                if (event.contains("\"notifications/" + kind + "/list_changed\"")) return kind;
            }
            return null;
        }
    }
}
