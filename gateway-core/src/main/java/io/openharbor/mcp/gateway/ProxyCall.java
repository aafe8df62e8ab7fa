package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.Call;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.AsyncTimeout;
import okio.BufferedSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through the gateway: checks, peek, session, routing, forwarding and relay. One instance per request,
 * used by one thread; it is also the {@link GatewayRequest} and {@link RoutingContext} handed to strategies and
 * listeners.
 */
final class ProxyCall implements GatewayRequest, RoutingContext {
    private static final Logger log = LoggerFactory.getLogger(Gateway.class);
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String LAST_EVENT_ID = "Last-Event-ID";
    private static final String ALLOW = "GET, POST, DELETE";
    /** The caller identity until authentication exists: everyone is the same anonymous caller. */
    private static final String ANONYMOUS = "";

    private final Gateway gw;
    final GatewayExchange ex;
    private final long startNanos;
    private final ClientInfo client;

    private McpPeek peek;
    /** The identity the authenticator gave, or null without authentication. */
    String caller;
    private String clientToken;
    private String upstreamSession;
    /** The backend the request must go to (from its session or its Last-Event-ID), or null to balance. */
    private BackendRuntime pinned;
    private String lastEventIdForBackend;
    /** Backends this request must not be sent to again: it failed on them, or found them full. */
    private boolean[] excluded;
    /** The backend whose failure {@code lastFailure} in {@link #forward} is, for the final answer. */
    private BackendRuntime lastFailed;
    /** This request's early stream answer, armed for slow backends on stateless revisions; or null. */
    private EarlyAnswer early;
    /** Times a request went out again because its pooled connection was found closed by the backend (at most 2). */
    private int staleRetries;
    /** Whether the backend chosen by {@link #choose} or {@link #acquirePinned} holds a breaker permit. */
    private boolean permit;

    int status;
    Throwable failure;

    ProxyCall(Gateway gw, GatewayExchange ex) {
        this.gw = gw;
        this.ex = ex;
        this.startNanos = System.nanoTime();
        this.client = ClientInfo.resolve(ex, gw.edge.policy);
    }

    void run() {
        gw.safeListener().requestStart(this);
        try {
            gw.edge.addSecurityHeaders(ex, client);
            if (gw.healthPath != null && gw.healthPath.equals(ex.path())) {
                // Exempt from HTTPS, Host, authentication and rate limits (load-balancer probes); a browser page of
                // another origin still may not read it.
                if (gw.edge.originAllowed(this, ex, client)) {
                    health();
                }
                return;
            }
            if (gw.closed) {
                rejectUnavailable(GatewayListener.Rejection.GATEWAY_CLOSED, "Service Unavailable: the gateway is"
                        + " shutting down", "gateway closed");
                return;
            }
            if (!gw.edge.admit(this, ex, client)) {
                return;
            }
            switch (ex.method()) {
                case "POST":
                    post();
                    break;
                case "GET":
                    get();
                    break;
                case "DELETE":
                    delete();
                    break;
                default:
                    ex.addResponseHeader("Allow", ALLOW);
                    reject(405, JsonRpcErrors.INVALID_REQUEST, "HTTP method " + ex.method() + " is not allowed; use "
                            + ALLOW, "method not allowed");
            }
        } catch (Relay.ClientGoneException e) {
            failure = e;
            log.debug("client went away during {} {}; its backend call is cancelled: {}", ex.method(), ex.path(),
                    e.getMessage());
        } catch (Throwable t) {
            failure = t;
            log.error("gateway failure on {} {}", ex.method(), ex.path(), t);
            if (status == 0) {
                try {
                    reject(500, JsonRpcErrors.INTERNAL_ERROR, "internal gateway error", "internal error");
                } catch (IOException | RuntimeException ignored) {
                    // the client is gone as well; nothing more to tell it
                }
            }
        } finally {
            gw.safeListener().requestEnd(this, status, Duration.ofNanos(System.nanoTime() - startNanos), failure);
        }
    }

    // ---- the three MCP methods ----

    private void post() throws IOException {
        List<String> accept = ex.requestHeaders("Accept");
        if (!HttpRules.accepts(accept, "application", "json") || !HttpRules.accepts(accept, "text", "event-stream")) {
            reject(406, JsonRpcErrors.INVALID_REQUEST,
                    "Not Acceptable: Accept must list both application/json and text/event-stream", "bad Accept");
            return;
        }
        if (!HttpRules.isJson(ex.requestHeader("Content-Type"))) {
            reject(415, JsonRpcErrors.INVALID_REQUEST,
                    "Unsupported Media Type: Content-Type must be application/json", "bad Content-Type");
            return;
        }
        byte[] body = readBody();
        if (body == null) {
            return;
        }
        peek = McpPeek.of(body, body.length, gw.jsonLimits);
        if (peek.problem == McpPeek.Problem.TOO_COMPLEX) {
            reject(400, JsonRpcErrors.INVALID_REQUEST, "Invalid Request: " + peek.problemDetail, "input limit: "
                    + peek.problemDetail);
            return;
        }
        if (peek.problem == McpPeek.Problem.PARSE_ERROR) {
            reject(400, JsonRpcErrors.PARSE_ERROR, "Parse error: " + peek.problemDetail, "malformed JSON");
            return;
        }
        if (peek.problem == McpPeek.Problem.INVALID_REQUEST) {
            reject(400, JsonRpcErrors.INVALID_REQUEST, "Invalid Request: " + peek.problemDetail, "not JSON-RPC");
            return;
        }
        if (gw.edge.rateLimiter != null && peek.tools != null) {
            for (String tool : peek.tools) {
                if (!gw.edge.withinLimit(this, ex, rateKey(), tool)) {
                    return;
                }
            }
        }
        if (!resolveSession()) {
            return;
        }
        resolveLastEventId();
        boolean retrySafe = peek.hasRequest && peek.allReadOnly;
        forwardMayAnswerEarly(body, retrySafe, earlyAnswerAllowed());
    }

