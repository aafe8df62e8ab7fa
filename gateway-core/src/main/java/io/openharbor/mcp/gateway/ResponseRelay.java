package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import okio.Buffer;
import okio.BufferedSource;
import okio.ByteString;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay: a backend's answer to the client as it arrives. Headers are filtered (hop-by-hop, the gateway's own
 * security and CORS headers) and the backend's session id becomes the client's token; a JSON body is copied, an SSE
 * body passes event by event with its ids sealed and heartbeats between events, and a small error body of a session's
 * backend has the backend's session id replaced. Once the gateway's own early stream is out, the answer goes into it.
 */
final class ResponseRelay {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);
    /** Longest error answer that is searched for the upstream session id, or put into an early answer as it is. */
    private static final int MAX_SCRUBBED_ERROR = 64 * 1024;

    private final Edge edge;
    private final SessionRoute sessions;
    private final SessionTokens tokens;
    private final @Nullable Heartbeats heartbeats;
    private final long streamIdleMillis;

    ResponseRelay(
            Edge edge,
            SessionRoute sessions,
            SessionTokens tokens,
            @Nullable Heartbeats heartbeats,
            long streamIdleMillis) {
        this.edge = edge;
        this.sessions = sessions;
        this.tokens = tokens;
        this.heartbeats = heartbeats;
        this.streamIdleMillis = streamIdleMillis;
    }

    void relay(RequestState r, BackendRuntime br, Transport.Attempt call, Transport.Inbound answer) throws IOException {
        if (r.early != null && !r.early.disarm()) {
            intoEarlyAnswer(r, br, call, answer);
            return;
        }
        GatewayExchange ex = r.ex;
        int code = answer.code();
        r.answeredBy = br;
        List<String> connectionTokens = HttpRules.connectionTokens(answer.headers("Connection"));
        String upstreamSid = null;
        boolean encoded = false;
        for (int i = 0, n = answer.headerCount(); i < n; i++) {
            String name = answer.headerName(i);
            String lower = name.toLowerCase(Locale.ROOT);
            if (HttpRules.dropResponseHeader(lower, connectionTokens)) continue;
            if (edge.ownsResponseHeader(lower)) continue;
            if (lower.equals("mcp-session-id")) {
                upstreamSid = answer.headerValue(i);
                continue;
            }
            if (lower.equals("content-encoding")) encoded = true;
            ex.addResponseHeader(name, answer.headerValue(i));
        }
        if (upstreamSid != null) {
            r.answeredSession = upstreamSid;
            r.issuedToken = sessions.token(r, br, upstreamSid);
            ex.addResponseHeader(SessionRoute.SESSION_HEADER, r.issuedToken);
        }
        r.status = code;
        if (code == 204 || code == 304 || code < 200) {
            ex.sendResponseHeaders(code, 0).close();
            return;
        }
        boolean sse = answer.eventStream();
        if (sse) {
            answer.streaming(streamIdleMillis);
        }
        BufferedSource source = answer.body();
        if (!sse && code >= 400 && r.upstreamSession != null && !encoded) {
            byte[] scrubbed = withoutUpstreamSession(r, source, answer.contentLength());
            if (scrubbed != null) {
                try (OutputStream o = ex.sendResponseHeaders(code, scrubbed.length)) {
                    o.write(scrubbed);
                } catch (IOException e) {
                    throw new Relay.ClientGoneException(e);
                }
                return;
            }
        }
        Relay.MessageRewriter messages = AnswerScan.of(r);
        if (messages != null && !sse && code == 200 && !encoded && relayedRewritten(r, messages, source, answer)) {
            return;
        }
        OutputStream out;
        try {
            out = ex.sendResponseHeaders(code, sse ? -1 : answer.contentLength());
        } catch (IOException e) {
            throw new Relay.ClientGoneException(e);
        }
        ClientStream stream = null;
        ScheduledFuture<?> beating = null;
        boolean brokenOff = false;
        if (sse && heartbeats != null && !encoded) {
            // Heartbeats find a client that left while the backend is silent; the attempt is then cancelled, which
            // ends the read below and releases the connection and the slot. (Not into a compressed body, where a
            // comment line would corrupt the stream.)
            stream = new ClientStream(out);
            stream.onGone(call::cancel);
            out = stream;
            beating = heartbeats.watch(stream);
        }
        try {
            if (sse && !encoded) {
                copyEventStream(br, source, out, messages);
            } else {
                Relay.copy(source, out); // a compressed stream's lines cannot be read: its ids pass as they are
            }
        } catch (Relay.ClientGoneException e) {
            call.cancel();
            throw e;
        } catch (IOException e) {
            if (stream != null && stream.gone()) {
                // a heartbeat found the client gone and cancelled the call: the read failed because of that
                throw new Relay.ClientGoneException(new IOException("a heartbeat could not be written", e));
            }
            if (r.drained) {
                r.gatewayKind = Outcome.Kind.GATEWAY_CLOSED;
                log.debug("{} {}: the stream ends, the gateway is draining", ex.method(), ex.path());
                return; // the finally block ends the stream
            }
            Outcome.Kind cancelled = r.cancellation == null ? null : r.cancellation.reason();
            if (cancelled != null) {
                // The gateway cancelled the call itself (a merged stream that ended, a fan-out past its deadline):
                // nothing failed, and what the body was relayed into (a federation's buffer) is the gateway's own.
                r.gatewayKind = cancelled;
                log.debug(
                        "{} {}: backend {}'s answer ends, the gateway cancelled it ({})",
                        ex.method(),
                        ex.path(),
                        br.backend.name(),
                        cancelled);
                return;
            }
            // The backend failed mid-body: the status is already sent, so all that is left is to break it off. An
            // event stream left silent past the stream idle timeout is the one the gateway ends as a stream ends (its
            // own decision, after whole events; the client reconnects).
            r.failure = e;
            brokenOff = !(sse && AttemptFailure.isTimeout(e));
            log.warn(
                    "backend {} failed while relaying a {} body: {}",
                    br.backend.name(),
                    sse ? "SSE" : "response",
                    e.toString());
        } finally {
            if (stream != null) {
                stream.end();
            }
            if (beating != null) {
                beating.cancel(false);
            }
        }
        if (brokenOff) {
            ex.abort(); // the status is out: breaking the answer off is how the client learns it is incomplete
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new Relay.ClientGoneException(e);
        }
    }

    /**
     * The backend's answer written into the early stream: its events, its JSON answer as one event, or for any other
     * answer the backend's own JSON error body (when it sent a small one) or the gateway's, as an event.
     */
    private void intoEarlyAnswer(RequestState r, BackendRuntime br, Transport.Attempt call, Transport.Inbound answer)
            throws IOException {
        r.status = 200;
        int code = answer.code();
        boolean sse = answer.eventStream();
        boolean json = answer.json();
        boolean encoded = answer.header("Content-Encoding") != null;
        BufferedSource source = answer.body();
        ClientStream out = requireNonNull(r.early, "relayed into an early answer").stream();
        GatewayExchange ex = r.ex;
        try {
            if (code == 200 && sse && !encoded) {
                answer.streaming(streamIdleMillis);
                copyEventStream(br, source, out, AnswerScan.of(r));
            } else if (r.peek == null) {
                // a GET stream: no request to answer; ending the stream sends the client back to meet the answer
                log.info(
                        "backend {} answered {} to {} {} after the gateway's stream was out; the stream ends",
                        br.backend.name(),
                        code,
                        ex.method(),
                        ex.path());
            } else if (code == 200 && json && !encoded) {
                Relay.copyAsSseEvent(source, out);
            } else {
                long length = answer.contentLength();
                Buffer event = new Buffer();
                if (json && !encoded && smallBodyBuffered(source, length)) {
                    event.write(source.getBuffer(), length); // the backend's own JSON-RPC error
                } else {
                    event.write(JsonRpcErrors.body(
                            r.idJson(),
                            JsonRpcErrors.BACKEND_ERROR,
                            "Bad Gateway: backend '"
                                    + br.backend.name() + "' answered HTTP " + code
                                    + (encoded
                                            ? " with a compressed body," + " which cannot go into the gateway's stream"
                                            : ""),
                            null));
                }
                log.info(
                        "backend {} answered {} to {} {} after the gateway's stream was out; sent as an event",
                        br.backend.name(),
                        code,
                        ex.method(),
                        ex.path());
                Relay.copyAsSseEvent(event, out);
            }
        } catch (Relay.ClientGoneException e) {
            call.cancel();
            throw e;
        } catch (IOException e) {
            if (out.gone()) {
                throw new Relay.ClientGoneException(new IOException("a heartbeat could not be written", e));
            }
            if (r.drained) {
                r.gatewayKind = Outcome.Kind.GATEWAY_CLOSED;
                log.debug("{} {}: the stream ends, the gateway is draining", ex.method(), ex.path());
                Answers.closeEarly(r, out);
                return;
            }
            r.failure = e;
            log.warn("backend {} failed while relaying into the gateway's stream: {}", br.backend.name(), e.toString());
            if (!(code == 200 && sse && AttemptFailure.isTimeout(e))) { // as in relay(): only an idle stream ends
                ex.abort(); // the stream ends broken off, not as if the backend had finished
                return;
            }
        }
        Answers.closeEarly(r, out);
    }

    /** Whether the body has a known length of at most {@link #MAX_SCRUBBED_ERROR} and is now wholly buffered. */
    private static boolean smallBodyBuffered(BufferedSource source, long length) throws IOException {
        return length >= 0 && length <= MAX_SCRUBBED_ERROR && source.request(length);
    }

    /** Relays an uncompressed SSE body with its event ids sealed, limited by the stream idle timeout. */
    private void copyEventStream(
            BackendRuntime br, BufferedSource source, OutputStream out, Relay.@Nullable MessageRewriter messages)
            throws IOException {
        Relay.copySseSealingIds(source, out, (id, off, len) -> tokens.sealEventId(br.eventTag, id, off, len), messages);
    }

    /** Sends a JSON answer through {@code messages}; false (nothing sent) when it is too large to read whole. */
    private static boolean relayedRewritten(
            RequestState r, Relay.MessageRewriter messages, BufferedSource source, Transport.Inbound answer)
            throws IOException {
        byte[] whole = rewritten(messages, source, answer.contentLength());
        if (whole == null) {
            return false;
        }
        try (OutputStream o = r.ex.sendResponseHeaders(200, whole.length)) {
            o.write(whole);
        } catch (IOException e) {
            throw new Relay.ClientGoneException(e);
        }
        return true;
    }

    /**
     * A JSON answer through the request's rewriter (a federation's URIs) or scan: read whole, up to
     * {@link Relay#MAX_REWRITTEN_LINE} bytes (a longer one is relayed as it is), or null.
     */
    private static byte @Nullable [] rewritten(Relay.MessageRewriter rewriter, BufferedSource source, long length)
            throws IOException {
        if (length > Relay.MAX_REWRITTEN_LINE
                || !(length >= 0 ? source.request(length) : !source.request(Relay.MAX_REWRITTEN_LINE + 1L))) {
            return null;
        }
        byte[] whole = source.getBuffer().readByteArray();
        byte[] out = rewriter.rewrite(whole);
        return out == null ? whole : out;
    }

    /**
     * An error answer of a session's backend with every occurrence of the backend's own session id replaced by the
     * client's token ({@code "Session not found: <id>"} is what SDK servers say), or null when there is none or the body
     * is not a small one of known length (then it is relayed untouched). The client never learns upstream session ids.
     */
    private static byte @Nullable [] withoutUpstreamSession(RequestState r, BufferedSource source, long length)
            throws IOException {
        if (requireNonNull(r.upstreamSession).isEmpty() || !smallBodyBuffered(source, length)) {
            return null; // (shorter than announced: relayed as it is, the host reports the truncation)
        }
        Buffer buf = source.getBuffer();
        if (buf.indexOf(ByteString.encodeUtf8(r.upstreamSession)) < 0) {
            return null;
        }
        String text = buf.readUtf8(length);
        return text.replace(r.upstreamSession, r.clientToken).getBytes(StandardCharsets.UTF_8);
    }
}
