package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * The gateway's own answers: every refusal and failure becomes an HTTP status with a JSON-RPC error body (carrying the
 * request's id when it has one), a log line (WARN for 5xx; DEBUG for a client's mistake, 4xx and redirects, so that a hostile
 * client cannot flood the host's log, and for a session the client must re-create) and, where it has a reason, a listener call. Once an {@link EarlyAnswer} is out, the error becomes
 * the last event of that stream instead. One per gateway, stateless.
 */
final class Answers {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);

    private final GatewayListener listener;
    private final int retryAfterSeconds;

    Answers(GatewayListener listener, int retryAfterSeconds) {
        this.listener = listener;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /**
     * The level of the log line of an answer with this status: WARN for the gateway's or a backend's failure (5xx),
     * DEBUG for everything a client's request caused (per-request client errors must not let one client fill the
     * host's log; the listener's {@code rejected} and {@code requestEnd} still see every one).
     */
    static Level level(int status) {
        return status >= 500 ? Level.WARN : Level.DEBUG;
    }

    /** A refusal with a status, a JSON-RPC error code and a message for the client; {@code logReason} for the log. */
    void reject(RequestState r, int code, int rpcCode, String message, String logReason) throws IOException {
        r.status = code;
        if (r.gatewayKind == null) {
            r.gatewayKind = kind(code);
        }
        log.atLevel(level(code)).log("{} for {} {}: {}", code, r.ex.method(), r.ex.path(), logReason);
        error(r, code, rpcCode, message);
    }

    /** An edge refusal: the listener hears why, then the client gets the answer. */
    void rejectEdge(
            RequestState r, GatewayListener.Rejection reason, int code, int rpcCode, String message, String logReason)
            throws IOException {
        listener.rejected(r, reason);
        r.gatewayKind = kind(reason, r);
        reject(r, code, rpcCode, message, logReason);
    }

    /** What an answer of the gateway's with this status stands for, when no more precise reason was given. */
    static Outcome.Kind kind(int status) {
        return switch (status) {
            case 401 -> Outcome.Kind.UNAUTHENTICATED;
            case 403 -> Outcome.Kind.FORBIDDEN;
            case 404 -> Outcome.Kind.SESSION_NOT_FOUND;
            case 429 -> Outcome.Kind.RATE_LIMITED;
            case 500 -> Outcome.Kind.INTERNAL_ERROR;
            case 502 -> Outcome.Kind.BACKEND_ERROR;
            case 503 -> Outcome.Kind.NO_BACKEND;
            case 504 -> Outcome.Kind.TIMEOUT;
            default -> status >= 500 ? Outcome.Kind.INTERNAL_ERROR : Outcome.Kind.INVALID_REQUEST;
        };
    }

    /** What a refusal for this reason stands for. */
    static Outcome.Kind kind(GatewayListener.Rejection reason, RequestState r) {
        return switch (reason) {
            case BULKHEAD_FULL -> Outcome.Kind.BULKHEAD_FULL;
            case NO_BACKEND, RETRY_BUDGET_EXHAUSTED ->
                r.circuitOpen ? Outcome.Kind.CIRCUIT_OPEN : Outcome.Kind.NO_BACKEND;
            case PANIC_FAIL_FAST -> Outcome.Kind.NO_BACKEND;
            case HTTPS_REQUIRED, HOST_NOT_ALLOWED, ORIGIN_NOT_ALLOWED, FORBIDDEN -> Outcome.Kind.FORBIDDEN;
            case UNAUTHENTICATED -> Outcome.Kind.UNAUTHENTICATED;
            case AUTHENTICATION_UNAVAILABLE -> Outcome.Kind.AUTHENTICATION_UNAVAILABLE;
            case RATE_LIMITED -> Outcome.Kind.RATE_LIMITED;
            case GATEWAY_CLOSED -> Outcome.Kind.GATEWAY_CLOSED;
        };
    }

    /** 429 with the JSON-RPC error's {@code data.retryAfterSeconds} (the Retry-After header is already set). */
    void rateLimited(RequestState r, long retryAfterSeconds, String logReason) throws IOException {
        listener.rejected(r, GatewayListener.Rejection.RATE_LIMITED);
        r.status = 429;
        r.gatewayKind = Outcome.Kind.RATE_LIMITED;
        r.hasRpcError = true;
        r.rpcError = JsonRpcErrors.RATE_LIMITED;
        log.atLevel(level(429)).log("429 for {} {}: {}", r.ex.method(), r.ex.path(), logReason);
        send(
                r,
                429,
                JsonRpcErrors.body(
                        r.idJson(),
                        JsonRpcErrors.RATE_LIMITED,
                        "Too Many Requests: retry after " + retryAfterSeconds + " s",
                        "{\"retryAfterSeconds\":" + retryAfterSeconds + "}"));
    }

    /** 503 with {@code Retry-After} and a JSON-RPC error, after telling the listener why. */
    void unavailable(RequestState r, GatewayListener.Rejection reason, String message, String logReason)
            throws IOException {
        listener.rejected(r, reason);
        r.gatewayKind = kind(reason, r);
        if (r.early == null || r.early.disarm()) { // not once the early stream is out: the error becomes its event
            r.ex.addResponseHeader("Retry-After", String.valueOf(retryAfterSeconds));
        }
        reject(r, 503, JsonRpcErrors.BACKEND_UNAVAILABLE, message, logReason);
    }

    /**
     * A GET stream of a draining gateway: refused with 503 and {@code Retry-After} if nothing was sent yet, else the
     * gateway's early stream just ends. Logged at DEBUG: a drain is no failure.
     */
    void drained(RequestState r) throws IOException {
        r.gatewayKind = Outcome.Kind.GATEWAY_CLOSED;
        log.debug("{} {}: the stream ends, the gateway is draining", r.ex.method(), r.ex.path());
        if (r.early == null || r.early.disarm()) {
            r.ex.addResponseHeader("Retry-After", String.valueOf(retryAfterSeconds));
            r.status = 503;
            error(r, 503, JsonRpcErrors.BACKEND_UNAVAILABLE, "Service Unavailable: the gateway is shutting down");
        } else {
            r.status = 200;
        }
    }

    /** 503: every candidate backend is at its connection limit. */
    void full(RequestState r, String why) throws IOException {
        unavailable(
                r,
                GatewayListener.Rejection.BULKHEAD_FULL,
                "Service Unavailable: every backend is at its connection limit",
                why);
    }

    /** 404 for a session the client must initialize again; {@code why} is logged at DEBUG. */
    void sessionNotFound(RequestState r, String why) throws IOException {
        r.status = 404;
        r.gatewayKind = Outcome.Kind.SESSION_NOT_FOUND;
        log.debug("404 for {} {}: {}", r.ex.method(), r.ex.path(), why);
        error(r, 404, JsonRpcErrors.SESSION_NOT_FOUND, "Session not found");
    }

    /** 404 because the session's backend is unavailable: a conforming client initializes again, elsewhere. */
    void sessionBackendGone(RequestState r, String logLine, Object... args) throws IOException {
        r.status = 404;
        r.gatewayKind = Outcome.Kind.SESSION_NOT_FOUND;
        log.info(logLine, args);
        error(r, 404, JsonRpcErrors.SESSION_NOT_FOUND, "Session not found (its backend is unavailable)");
    }

    /**
     * 502 for a backend whose TLS handshake or verification failed. The log line carries the whole reason (for a pin
     * mismatch, the pins the backend presented); the client learns only that the backend could not be verified.
     */
    void tlsFailed(RequestState r, String backend, AttemptFailure f) throws IOException {
        boolean verification = f.kind == AttemptFailure.Kind.TLS_VERIFICATION;
        r.gatewayKind = Outcome.Kind.TLS_ERROR;
        reject(
                r,
                502,
                JsonRpcErrors.BACKEND_ERROR,
                "Bad Gateway: backend TLS " + (verification ? "verification failed" : "handshake failed") + " for '"
                        + backend + "'",
                "backend TLS " + (verification ? "verification" : "handshake") + " failure: " + f.failure());
    }

    /** An answer with no body (a CORS preflight). */
    void empty(RequestState r, int code) throws IOException {
        r.status = code;
        try {
            r.ex.sendResponseHeaders(code, 0).close();
        } catch (IOException e) {
            throw new Relay.ClientGoneException(e);
        }
    }

    /** A JSON answer of the gateway's own (the health report). */
    void json(RequestState r, int code, byte[] json, boolean head) throws IOException {
        r.status = code;
        r.ex.addResponseHeader("Content-Type", "application/json");
        r.ex.addResponseHeader("Cache-Control", "no-store");
        try (OutputStream out = r.ex.sendResponseHeaders(code, json.length)) { // HEAD: the length GET would have
            if (!head) {
                out.write(json);
            }
        } catch (IOException e) {
            throw new Relay.ClientGoneException(e);
        }
    }

    private void error(RequestState r, int code, int rpcCode, String message) throws IOException {
        r.hasRpcError = true;
        r.rpcError = rpcCode;
        send(r, code, JsonRpcErrors.body(r.idJson(), rpcCode, message, null));
    }

    private void send(RequestState r, int code, byte[] bytes) throws IOException {
        if (r.early != null && !r.early.disarm()) {
            // the stream is out already: the error becomes its event (the log line says what the status would be)
            r.status = 200;
            lastEvent(r, new okio.Buffer().write(bytes));
            return;
        }
        r.ex.addResponseHeader("Content-Type", "application/json");
        r.ex.addResponseHeader("Cache-Control", "no-store");
        try (OutputStream out = r.ex.sendResponseHeaders(code, bytes.length)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new Relay.ClientGoneException(e);
        }
    }

    /** One JSON body as the early stream's last event (for a GET stream, which answers no request: its end). */
    static void lastEvent(RequestState r, okio.Buffer json) throws IOException {
        ClientStream out = requireNonNull(r.early, "only an early answer has a last event").stream();
        if (r.peek != null) {
            Relay.copyAsSseEvent(json, out);
        }
        closeEarly(r, out);
    }

    /** Ends the early stream; a failure to do so is the client's leaving unless the backend failed first. */
    static void closeEarly(RequestState r, ClientStream out) throws IOException {
        try {
            out.close();
        } catch (IOException e) {
            if (r.failure == null) {
                throw new Relay.ClientGoneException(e);
            }
        }
    }
}