    /** {@link #forward}, with an {@link EarlyAnswer} armed for the time the backend keeps its headers back, if allowed. */
    private void forwardMayAnswerEarly(byte[] body, boolean retrySafe, boolean earlyAllowed) throws IOException {
        if (earlyAllowed) {
            early = EarlyAnswer.arm(ex, gw.heartbeats);
        }
        try {
            forward(body, retrySafe);
        } finally {
            if (early != null) {
                early.end();
            }
        }
    }

    /**
     * Whether a slow answer may be replaced by a stream of the gateway's own ({@link EarlyAnswer}): with heartbeats on,
     * a single request other than {@code initialize} (whose answer's headers open the session).
     */
    private boolean earlyAnswerAllowed() {
        return gw.heartbeats != null && !peek.batch && peek.idJson != null && !"initialize".equals(peek.method);
    }

    private void get() throws IOException {
        if (!HttpRules.accepts(ex.requestHeaders("Accept"), "text", "event-stream")) {
            reject(406, JsonRpcErrors.INVALID_REQUEST, "Not Acceptable: Accept must list text/event-stream",
                    "bad Accept");
            return;
        }
        if (!resolveSession()) {
            return;
        }
        resolveLastEventId();
        forwardMayAnswerEarly(null, true, gw.heartbeats != null);
    }

    private void delete() throws IOException {
        if (!resolveSession()) {
            return;
        }
        forward(null, false);
    }

    /** The health report: GET or HEAD on the health path; 503 when no backend can serve. */
    private void health() throws IOException {
        if (!ex.method().equals("GET") && !ex.method().equals("HEAD")) {
            ex.addResponseHeader("Allow", "GET, HEAD");
            reject(405, JsonRpcErrors.INVALID_REQUEST, "HTTP method " + ex.method() + " is not allowed on the health"
                    + " endpoint; use GET", "method not allowed");
            return;
        }
        HealthReport report = gw.health();
        byte[] json = report.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        status = report.httpStatus();
        ex.addResponseHeader("Content-Type", "application/json");
        ex.addResponseHeader("Cache-Control", "no-store");
        boolean head = ex.method().equals("HEAD");
        try (OutputStream out = ex.sendResponseHeaders(status, json.length)) { // HEAD: the length GET would have
            if (!head) {
                out.write(json);
            }
        } catch (IOException e) {
            throw new Relay.ClientGoneException(e);
        }
    }

    // ---- request checks ----

    /** Reads the body within the size limit; answers 413 and returns null when it is larger. */
    private byte[] readBody() throws IOException {
        long limit = gw.maxRequestBodyBytes;
        String declared = ex.requestHeader("Content-Length");
        long expected = -1;
        if (declared != null) {
            try {
                expected = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                reject(400, JsonRpcErrors.INVALID_REQUEST, "Invalid Content-Length", "bad Content-Length");
                return null;
            }
            if (expected > limit) {
                rejectTooLarge(limit);
                return null;
            }
        }
        try (InputStream in = ex.requestBody()) {
            if (expected >= 0) {
                // The host server ends the stream at the declared length: read exactly that, with no copy.
                byte[] body = new byte[(int) expected];
                int len = in.readNBytes(body, 0, body.length);
                return len == body.length ? body : java.util.Arrays.copyOf(body, len);
            }
            byte[] buf = new byte[(int) Math.min(limit + 1, 16 * 1024)];
            int len = 0;
            while (true) {
                if (len == buf.length) {
                    if (len > limit) {
                        rejectTooLarge(limit);
                        return null;
                    }
                    buf = java.util.Arrays.copyOf(buf, (int) Math.min(limit + 1, (long) buf.length * 2));
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) break;
                len += n;
            }
            if (len > limit) {
                rejectTooLarge(limit);
                return null;
            }
            return len == buf.length ? buf : java.util.Arrays.copyOf(buf, len);
        }
    }

    private void rejectTooLarge(long limit) throws IOException {
        reject(413, JsonRpcErrors.INVALID_REQUEST, "Request body exceeds the limit of " + limit + " bytes",
                "body too large");
    }

