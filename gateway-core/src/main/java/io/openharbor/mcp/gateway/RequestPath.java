package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request path, stage by stage: the edge checks, the body and its peek, the session route, then forwarding (the
 * router, the transport and the relay), with the gateway's own answers wherever a stage refuses. This class only
 * orders the stages; each is a file of its own. One per gateway; the state of one request is its {@link RequestState}.
 */
final class RequestPath {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);
    private static final String ALLOW = "GET, POST, DELETE";

    private final Edge edge;
    private final BodyReader bodies;
    private final McpPeek.Limits jsonLimits;
    private final SessionRoute sessions;
    private final Forwarder forwarder;
    private final Answers answers;
    private final GatewayListener listener;
    private final PoolRuntime pool;
    private final RandomGenerator random;
    private final @Nullable String healthPath;
    private final Supplier<HealthReport> health;
    private final @Nullable WellKnown wellKnown;
    /** Whether slow answers may become early streams (heartbeats are on). */
    private final @Nullable Heartbeats heartbeats;
    /** The router stage of a federation, or null when the gateway fronts one pool. */
    private final @Nullable FederatedPath federated;
    /** Makes each exchange's listener, or null when nobody listens. */
    private final ExchangeListener.@Nullable Factory exchanges;
    /** The names backends listed, learned while someone listens. */
    private final ListedNames listed = new ListedNames();
    /** Set when the gateway closes: requests get 503. */
    volatile boolean closed;

    /** Set once the gateway drains: new GET streams are refused, open ones end. */
    private volatile boolean draining;

    /**
     * The GET streams of one pool being served: they carry no request, so a draining gateway ends them at once (a
     * federation's merged streams are ended by {@link Federation#close()}).
     */
    private final Set<RequestState> listening = ConcurrentHashMap.newKeySet();

    RequestPath(
            Edge edge,
            BodyReader bodies,
            McpPeek.Limits jsonLimits,
            SessionRoute sessions,
            Forwarder forwarder,
            Answers answers,
            GatewayListener listener,
            PoolRuntime pool,
            RandomGenerator random,
            @Nullable String healthPath,
            Supplier<HealthReport> health,
            @Nullable WellKnown wellKnown,
            @Nullable Heartbeats heartbeats,
            @Nullable FederatedPath federated,
            ExchangeListener.@Nullable Factory exchanges) {
        this.exchanges = exchanges;
        this.edge = edge;
        this.bodies = bodies;
        this.jsonLimits = jsonLimits;
        this.sessions = sessions;
        this.forwarder = forwarder;
        this.answers = answers;
        this.listener = listener;
        this.pool = pool;
        this.random = random;
        this.healthPath = healthPath;
        this.health = health;
        this.wellKnown = wellKnown;
        this.heartbeats = heartbeats;
        this.federated = federated;
    }

    void handle(GatewayExchange ex) {
        RequestState r = new RequestState(ex, ClientInfo.resolve(ex, edge.policy), pool, random);
        listener.requestStart(r);
        try {
            edge.addSecurityHeaders(ex, r.client);
            if (healthPath != null && healthPath.equals(ex.path())) {
                // Exempt from HTTPS, Host, authentication and rate limits (load-balancer probes); a browser page of
                // another origin still may not read it.
                if (edge.originAllowed(r)) {
                    health(r);
                }
                return; // not an exchange of MCP's: no exchange events
            }
            if (wellKnown != null && wellKnown.serves(ex.path())) {
                wellKnown.serve(r); // public: exempt from every edge rule
                return;
            }
            r.serverKnown = federated == null;
            if (exchanges != null) {
                r.events = ExchangeEvents.start(exchanges, listed, r);
            }
            if (closed) {
                answers.unavailable(
                        r,
                        GatewayListener.Rejection.GATEWAY_CLOSED,
                        "Service Unavailable: the gateway is shutting down",
                        "gateway closed");
                return;
            }
            if (!edge.admit(r)) {
                return;
            }
            switch (ex.method()) {
                case "POST" -> post(r);
                case "GET" -> get(r);
                case "DELETE" -> {
                    if (federated != null) {
                        federated.delete(r);
                    } else if (sessions.session(r)) {
                        forwarder.forward(r, null, false);
                    }
                }
                default -> {
                    ex.addResponseHeader("Allow", ALLOW);
                    answers.reject(
                            r,
                            405,
                            JsonRpcErrors.INVALID_REQUEST,
                            "HTTP method " + ex.method() + " is not" + " allowed; use " + ALLOW,
                            "method not allowed");
                }
            }
        } catch (Relay.ClientGoneException e) {
            r.failure = e;
            r.clientGone = true;
            log.debug(
                    "client went away during {} {}; its backend call is cancelled: {}",
                    ex.method(),
                    ex.path(),
                    e.getMessage());
        } catch (RejectedExecutionException e) {
            if (!closed) {
                failed(r, ex, e); // an executor that refuses work while the gateway runs is a failure of its own
            } else {
                // close() overtook this request after its closed check: the executor it needs is shut down. The same
                // answer as a request that arrived after close().
                log.debug("{} {}: the gateway closed while the request was under way", ex.method(), ex.path());
                unavailableClosing(r);
            }
        } catch (Throwable t) {
            failed(r, ex, t);
        } finally {
            listener.requestEnd(r, r.status, Duration.ofNanos(System.nanoTime() - r.startNanos), r.failure);
            if (r.events != null) {
                r.events.end();
            }
        }
    }

    /** A failure of the gateway's own: logged with its stack trace, and a 500 if nothing was answered yet. */
    private void failed(RequestState r, GatewayExchange ex, Throwable t) {
        r.failure = t;
        log.error("gateway failure on {} {}", ex.method(), ex.path(), t);
        if (r.status == 0) {
            try {
                answers.reject(r, 500, JsonRpcErrors.INTERNAL_ERROR, "internal gateway error", "internal error");
            } catch (IOException | RuntimeException ignored) {
                // the client is gone as well; nothing more to tell it
            }
        }
    }

    /** The answer to a request that close() overtook: as for one that arrived after it, if nothing is out yet. */
    private void unavailableClosing(RequestState r) {
        if (r.status != 0) {
            return; // an answer is out already; the stream ends
        }
        try {
            answers.unavailable(
                    r,
                    GatewayListener.Rejection.GATEWAY_CLOSED,
                    "Service Unavailable: the gateway is shutting down",
                    "gateway closed");
        } catch (IOException | RuntimeException ignored) {
            // the client is gone as well
        }
    }

    private void post(RequestState r) throws IOException {
        GatewayExchange ex = r.ex;
        List<String> accept = ex.requestHeaders("Accept");
        if (!HttpRules.accepts(accept, "application", "json") || !HttpRules.accepts(accept, "text", "event-stream")) {
            answers.reject(
                    r,
                    406,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Not Acceptable: Accept must list both application/json and text/event-stream",
                    "bad Accept");
            return;
        }
        if (!HttpRules.isJson(ex.requestHeader("Content-Type"))) {
            answers.reject(
                    r,
                    415,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Unsupported Media Type: Content-Type must be application/json",
                    "bad Content-Type");
            return;
        }
        byte[] body = bodies.read(r);
        if (body == null) {
            return;
        }
        McpPeek peek = McpPeek.of(body, body.length, jsonLimits);
        r.peek = peek;
        if (peek.problem == McpPeek.Problem.TOO_COMPLEX) {
            answers.reject(
                    r,
                    400,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Invalid Request: " + peek.problemDetail,
                    "input limit: " + peek.problemDetail);
            return;
        }
        if (peek.problem == McpPeek.Problem.PARSE_ERROR) {
            answers.reject(r, 400, JsonRpcErrors.PARSE_ERROR, "Parse error: " + peek.problemDetail, "malformed JSON");
            return;
        }
        if (peek.problem == McpPeek.Problem.INVALID_REQUEST) {
            answers.reject(
                    r, 400, JsonRpcErrors.INVALID_REQUEST, "Invalid Request: " + peek.problemDetail, "not JSON-RPC");
            return;
        }
        if (edge.rateLimiter != null && peek.tools != null) {
            for (String tool : peek.tools) {
                if (!edge.withinLimit(r, r.rateKey(), tool)) {
                    return;
                }
            }
        }
        if (federated != null) {
            federated.post(r, body, peek);
            return;
        }
        if (!sessions.session(r)) {
            return;
        }
        sessions.lastEventId(r);
        // A slow answer may become a stream of the gateway's own; not for initialize, whose answer's headers open the
        // session, nor for a batch or a notification.
        boolean early = heartbeats != null && !peek.batch && peek.idJson != null && !"initialize".equals(peek.method);
        forwardMayAnswerEarly(r, body, peek.hasRequest && peek.allReadOnly, early);
    }

    private void get(RequestState r) throws IOException {
        if (!HttpRules.accepts(r.ex.requestHeaders("Accept"), "text", "event-stream")) {
            answers.reject(
                    r,
                    406,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Not Acceptable: Accept must list" + " text/event-stream",
                    "bad Accept");
            return;
        }
        if (draining) {
            answers.drained(r);
            return;
        }
        if (federated != null) {
            federated.get(r);
            return;
        }
        if (!sessions.session(r)) {
            return;
        }
        sessions.lastEventId(r);
        r.cancellation = new UpstreamCall.Cancellation();
        listening.add(r);
        try {
            if (draining) {
                r.drain(); // drained between the check and the add: the attempt is cancelled as it starts
            }
            forwardMayAnswerEarly(r, null, true, heartbeats != null);
        } finally {
            listening.remove(r);
        }
    }

    /**
     * The gateway drains: GET streams end now (no request waits on them; the client opens its next one elsewhere, and
     * what the backend would have sent on it stays with the backend's session), and new ones are refused with 503.
     * Requests in flight, streamed answers included, are not touched.
     */
    void endListeningStreams() {
        draining = true;
        for (RequestState r : listening) {
            r.drain();
        }
    }

    /** Forwards, with an {@link EarlyAnswer} armed for the time the backend keeps its headers back, if allowed. */
    private void forwardMayAnswerEarly(RequestState r, byte @Nullable [] body, boolean retrySafe, boolean earlyAllowed)
            throws IOException {
        if (earlyAllowed) {
            r.early = EarlyAnswer.arm(r.ex, requireNonNull(heartbeats, "early answers need heartbeats"));
        }
        try {
            forwarder.forward(r, body, retrySafe);
        } finally {
            if (r.early != null) {
                r.early.end();
            }
        }
    }

    /** The health report: GET or HEAD on the health path; 503 when no backend can serve. */
    private void health(RequestState r) throws IOException {
        String method = r.ex.method();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            r.ex.addResponseHeader("Allow", "GET, HEAD");
            answers.reject(
                    r,
                    405,
                    JsonRpcErrors.INVALID_REQUEST,
                    "HTTP method " + method + " is not allowed on the" + " health endpoint; use GET",
                    "method not allowed");
            return;
        }
        HealthReport report = health.get();
        answers.json(r, report.httpStatus(), report.toJson().getBytes(StandardCharsets.UTF_8), method.equals("HEAD"));
    }
}
