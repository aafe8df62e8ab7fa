package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How an exchange, or one upstream attempt of it, ended. Immutable. {@link #kind()} is a closed set;
 * {@link #errorType()} is its value for the {@code error.type} attribute of the MCP semantic conventions, of bounded
 * variety: {@code tool_error} for a tool's {@code isError: true}, the JSON-RPC error code ({@code -32602}) for an
 * error answer, the HTTP status ({@code 500}) for a backend's HTTP error without one, and the kind's lower-case name
 * otherwise ({@code timeout}, {@code circuit_open}, {@code bulkhead_full}, ...).
 *
 * @see ExchangeListener
 */
public final class Outcome {

    /** The closed set of outcomes. */
    public enum Kind {
        /** A result (or, for a notification or a stream, a normal end). */
        OK,
        /** A {@code tools/call} result with {@code isError: true}: the tool ran and failed. */
        TOOL_ERROR,
        /** A JSON-RPC error answer from a backend (its code is {@link #rpcErrorCode()}). */
        JSONRPC_ERROR,
        /** A backend's HTTP error status with no JSON-RPC error the gateway read. */
        HTTP_ERROR,
        /** The backend did not answer in time (504). */
        TIMEOUT,
        /** No backend could take the request because their circuit breakers are open (503). */
        CIRCUIT_OPEN,
        /** Every backend that could take the request was at its connection limit (503). */
        BULKHEAD_FULL,
        /** No backend was available (503), or the pool is in panic and fails fast. */
        NO_BACKEND,
        /** The connection to the backend failed, or it broke off its answer (502). */
        BACKEND_ERROR,
        /** The backend's TLS handshake or verification failed (502). */
        TLS_ERROR,
        /** The caller's rate limit is spent (429). */
        RATE_LIMITED,
        /** No or invalid credentials (401). */
        UNAUTHENTICATED,
        /** The credentials could not be checked: the authenticator's authorization server is out of reach (503). */
        AUTHENTICATION_UNAVAILABLE,
        /** Refused at the edge: forbidden caller, Host, Origin, or plain HTTP where HTTPS is required (403, 308). */
        FORBIDDEN,
        /** The session is unknown, expired or forged, or its backend left (404). */
        SESSION_NOT_FOUND,
        /** The gateway refused the request as malformed: JSON, JSON-RPC, headers, size (4xx). */
        INVALID_REQUEST,
        /** The client went away before the answer was out. */
        CLIENT_GONE,
        /** The gateway is shutting down (503). */
        GATEWAY_CLOSED,
        /** The gateway itself failed (500). */
        INTERNAL_ERROR
    }

    private final Kind kind;
    private final int status;
    private final @Nullable Integer rpcErrorCode;
    private final long durationNanos;
    private final long upstreamNanos;
    private final int attempts;
    private final @Nullable Throwable failure;

    Outcome(
            Kind kind,
            int status,
            @Nullable Integer rpcErrorCode,
            long durationNanos,
            long upstreamNanos,
            int attempts,
            @Nullable Throwable failure) {
        this.kind = requireNonNull(kind, "kind");
        this.status = status;
        this.rpcErrorCode = rpcErrorCode;
        this.durationNanos = durationNanos;
        this.upstreamNanos = upstreamNanos;
        this.attempts = attempts;
        this.failure = failure;
    }

    /** {@return what happened} */
    public Kind kind() {
        return kind;
    }

    /** {@return whether it ended well: {@link Kind#OK}} */
    public boolean ok() {
        return kind == Kind.OK;
    }

    /**
     * The {@code error.type} value: null when {@link #ok()}; {@code tool_error}; the JSON-RPC code of a backend's error
     * answer (codes outside the reserved range -32768 to -32000 are {@code _OTHER}); the HTTP status of a backend's
     * HTTP error; else the kind's lower-case name.
     *
     * @return the error type, or null
     */
    public @Nullable String errorType() {
        return switch (kind) {
            case OK -> null;
            case JSONRPC_ERROR -> {
                int code = rpcErrorCode == null ? 0 : rpcErrorCode;
                yield code >= -32768 && code <= -32000 ? Integer.toString(code) : "_OTHER";
            }
            case HTTP_ERROR -> status >= 100 && status <= 599 ? Integer.toString(status) : "_OTHER";
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }

    /** {@return the HTTP status sent to the client (or, for an attempt, the backend's); 0 if none} */
    public int status() {
        return status;
    }

    /** {@return the JSON-RPC error code of the answer (the backend's or the gateway's own), or null} */
    public @Nullable Integer rpcErrorCode() {
        return rpcErrorCode;
    }

    /** {@return from the request's arrival (or the attempt's start) to the end of the answer} */
    public Duration duration() {
        return Duration.ofNanos(durationNanos);
    }

    /** {@return {@link #duration()} in nanoseconds} */
    public long durationNanos() {
        return durationNanos;
    }

    /** {@return time spent in upstream attempts, summed (in a fan-out they overlap); zero when none was made} */
    public Duration upstream() {
        return Duration.ofNanos(upstreamNanos);
    }

    /** {@return how many upstream attempts were made (a fan-out counts one per server)} */
    public int attempts() {
        return attempts;
    }

    /** {@return why it ended abnormally (client gone, backend failure), or null} */
    public @Nullable Throwable failure() {
        return failure;
    }

    @Override
    public String toString() {
        return "Outcome{" + kind + ", status=" + status + (rpcErrorCode == null ? "" : ", rpc=" + rpcErrorCode) + ", "
                + duration() + "}";
    }
}