    /** Decodes the session token, if any; answers 404 and returns false when it is not valid here. */
    private boolean resolveSession() throws IOException {
        String token = ex.requestHeader(SESSION_HEADER);
        if (token == null) {
            return true;
        }
        SessionTokens.Session s;
        try {
            s = gw.tokens.decode(token.trim(), sessionCaller());
        } catch (SessionTokens.InvalidTokenException e) {
            rejectSession("session token refused (" + e.failure.name().toLowerCase(Locale.ROOT) + ")");
            return false;
        }
        BackendRuntime br = s.pool.equals(gw.pool.name()) ? gw.byName(s.backend) : null;
        if (br == null) {
            rejectSession("session names pool '" + s.pool + "' backend '" + s.backend + "', which this gateway lacks");
            return false;
        }
        clientToken = token.trim();
        upstreamSession = s.upstreamSessionId;
        pinned = br;
        return true;
    }

    private void rejectSession(String why) throws IOException {
        status = 404;
        log.debug("404 for {} {}: {}", ex.method(), ex.path(), why);
        writeError(404, JsonRpcErrors.SESSION_NOT_FOUND, "Session not found");
    }

    /**
     * A {@code Last-Event-ID} sealed by this gateway (see {@link SessionTokens#sealEventId}) names the backend that owns
     * the stream and holds that backend's own event id, which is what is forwarded. On a session-less request it pins
     * the request to that backend; on a session request it must name the session's backend. Anything else is forwarded
     * as it came.
     */
    private void resolveLastEventId() {
        String id = ex.requestHeader(LAST_EVENT_ID);
        if (id == null) {
            return;
        }
        String[] opened = gw.tokens.openEventId(id.trim());
        BackendRuntime br = opened == null ? null : gw.byEventTag(opened[0]);
        if (br == null || (pinned != null && pinned != br)) {
            return;
        }
        pinned = br;
        lastEventIdForBackend = opened[1];
    }

    // ---- forwarding ----

    private void forward(byte[] body, boolean retrySafe) throws IOException {
        IOException lastFailure = null;
        if (pinned == null) {
            gw.retryBudget.onRequest();
        }
        for (int attempt = 1; ; attempt++) {
            BackendRuntime br = pinned != null ? acquirePinned() : choose(lastFailure);
            if (br == null) {
                return; // answered already
            }
            boolean permit = this.permit;
            gw.safeListener().backendSelected(this, br.backend, attempt);
            try {
                AttemptTracker tracker = new AttemptTracker();
                Request request;
                try {
                    request = buildRequest(br, body, tracker);
                } catch (IllegalArgumentException e) {
                    reject(400, JsonRpcErrors.INVALID_REQUEST, "Invalid request header: " + e.getMessage(),
                            "unforwardable header");
                    return;
                }
                Call call = br.client.newCall(request);
                if (early != null) {
                    early.attempt(call);
                }
                // The whole-request limit: disarmed in relay() when the answer turns out to be a stream.
                call.timeout().timeout(gw.requestTimeoutMillis, TimeUnit.MILLISECONDS);
                long sentAt = gw.ticker.read();
                Response response;
                try {
                    response = call.execute();
                } catch (IOException thrown) {
                    if (early != null && early.gone()) {
                        throw new Relay.ClientGoneException(new IOException("a heartbeat of the early answer could not"
                                + " be written", thrown));
                    }
                    if (tracker.staleConnection && !permit && staleRetries++ < 2 && !gw.closed) {
                        // Provably unsent: the pooled connection had been closed by the backend, so its other idle
                        // connections are suspect too. Not a failure of the backend (it may just have closed an idle
                        // connection): the request goes out again, on a new connection, without counting an attempt.
                        log.debug("backend {}: a pooled connection had been closed by the backend; nothing was sent;"
                                + " its idle connections are dropped and the request is sent on a new one",
                                br.backend.name());
                        br.client.connectionPool().evictAll();
                        attempt--;
                        continue;
                    }
                    IOException e = thrown;
                    if (tracker.inHandshake && !(e instanceof SSLException)) {
                        // A reset or broken pipe during the handshake (a server refusing our client certificate
                        // over TLS 1.2 closes the connection): a TLS failure, reported as one.
                        e = new SSLHandshakeException("TLS handshake with the backend failed: " + thrown);
                        e.initCause(thrown);
                    }
                    gw.poolRuntime.recordOutcome(br, 0, 0, permit);
                    boolean nothingSent = !tracker.requestSent || tracker.staleConnection;
                    if (!(e instanceof SSLException) && !isTimeout(e)) {
                        // The first sign that the backend is gone (refused, reset, closed): its other idle connections
                        // most likely lead to the same dead process, and a request written to one would fail with
                        // nobody having received it. They are dropped; new connections find out for certain.
                        br.client.connectionPool().evictAll();
                    }
                    boolean mayRetry = nothingSent || (retrySafe && !tracker.responseStarted);
                    if (gw.closed) {
                        rejectUnavailable(GatewayListener.Rejection.GATEWAY_CLOSED, "Service Unavailable: the"
                                + " gateway is shutting down", "gateway closed during the call: " + e);
                        return;
                    }
                    if (pinned == null && mayRetry && attempt < gw.maxAttempts) {
                        exclude(br);
                        lastFailure = e;
                        lastFailed = br;
                        if (!candidateLeft()) {
                            log.info("backend {} failed before {} and no other backend is left to try: {}",
                                    br.backend.name(), nothingSent ? "any byte was sent" : "any answer", e.toString());
                            continue; // choose() answers 503 naming the failure
                        }
                        if (gw.retryBudget.tryRetry()) {
                            log.info("backend {} failed before {}; trying another: {}", br.backend.name(),
                                    nothingSent ? "any byte was sent" : "any answer", e.toString());
                            gw.safeListener().retry(this, br.backend, attempt + 1, e);
                            continue;
                        }
                        log.warn("backend {} failed and the retry budget is spent; not trying another", br.backend
                                .name());
                        gw.safeListener().rejected(this, GatewayListener.Rejection.RETRY_BUDGET_EXHAUSTED);
                    }
                    backendFailed(br, e, nothingSent);
                    return;
                }
                gw.poolRuntime.recordOutcome(br, response.code(), gw.ticker.read() - sentAt, permit);
                try (response) {
                    relay(br, call, response);
                }
                return;
            } finally {
                br.releaseSlot();
            }
        }
    }

