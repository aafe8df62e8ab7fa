package io.openharbor.mcp.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of one exchange when someone listens: the {@link ExchangeListener} the factory gave, the views it is
 * shown ({@link McpCall}, {@link UpstreamAttempt}, {@link Outcome}) built from the request's state, and the attempt
 * totals. A federation's fan-out calls share their client's, from several threads at once. A throwing callback is
 * logged and ignored.
 */
final class ExchangeEvents {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);

    private final ExchangeListener listener;
    private final ListedNames listed;
    private final RequestState root;
    private final AtomicInteger attempts = new AtomicInteger();
    private final AtomicLong upstreamNanos = new AtomicLong();
    /** The last token hashed and its hash, or null. */
    private volatile String @Nullable [] hashed;

    private ExchangeEvents(ExchangeListener listener, ListedNames listed, RequestState root) {
        this.listener = listener;
        this.listed = listed;
        this.root = root;
    }

    /** The events of a request that has just arrived, or null when the factory does not listen to it. */
    static @Nullable ExchangeEvents start(ExchangeListener.Factory factory, ListedNames listed, RequestState r) {
        ExchangeListener l;
        try {
            l = factory.create(r);
        } catch (RuntimeException e) {
            log.warn("ExchangeListener.Factory.create threw; the exchange is not observed", e);
            return null;
        }
        return l == null || l == ExchangeListener.NONE ? null : new ExchangeEvents(l, listed, r);
    }

    ListedNames listed() {
        return listed;
    }

    /** The exchange as known now. */
    McpCall call() {
        RequestState r = root;
        McpPeek peek = r.peek;
        String method = r.rpcMethod();
        String target = peek == null ? null : peek.target;
        boolean targetListed = listed(method, target);
        String token = r.issuedToken != null ? r.issuedToken : r.clientToken;
        String server = r.serverKnown ? r.pool.pool().name() : null;
        return new McpCall(
                r.ex.method(),
                method,
                target,
                targetListed,
                r.idJson(),
                r.ex.requestHeader("MCP-Protocol-Version"),
                token == null || token.isEmpty() ? null : sessionHash(token),
                server,
                r.answeredBy == null ? null : r.answeredBy.backend,
                peek == null ? null : peek.traceparent,
                peek == null ? null : peek.tracestate);
    }

    /** Whether a backend listed {@code target}: a federation routed it, or a list answer passing through held it. */
    private boolean listed(@Nullable String method, @Nullable String target) {
        return target != null && (root.targetListed || listed.contains(method, target));
    }

    /** The hash of the session token, computed once per token however many events show it. */
    private String sessionHash(String token) {
        String[] memo = hashed;
        if (memo != null && memo[0].equals(token)) {
            return memo[1];
        }
        String h = hash(token);
        hashed = new String[] {token, h}; // a fan-out's threads may each compute it once: no harm
        return h;
    }

    /**
     * Tells the listener an attempt starts; returns what to send: {@code out}, or a copy with the listener's headers
     * (and the body's {@code _meta.traceparent} overwritten when the listener set one of the same length).
     */
    Observed attemptStart(RequestState r, int number, Backend backend, String server, Outbound out) {
        McpPeek peek = r.peek;
        String method = r.rpcMethod();
        // the name as the backend gets it: a federation's original name, or the client's
        String target = r.upstreamTarget != null ? r.upstreamTarget : peek == null ? null : peek.target;
        boolean listedTarget = listed(method, target);
        UpstreamAttempt attempt = new UpstreamAttempt(number, backend, server, method, target, listedTarget);
        return new Observed(attempt, System.nanoTime(), withHeaders(r, attempt, out));
    }

    /** An attempt being observed: what is sent, and how its end is told. */
    final class Observed {
        final UpstreamAttempt attempt;
        final long startNanos;
        final Outbound out;

        Observed(UpstreamAttempt attempt, long startNanos, Outbound out) {
            this.attempt = attempt;
            this.startNanos = startNanos;
            this.out = out;
        }

        /** The attempt ended: with {@code failure}, or (null) its answer relayed or the gateway's own sent. */
        void end(RequestState r, @Nullable AttemptFailure failure) {
            attemptEnd(r, attempt, startNanos, failure);
        }
    }

    private Outbound withHeaders(RequestState r, UpstreamAttempt attempt, Outbound out) {
        List<String> set = new ArrayList<>(4);
        try {
            listener.attemptStart(call(), attempt, (name, value) -> {
                if (HttpRules.hasLineBreak(name) || HttpRules.hasLineBreak(value)) {
                    throw new IllegalArgumentException("line break or NUL in header " + name);
                }
                set.add(name.toLowerCase(Locale.ROOT));
                set.add(value);
            });
        } catch (RuntimeException e) {
            log.warn("ExchangeListener.attemptStart threw; ignored", e);
            return out;
        }
        if (set.isEmpty()) {
            return out;
        }
        byte[] body = out.body;
        McpPeek peek = r.peek;
        String old = peek == null ? null : peek.traceparent;
        if (body != null && peek != null && old != null && peek.traceparentOffset >= 0) {
            for (int i = 0; i < set.size(); i += 2) {
                String value = set.get(i + 1);
                if (set.get(i).equals("traceparent")
                        && value.length() == old.length()
                        && McpPeek.writableInPlace(value)) {
                    body = body.clone(); // the client's bytes stay as they came
                    for (int c = 0; c < value.length(); c++) {
                        body[peek.traceparentOffset + c] = (byte) value.charAt(c);
                    }
                }
            }
        }
        return out.copy(body, set.toArray(new String[0]));
    }

    /** Tells the listener an attempt ended: its failure, or (null) the relay of its answer, as {@code r} records it. */
    private void attemptEnd(
            RequestState r, UpstreamAttempt attempt, long startNanos, @Nullable AttemptFailure failure) {
        long nanos = System.nanoTime() - startNanos;
        attempts.incrementAndGet();
        upstreamNanos.addAndGet(nanos);
        Outcome o;
        if (failure != null) {
            Outcome.Kind kind;
            Outcome.Kind cancelled = failure.kind == AttemptFailure.Kind.CANCELLED ? cancelledFor(r) : null;
            if (r.clientGone) {
                kind = Outcome.Kind.CLIENT_GONE;
            } else if (failure.kind == AttemptFailure.Kind.TIMEOUT) {
                kind = Outcome.Kind.TIMEOUT;
            } else if (cancelled != null) {
                kind = cancelled; // the gateway ended it: a federation's deadline, a merged stream's end, a drain
            } else {
                kind = failure.tls() ? Outcome.Kind.TLS_ERROR : Outcome.Kind.BACKEND_ERROR;
            }
            o = new Outcome(kind, 0, null, nanos, nanos, 1, failure.failure());
        } else {
            o = new Outcome(relayedKind(r), r.status, r.hasRpcError ? r.rpcError : null, nanos, nanos, 1, r.failure);
        }
        try {
            listener.attemptEnd(call(), attempt, o);
        } catch (RuntimeException e) {
            log.warn("ExchangeListener.attemptEnd threw; ignored", e);
        }
    }

    /** Tells the listener the exchange is over. */
    void end() {
        RequestState r = root;
        Outcome.Kind kind;
        if (r.clientGone || r.gatewayKind != null || r.answeredBy != null) {
            kind = relayedKind(r);
        } else if (r.status == 0) {
            kind = r.failure != null ? Outcome.Kind.INTERNAL_ERROR : Outcome.Kind.CLIENT_GONE;
        } else {
            kind = r.hasRpcError ? Outcome.Kind.JSONRPC_ERROR : Outcome.Kind.OK; // a federation's own answer
        }
        Outcome o = new Outcome(
                kind,
                r.status,
                r.hasRpcError ? r.rpcError : null,
                System.nanoTime() - r.startNanos,
                upstreamNanos.get(),
                attempts.get(),
                r.failure);
        try {
            listener.exchangeEnd(call(), o);
        } catch (RuntimeException e) {
            log.warn("ExchangeListener.exchangeEnd threw; ignored", e);
        }
    }

    /** What a relayed answer amounts to (or the client's leaving, or the gateway's own answer, which take precedence). */
    // Why the gateway cancelled the request's call, or null if it did not. (A line comment: JDK 25's javac finds a
    // Javadoc comment before a type-use-annotated return type attached to nothing.)
    private static Outcome.@Nullable Kind cancelledFor(RequestState r) {
        return r.cancellation == null ? null : r.cancellation.reason();
    }

    private static Outcome.Kind relayedKind(RequestState r) {
        if (r.clientGone) return Outcome.Kind.CLIENT_GONE;
        if (r.gatewayKind != null) return r.gatewayKind;
        if (r.failure != null) return Outcome.Kind.BACKEND_ERROR; // broke off mid-body
        if (r.hasRpcError) return Outcome.Kind.JSONRPC_ERROR;
        if (r.toolError) return Outcome.Kind.TOOL_ERROR;
        if (r.status >= 400) return Outcome.Kind.HTTP_ERROR;
        return Outcome.Kind.OK;
    }

    /** 16 hex digits of the token's SHA-256. */
    static String hash(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
