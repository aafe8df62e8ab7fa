package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwarding: the outbound request built from the client's, and the attempts that carry it. Each attempt takes a
 * {@link Router.Lease}, goes out through the {@link Transport}, feeds its outcome to the pool, and either hands the
 * answer to the {@link ResponseRelay} or, on failure, decides by the retry rules: a request that provably reached no
 * backend may go to another whatever its method; a read-only one that got no answer may too; a {@code tools/call}
 * that may have reached a backend never goes to another. A pooled connection the backend had closed is retried on the
 * same backend (at most twice, not counted as an attempt).
 */
final class Forwarder {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);
    private static final int MAX_STALE_RETRIES = 2;

    private final Router router;
    private final ResponseRelay relay;
    private final Answers answers;
    private final PoolRuntime pool;
    private final Edge edge;
    private final RetryBudget retryBudget;
    private final GatewayListener listener;
    private final Ticker ticker;
    private final int maxAttempts;
    private final BooleanSupplier closed;

    Forwarder(
            Router router,
            ResponseRelay relay,
            Answers answers,
            PoolRuntime pool,
            Edge edge,
            RetryBudget retryBudget,
            GatewayListener listener,
            Ticker ticker,
            int maxAttempts,
            BooleanSupplier closed) {
        this.router = router;
        this.relay = relay;
        this.answers = answers;
        this.pool = pool;
        this.edge = edge;
        this.retryBudget = retryBudget;
        this.listener = listener;
        this.ticker = ticker;
        this.maxAttempts = maxAttempts;
        this.closed = closed;
    }

    /** Forwards the request ({@code body} for a POST, else null) and relays the answer, or answers the failure. */
    void forward(RequestState r, byte @Nullable [] body, boolean retrySafe) throws IOException {
        Outbound out;
        try {
            out = outbound(r, body);
        } catch (IllegalArgumentException e) {
            unforwardable(r, e);
            return;
        }
        if (r.pinned == null) {
            retryBudget.onRequest();
        }
        Router.Tried tried = new Router.Tried();
        int staleRetries = 0;
        for (int attempt = 1; ; attempt++) {
            Router.Lease lease = router.next(r, tried);
            if (lease == null) {
                return; // answered already
            }
            BackendRuntime br = lease.br;
            listener.backendSelected(r, br.backend, attempt);
            ExchangeEvents.Observed observed = r.events == null
                    ? null
                    : r.events.attemptStart(r, attempt, br.backend, pool.pool().name(), out);
            Outbound sent = observed == null ? out : observed.out;
            try (lease) {
                Transport.Attempt call;
                try {
                    call = br.route.attempt(sent);
                } catch (IllegalArgumentException e) {
                    unforwardable(r, e); // a header the transport refuses (its name)
                    if (observed != null) {
                        observed.end(r, null);
                    }
                    return;
                }
                if (r.early != null) {
                    r.early.attempt(call::cancel);
                }
                if (r.cancellation != null) {
                    r.cancellation.attempt(call);
                }
                long sentAt = ticker.read();
                Transport.Inbound answer;
                try {
                    answer = call.execute();
                } catch (AttemptFailure f) {
                    boolean gone = r.early != null && r.early.gone();
                    r.clientGone |= gone;
                    if (observed != null) {
                        observed.end(r, f);
                    }
                    if (gone) {
                        throw new Relay.ClientGoneException(new IOException(
                                "a heartbeat of the early answer could not" + " be written", f.failure()));
                    }
                    if (r.drained) {
                        // not recorded: the gateway cancelled it, which says nothing of the backend (a closing
                        // gateway's breaker permits go with it)
                        answers.drained(r);
                        return;
                    }
                    if (f.staleConnection
                            && !lease.permit
                            && staleRetries++ < MAX_STALE_RETRIES
                            && !closed.getAsBoolean()) {
                        // Provably unsent: the pooled connection had been closed by the backend, so its other idle
                        // connections are suspect too. Not a failure of the backend (it may just have closed an idle
                        // connection): the request goes out again, on a new connection, without counting an attempt.
                        log.debug(
                                "backend {}: a pooled connection had been closed by the backend; nothing was sent;"
                                        + " its idle connections are dropped and the request is sent on a new one",
                                br.backend.name());
                        br.route.dropIdleConnections();
                        attempt--;
                        continue;
                    }
                    if (!failed(r, br, lease.permit, f, attempt, retrySafe, tried)) {
                        return;
                    }
                    continue;
                }
                pool.recordOutcome(br, answer.code(), ticker.read() - sentAt, lease.permit);
                try (answer) {
                    relay.relay(r, br, call, answer);
                } catch (Relay.ClientGoneException e) {
                    r.clientGone = true;
                    throw e;
                } finally {
                    if (observed != null) {
                        observed.end(r, null);
                    }
                }
                return;
            }
        }
    }

    private void unforwardable(RequestState r, IllegalArgumentException e) throws IOException {
        answers.reject(
                r,
                400,
                JsonRpcErrors.INVALID_REQUEST,
                "Invalid request header: " + e.getMessage(),
                "unforwardable header");
    }

    /** Records a failed attempt; true when the request goes to another backend, false after answering. */
    private boolean failed(
            RequestState r,
            BackendRuntime br,
            boolean permit,
            AttemptFailure f,
            int attempt,
            boolean retrySafe,
            Router.Tried tried)
            throws IOException {
        pool.recordOutcome(br, 0, 0, permit);
        boolean nothingSent = f.nothingSent();
        if (f.kind == AttemptFailure.Kind.CONNECTION) {
            // The first sign that the backend is gone (refused, reset, closed): its other idle connections most likely
            // lead to the same dead process, and a request written to one would fail with nobody having received it.
            // They are dropped; new connections find out for certain.
            br.route.dropIdleConnections();
        }
        if (closed.getAsBoolean()) {
            answers.unavailable(
                    r,
                    GatewayListener.Rejection.GATEWAY_CLOSED,
                    "Service Unavailable: the gateway is" + " shutting down",
                    "gateway closed during the call: " + f.failure());
            return false;
        }
        boolean mayRetry = nothingSent || (retrySafe && !f.responseStarted);
        if (r.pinned == null && mayRetry && attempt < maxAttempts) {
            router.exclude(tried, br);
            tried.lastFailure = f;
            tried.lastFailed = br;
            String before = nothingSent ? "any byte was sent" : "any answer";
            if (!router.candidateLeft(tried)) {
                log.info(
                        "backend {} failed before {} and no other backend is left to try: {}",
                        br.backend.name(),
                        before,
                        String.valueOf(f.failure()));
                return true; // the router answers 503 naming the failure
            }
            if (retryBudget.tryRetry()) {
                log.info(
                        "backend {} failed before {}; trying another: {}",
                        br.backend.name(),
                        before,
                        String.valueOf(f.failure()));
                listener.retry(r, br.backend, attempt + 1, f.failure());
                return true;
            }
            log.warn("backend {} failed and the retry budget is spent; not trying another", br.backend.name());
            listener.rejected(r, GatewayListener.Rejection.RETRY_BUDGET_EXHAUSTED);
        }
        backendFailed(r, br, f);
        return false;
    }

    private void backendFailed(RequestState r, BackendRuntime br, AttemptFailure f) throws IOException {
        r.failure = f.failure();
        if (r.clientToken != null && f.nothingSent()) {
            // The session's replica is unreachable: a 404 makes a conforming client initialize again, elsewhere.
            answers.sessionBackendGone(
                    r,
                    "backend {} of a session is unreachable ({}); answering 404 so the client" + " re-initializes",
                    br.backend.name(),
                    String.valueOf(f.failure()));
            return;
        }
        if (f.kind == AttemptFailure.Kind.TIMEOUT && !f.nothingSent()) {
            answers.reject(
                    r,
                    504,
                    JsonRpcErrors.BACKEND_TIMEOUT,
                    "Gateway Timeout: backend '" + br.backend.name() + "' did not answer in time",
                    "backend timeout: " + f.failure());
        } else if (f.tls()) {
            answers.tlsFailed(r, br.backend.name(), f);
        } else {
            answers.reject(
                    r,
                    502,
                    JsonRpcErrors.BACKEND_ERROR,
                    "Bad Gateway: backend '" + br.backend.name() + "' failed",
                    "backend failure: " + f.failure());
        }
    }

    /**
     * The request as it is forwarded: the client's headers without hop-by-hop ones, the client's session token, a
     * sealed {@code Last-Event-ID}, credentials and forwarding headers; the backend's own session id and event id in
     * their place, {@code X-Forwarded-*} from the gateway. Copied once, in the client's order.
     *
     * @throws IllegalArgumentException if a header value holds a line break or NUL
     */
    private Outbound outbound(RequestState r, byte @Nullable [] body) {
        GatewayExchange ex = r.ex;
        Outbound out = new Outbound(ex.method(), ex.query(), null, body, r.early, 16);
        List<String> connectionTokens = HttpRules.connectionTokens(ex.requestHeaders("Connection"));
        boolean acceptEncoding = false;
        for (String name : ex.requestHeaderNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HttpRules.dropRequestHeader(lower, connectionTokens)) continue;
            if (lower.equals("mcp-session-id")) continue;
            if (lower.equals("last-event-id") && r.lastEventIdForBackend != null) continue;
            if (edge.dropRequestHeader(lower)) {
                if (edge.isCredential(lower)) {
                    for (String value : ex.requestHeaders(name)) {
                        if (!HttpRules.hasLineBreak(value)) out.credential(name, value);
                    }
                }
                continue;
            }
            if (lower.equals("accept-encoding")) acceptEncoding = true;
            for (String value : ex.requestHeaders(name)) {
                if (HttpRules.hasLineBreak(value)) {
                    throw new IllegalArgumentException("line break or NUL in the value of " + name);
                }
                out.header(name, value);
            }
        }
        ClientInfo client = r.client;
        if (client.forwardedFor != null) {
            out.header("X-Forwarded-For", client.forwardedFor);
            out.header("X-Forwarded-Proto", client.scheme());
            if (client.authority != null && client.host != null) {
                out.header("X-Forwarded-Host", client.host.trim());
            }
        }
        if (!acceptEncoding) {
            // Without this the HTTP client would ask for gzip and decompress it for us: wasted work on a pass-through.
            out.header("Accept-Encoding", "identity");
        }
        if (r.headerOverrides != null) {
            out.override(r.headerOverrides); // before the session's own headers, which no override replaces
        }
        if (r.upstreamSession != null) {
            out.header(SessionRoute.SESSION_HEADER, r.upstreamSession);
        }
        if (r.lastEventIdForBackend != null) {
            out.header(SessionRoute.LAST_EVENT_ID, r.lastEventIdForBackend);
        }
        return out;
    }
}