    /**
     * The backend named by the session or the resumption id, with a bulkhead slot taken; null after answering 404 (the
     * session's backend is down and a conforming client re-initializes elsewhere) or 503 (its bulkhead is full).
     */
    private BackendRuntime acquirePinned() throws IOException {
        BackendRuntime br = pinned;
        PoolRuntime.Snapshot snap = gw.poolRuntime.snapshot();
        if (clientToken != null && (br.draining || (!snap.panic && !snap.available.holds(br)))) {
            return pinnedGone(br);
        }
        if (!br.tryAcquireSlot()) {
            rejectFull("the session's backend " + br.backend.name() + " has " + br.backend.maxConnections()
                    + " requests in flight");
            return null;
        }
        if (br.draining) {
            br.releaseSlot();
            if (clientToken != null) {
                return pinnedGone(br);
            }
            // a resumption GET of a session-less stream: its backend is leaving, so the stream cannot be resumed
            return unavailable(br);
        }
        // Half-open: a session request may be one of the trial requests; if none is left it goes anyway (it has
        // nowhere else to go) and its outcome is not counted by the breaker.
        permit = br.breaker != null && !snap.panic && br.breaker.tryAcquirePermit();
        return br;
    }

    private BackendRuntime pinnedGone(BackendRuntime br) throws IOException {
        status = 404;
        log.info("404 for {} {}: the session's backend {} is unavailable ({}); the client will re-initialize",
                ex.method(), ex.path(), br.backend.name(), unavailableReason(br));
        writeError(404, JsonRpcErrors.SESSION_NOT_FOUND, "Session not found (its backend is unavailable)");
        return null;
    }

    private BackendRuntime unavailable(BackendRuntime br) throws IOException {
        rejectUnavailable(GatewayListener.Rejection.NO_BACKEND, "Service Unavailable: no backend is available",
                "the stream's backend " + br.backend.name() + " is " + unavailableReason(br));
        return null;
    }

    private void backendFailed(BackendRuntime br, IOException e, boolean nothingSent) throws IOException {
        failure = e;
        if (clientToken != null && nothingSent) {
            // The session's replica is unreachable: a 404 makes a conforming client initialize again, elsewhere.
            status = 404;
            log.warn("backend {} of a session is unreachable ({}); answering 404 so the client re-initializes",
                    br.backend.name(), e.toString());
            writeError(404, JsonRpcErrors.SESSION_NOT_FOUND, "Session not found (its backend is unavailable)");
            return;
        }
        if (isTimeout(e) && !nothingSent) {
            reject(504, JsonRpcErrors.BACKEND_TIMEOUT, "Gateway Timeout: backend '" + br.backend.name()
                    + "' did not answer in time", "backend timeout: " + e);
        } else if (e instanceof SSLException) {
            rejectTls(br, (SSLException) e);
        } else {
            reject(502, JsonRpcErrors.BACKEND_ERROR, "Bad Gateway: backend '" + br.backend.name() + "' failed",
                    "backend failure: " + e);
        }
    }

    /**
     * 502 for a backend whose TLS handshake or verification failed. The log line carries the whole reason (for a pin
     * mismatch, the pins the backend presented); the client learns only that the backend could not be verified.
     */
    private void rejectTls(BackendRuntime br, SSLException e) throws IOException {
        boolean verification = e instanceof SSLPeerUnverifiedException || hasCause(e, CertificateException.class);
        reject(502, JsonRpcErrors.BACKEND_ERROR, "Bad Gateway: backend TLS " + (verification ? "verification failed"
                : "handshake failed") + " for '" + br.backend.name() + "'", "backend TLS " + (verification
                        ? "verification" : "handshake") + " failure: " + e);
    }

    private static boolean isTimeout(IOException e) {
        return e instanceof SocketTimeoutException
                || (e instanceof InterruptedIOException && "timeout".equals(e.getMessage()));
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String unavailableReason(BackendRuntime br) {
        if (br.removed) return "removed from the pool";
        if (br.draining) return "draining";
        if (!br.healthy) return "failing health checks";
        if (br.ejected) return "ejected";
        return "circuit open";
    }

    private void exclude(BackendRuntime br) {
        if (excluded == null || br.index >= excluded.length) {
            int size = Math.max(gw.poolRuntime.indexBound(), br.index + 1);
            excluded = excluded == null ? new boolean[size] : Arrays.copyOf(excluded, size);
        }
        excluded[br.index] = true;
    }

    /** Whether a backend this request has not been excluded from is routable now. */
    private boolean candidateLeft() {
        Candidates.Live base = gw.poolRuntime.routable(gw.poolRuntime.snapshot());
        return !(excluded == null ? base : base.without(excluded)).isEmpty();
    }

    private void rejectFull(String why) throws IOException {
        rejectUnavailable(GatewayListener.Rejection.BULKHEAD_FULL,
                "Service Unavailable: every backend is at its connection limit", why);
    }

    /** 503 with {@code Retry-After} and a JSON-RPC error, after telling the listener why. */
    private void rejectUnavailable(GatewayListener.Rejection reason, String message, String logReason)
            throws IOException {
        gw.safeListener().rejected(this, reason);
        if (early == null || early.disarm()) { // not once the early stream is out: the error becomes its event
            ex.addResponseHeader("Retry-After", String.valueOf(gw.retryAfterSeconds));
        }
        reject(503, JsonRpcErrors.BACKEND_UNAVAILABLE, message, logReason);
    }

    /**
     * Asks the pool's balancer for an available backend that this request has not failed on or found full, and takes
     * a bulkhead slot and (outside panic) a breaker permit on it. Returns null after answering 503 when none is left.
     */
    private BackendRuntime choose(IOException lastFailure) throws IOException {
        PoolRuntime.Snapshot snap = gw.poolRuntime.snapshot();
        if (snap.panic && gw.pool.failFastInPanic()) {
            rejectUnavailable(GatewayListener.Rejection.PANIC_FAIL_FAST,
                    "Service Unavailable: no backend is available", "pool in panic, failing fast");
            return null;
        }
        Candidates.Live base = gw.poolRuntime.routable(snap);
        boolean full = false;
        while (true) {
            Candidates.Live candidates = excluded == null ? base : base.without(excluded);
            if (candidates.isEmpty()) {
                if (full) {
                    rejectFull("every candidate backend is at its connection limit");
                    return null;
                }
                failure = lastFailure;
                if (lastFailure instanceof SSLException && lastFailed != null) {
                    // Every backend tried refused TLS verification (or its handshake): a configuration problem, not
                    // an outage; say so, as for a single attempt.
                    rejectTls(lastFailed, (SSLException) lastFailure);
                    return null;
                }
                rejectUnavailable(GatewayListener.Rejection.NO_BACKEND, "Service Unavailable: no backend is available",
                        lastFailure == null ? "no backend available" : "every backend failed: " + lastFailure);
                return null;
            }
            BackendRuntime br = pick(candidates);
            if (!br.tryAcquireSlot()) {
                full = true;
                exclude(br);
                continue;
            }
            if (br.draining) {
                // Its drain began after the snapshot was taken: the drain may already count on it being idle.
                br.releaseSlot();
                exclude(br);
                continue;
            }
            permit = false;
            if (br.breaker != null && !snap.panic) {
                if (!br.breaker.tryAcquirePermit()) {
                    // half-open and its trial requests are taken: another backend it is
                    br.releaseSlot();
                    exclude(br);
                    continue;
                }
                permit = true;
            }
            return br;
        }
    }

    private BackendRuntime pick(Candidates.Live candidates) {
        if (candidates.size() == 1) {
            return candidates.runtimes[0];
        }
        Backend picked;
        try {
            picked = gw.pool.loadBalancer().pick(candidates, this);
        } catch (RuntimeException e) {
            log.warn("load balancer {} threw; using the first candidate", gw.pool.loadBalancer(), e);
            return candidates.runtimes[0];
        }
        // Resolved among the candidates, not the pool's current members: a backend removed while the balancer ran is
        // still the runtime it picked, and the draining check after its slot sends the request elsewhere.
        BackendRuntime br = picked == null ? null : candidates.find(picked);
        if (br == null) {
            log.warn("load balancer returned {}, which is not a candidate; using the first candidate", picked);
            return candidates.runtimes[0];
        }
        return br;
    }

    private Request buildRequest(BackendRuntime br, byte[] body, AttemptTracker tracker) {
        Headers.Builder headers = new Headers.Builder();
        List<String> connectionTokens = HttpRules.connectionTokens(ex.requestHeaders("Connection"));
        boolean acceptEncoding = false;
        for (String name : ex.requestHeaderNames()) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (HttpRules.dropRequestHeader(lower, connectionTokens)) continue;
            if (lower.equals("mcp-session-id")) continue;
            if (lower.equals("last-event-id") && lastEventIdForBackend != null) continue;
            if (gw.edge.dropRequestHeader(lower)) continue;
            if (lower.equals("accept-encoding")) acceptEncoding = true;
            for (String value : ex.requestHeaders(name)) {
                if (HttpRules.hasLineBreak(value)) {
                    throw new IllegalArgumentException("line break or NUL in the value of " + name);
                }
                headers.addUnsafeNonAscii(name, value);
            }
        }
        if (client.forwardedFor != null) {
            headers.add("X-Forwarded-For", client.forwardedFor);
            headers.add("X-Forwarded-Proto", client.scheme());
            if (client.authority != null) {
                headers.add("X-Forwarded-Host", client.host.trim());
            }
        }
        if (!acceptEncoding) {
            // Without this OkHttp would ask for gzip and decompress it for us: wasted work on a pass-through.
            headers.add("Accept-Encoding", "identity");
        }
        if (upstreamSession != null) {
            headers.add(SESSION_HEADER, upstreamSession);
        }
        if (lastEventIdForBackend != null) {
            headers.addUnsafeNonAscii(LAST_EVENT_ID, lastEventIdForBackend);
        }
        Request.Builder rb = new Request.Builder().url(br.urlWithQuery(ex.query())).headers(headers.build())
                .tag(BackendRuntime.class, br);
        switch (ex.method()) {
            case "POST":
                rb.post(RequestBody.create(body, (MediaType) null, 0, body.length));
                break;
            case "DELETE":
                rb.delete(null);
                break;
            default:
                rb.get();
        }
        if (early != null) {
            rb.tag(EarlyAnswer.class, early); // how the heartbeat clock finds an exchange still waiting
        }
        return rb.tag(AttemptTracker.class, tracker).build();
    }

    // ---- relay ----

    private void relay(BackendRuntime br, Call call, Response response) throws IOException {
        if (early != null && !early.disarm()) {
            relayIntoEarlyAnswer(br, call, response);
            return;
        }
        int code = response.code();
        Headers headers = response.headers();
        List<String> connectionTokens = HttpRules.connectionTokens(headers.values("Connection"));
        String upstreamSid = null;
        boolean encoded = false;
        for (int i = 0, n = headers.size(); i < n; i++) {
            String name = headers.name(i);
            String lower = name.toLowerCase(Locale.ROOT);
            if (HttpRules.dropResponseHeader(lower, connectionTokens)) continue;
            if (gw.edge.ownsResponseHeader(lower)) continue;
            if (lower.equals("mcp-session-id")) {
                upstreamSid = headers.value(i);
                continue;
            }
            if (lower.equals("content-encoding")) encoded = true;
            ex.addResponseHeader(name, headers.value(i));
        }
        if (upstreamSid != null) {
            String token = upstreamSid.equals(upstreamSession)
                    ? clientToken
                    : gw.tokens.encode(gw.pool.name(), br.backend.name(), upstreamSid, sessionCaller());
            ex.addResponseHeader(SESSION_HEADER, token);
        }
        ResponseBody body = response.body();
        status = code;
        if (code == 204 || code == 304 || code < 200) {
            ex.sendResponseHeaders(code, 0).close();
            return;
        }
        MediaType type = body.contentType();
        boolean sse = type != null && type.type().equals("text") && type.subtype().equals("event-stream");
        if (sse) {
            releaseWholeRequestLimit(call);
        }
        BufferedSource source = body.source();
        if (!sse && code >= 400 && upstreamSession != null && !encoded) {
            byte[] scrubbed = withoutUpstreamSession(source, body.contentLength());
            if (scrubbed != null) {
                try (OutputStream o = ex.sendResponseHeaders(code, scrubbed.length)) {
                    o.write(scrubbed);
                } catch (IOException e) {
                    throw new Relay.ClientGoneException(e);
                }
                return;
            }
        }
        OutputStream out;
        try {
            long length = sse ? -1 : body.contentLength();
            out = ex.sendResponseHeaders(code, length);
        } catch (IOException e) {
            throw new Relay.ClientGoneException(e);
        }
        ClientStream stream = null;
        ScheduledFuture<?> beating = null;
        if (sse && gw.heartbeats != null && !encoded) {
            // Heartbeats find a client that left while the backend is silent; the backend call is then cancelled,
            // which ends the read below and releases the connection and the slot. (Not into a compressed body, where
            // a comment line would corrupt the stream.)
            stream = new ClientStream(out);
            stream.onGone(call::cancel);
            out = stream;
            beating = gw.heartbeats.watch(stream);
        }
        try {
            if (sse && !encoded) {
                copyEventStream(br, source, out);
            } else if (sse) {
                source.timeout().timeout(gw.streamIdleTimeoutMillis, TimeUnit.MILLISECONDS);
                Relay.copy(source, out); // a compressed stream's lines cannot be read: its ids pass as they are
            } else {
                Relay.copy(source, out);
            }
        } catch (Relay.ClientGoneException e) {
            call.cancel();
            throw e;
        } catch (IOException e) {
            if (stream != null && stream.gone()) {
                // a heartbeat found the client gone and cancelled the call: the read failed because of that
                throw new Relay.ClientGoneException(new IOException("a heartbeat could not be written", e));
            }
            // The backend failed mid-body: the status is already sent, so all that is left is to end the stream.
            failure = e;
            log.warn("backend {} failed while relaying a {} body: {}", br.backend.name(), sse ? "SSE" : "response",
                    e.toString());
        } finally {
            if (stream != null) {
                stream.end();
            }
            if (beating != null) {
                beating.cancel(false);
            }
        }
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                throw new Relay.ClientGoneException(e);
            }
            // After a backend failure mid-body the host may refuse to close a short fixed-length body: the client
            // sees a truncated answer, and the backend failure is what gets reported.
        }
    }

    /**
     * The backend's answer written into the early stream: its events, its JSON answer as one event, or for any other
     * answer the backend's own JSON error body (when it sent a small one) or the gateway's, as an event.
     */
    private void relayIntoEarlyAnswer(BackendRuntime br, Call call, Response response) throws IOException {
        status = 200;
        int code = response.code();
        ResponseBody body = response.body();
        MediaType type = body.contentType();
        boolean sse = type != null && type.type().equals("text") && type.subtype().equals("event-stream");
        boolean json = type != null && type.subtype().equals("json");
        boolean encoded = response.header("Content-Encoding") != null;
        BufferedSource source = body.source();
        ClientStream out = early.stream();
        try {
            if (code == 200 && sse && !encoded) {
                releaseWholeRequestLimit(call);
                copyEventStream(br, source, out);
            } else if (peek == null) {
                // a GET stream: no request to answer; ending the stream sends the client back to meet the answer
                log.info("backend {} answered {} to {} {} after the gateway's stream was out; the stream ends",
                        br.backend.name(), code, ex.method(), ex.path());
            } else if (code == 200 && json && !encoded) {
                Relay.copyAsSseEvent(source, out);
            } else {
                long length = body.contentLength();
                okio.Buffer answer = new okio.Buffer();
                if (json && !encoded && smallBodyBuffered(source, length)) {
                    answer.write(source.getBuffer(), length); // the backend's own JSON-RPC error
                } else {
                    answer.write(JsonRpcErrors.body(peek.idJson, JsonRpcErrors.BACKEND_ERROR, "Bad Gateway: backend '"
                            + br.backend.name() + "' answered HTTP " + code + (encoded ? " with a compressed body,"
                                    + " which cannot go into the gateway's stream" : ""), null));
                }
                log.info("backend {} answered {} to {} {} after the gateway's stream was out; sent as an event",
                        br.backend.name(), code, ex.method(), ex.path());
                Relay.copyAsSseEvent(answer, out);
            }
        } catch (Relay.ClientGoneException e) {
            call.cancel();
            throw e;
        } catch (IOException e) {
            if (out.gone()) {
                throw new Relay.ClientGoneException(new IOException("a heartbeat could not be written", e));
            }
            failure = e;
            log.warn("backend {} failed while relaying into the gateway's stream: {}", br.backend.name(), e.toString());
        }
        closeEarlyAnswer(out);
    }

    /** One JSON body as the early stream's last event (for a GET stream, which answers no request: its end). */
    private void writeIntoEarlyAnswer(okio.Buffer json) throws IOException {
        ClientStream out = early.stream();
        if (peek != null) {
            Relay.copyAsSseEvent(json, out);
        }
        closeEarlyAnswer(out);
    }

    private void closeEarlyAnswer(ClientStream out) throws IOException {
        try {
            out.close();
        } catch (IOException e) {
            if (failure == null) {
                throw new Relay.ClientGoneException(e);
            }
        }
    }

    /** Longest error answer that is searched for the upstream session id, or put into an early answer as it is. */
    private static final int MAX_SCRUBBED_ERROR = 64 * 1024;

    /** Whether the body has a known length of at most {@link #MAX_SCRUBBED_ERROR} and is now wholly buffered. */
    private static boolean smallBodyBuffered(BufferedSource source, long length) throws IOException {
        return length >= 0 && length <= MAX_SCRUBBED_ERROR && source.request(length);
    }

    /**
     * A stream may legitimately outlive the whole-request limit (a long tool call sending progress): from here on only
     * the idle gap between events limits it.
     */
    private static void releaseWholeRequestLimit(Call call) {
        if (call.timeout() instanceof AsyncTimeout) {
            ((AsyncTimeout) call.timeout()).exit();
        }
    }

    /** Relays an uncompressed SSE body with its event ids sealed, limited by the stream idle timeout. */
    private void copyEventStream(BackendRuntime br, BufferedSource source, OutputStream out) throws IOException {
        source.timeout().timeout(gw.streamIdleTimeoutMillis, TimeUnit.MILLISECONDS);
        Relay.copySseSealingIds(source, out, (id, off, len) -> gw.tokens.sealEventId(br.eventTag, id, off, len));
    }

    /**
     * An error answer of a session's backend with every occurrence of the backend's own session id replaced by the
     * client's token ({@code "Session not found: <id>"} is what SDK servers say), or null when there is none or the body
     * is not a small one of known length (then it is relayed untouched). The client never learns upstream session ids.
     */
    private byte[] withoutUpstreamSession(BufferedSource source, long length) throws IOException {
        if (upstreamSession.isEmpty() || !smallBodyBuffered(source, length)) {
            return null; // (shorter than announced: relayed as it is, the host reports the truncation)
        }
        okio.ByteString upstream = okio.ByteString.encodeUtf8(upstreamSession);
        okio.Buffer buf = source.getBuffer();
        if (buf.indexOf(upstream) < 0) {
            return null;
        }
        String text = buf.readUtf8(length);
        return text.replace(upstreamSession, clientToken).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    // ---- answers of the gateway's own ----

    /** The key of the caller's rate limits: its identity, or its address when unauthenticated. */
    String rateKey() {
        return caller != null ? caller : "ip:" + client.address;
    }

    /** What session tokens are bound to: the caller's identity, or the same "anonymous" for everyone. */
    private String sessionCaller() {
        return caller != null ? caller : ANONYMOUS;
    }

    /** An edge refusal: the listener hears why, then the client gets the answer. */
    void rejectEdge(GatewayListener.Rejection reason, int code, int rpcCode, String message, String logReason)
            throws IOException {
        gw.safeListener().rejected(this, reason);
        reject(code, rpcCode, message, logReason);
    }

    /** 429 with the JSON-RPC error's {@code data.retryAfterSeconds} (the Retry-After header is already set). */
    void rejectRateLimited(long retryAfterSeconds, String logReason) throws IOException {
        gw.safeListener().rejected(this, GatewayListener.Rejection.RATE_LIMITED);
        status = 429;
        log.info("429 for {} {}: {}", ex.method(), ex.path(), logReason);
        byte[] bytes = JsonRpcErrors.body(peek == null ? null : peek.idJson, JsonRpcErrors.RATE_LIMITED,
                "Too Many Requests: retry after " + retryAfterSeconds + " s", "{\"retryAfterSeconds\":"
                        + retryAfterSeconds + "}");
        send(429, bytes);
    }

    /** An answer with no body (a CORS preflight). */
    void answerEmpty(int code) throws IOException {
        status = code;
        try {
            ex.sendResponseHeaders(code, 0).close();
        } catch (IOException e) {
            throw new Relay.ClientGoneException(e);
        }
    }

    void reject(int code, int rpcCode, String message, String logReason) throws IOException {
        status = code;
        if (code >= 500) {
            log.warn("{} for {} {}: {}", code, ex.method(), ex.path(), logReason);
        } else {
            log.info("{} for {} {}: {}", code, ex.method(), ex.path(), logReason);
        }
        writeError(code, rpcCode, message);
    }

    private void writeError(int code, int rpcCode, String message) throws IOException {
        send(code, JsonRpcErrors.body(peek == null ? null : peek.idJson, rpcCode, message, null));
    }

    private void send(int code, byte[] bytes) throws IOException {
        if (early != null && !early.disarm()) {
            // the stream is out already: the error becomes its event (the log line says what the status would be)
            status = 200;
            writeIntoEarlyAnswer(new okio.Buffer().write(bytes));
            return;
        }
        ex.addResponseHeader("Content-Type", "application/json");
        ex.addResponseHeader("Cache-Control", "no-store");
        try (OutputStream out = ex.sendResponseHeaders(code, bytes.length)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new Relay.ClientGoneException(e);
        }
    }

    // ---- GatewayRequest and RoutingContext ----

    @Override
    public String httpMethod() {
        return ex.method();
    }

    @Override
    public String rpcMethod() {
        return peek == null || peek.batch ? null : peek.method;
    }

    @Override
    public String toolName() {
        return peek == null ? null : peek.toolName;
    }

    @Override
    public boolean isBatch() {
        return peek != null && peek.batch;
    }

    @Override
    public boolean hasSession() {
        return clientToken != null;
    }

    @Override
    public String header(String name) {
        return ex.requestHeader(name);
    }

    @Override
    public List<String> headers(String name) {
        return ex.requestHeaders(name);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return ex.remoteAddress();
    }

    @Override
    public InetSocketAddress clientAddress() {
        return client.socketAddress;
    }

    @Override
    public boolean isSecure() {
        return client.secure;
    }

    @Override
    public String caller() {
        return caller;
    }

    @Override
    public List<java.security.cert.X509Certificate> clientCertificates() {
        return ex.clientCertificates();
    }

    @Override
    public GatewayRequest request() {
        return this;
    }

    @Override
    public int inFlight(Backend backend) {
        BackendRuntime br = gw.runtimeOf(backend);
        return br == null ? 0 : br.inFlight.get();
    }

    @Override
    public double latencyNanos(Backend backend) {
        BackendRuntime br = gw.runtimeOf(backend);
        return br == null ? 0 : br.latencyNanos();
    }

    @Override
    public double weight(Backend backend) {
        BackendRuntime br = gw.runtimeOf(backend);
        return br == null ? backend.weight() : br.effectiveWeight();
    }

    @Override
    public RandomGenerator random() {
        return gw.random;
    }
}
