package io.openharbor.mcp.gateway;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Callbacks on the life of each request and on pool events, in the style of OkHttp's {@code EventListener}: extend it
 * and override what you need; every method is a no-op by default. For per-exchange metrics, traces and access logs,
 * {@link ExchangeListener} gives richer views (the call, each upstream attempt, the outcome with its error type); this
 * listener is where pool events arrive (circuit transitions, ejections, health, certificates).
 *
 * <p>Callbacks run on the hot path: they must be cheap and must not block. They must not throw; if one does, the
 * gateway logs it and carries on, and the request is not affected. No callback runs while the gateway (or its circuit
 * breaker library) holds a lock, so a callback may call back into the gateway, for example {@link Gateway#health()}.
 * Per-request callbacks ({@code requestStart}, {@code backendSelected}, {@code retry}, {@code rejected},
 * {@code requestEnd}) run on the request's own thread. Pool events ({@code circuitStateChanged},
 * {@code backendEjected}, {@code backendRestored}, {@code panicModeChanged}, {@code healthChanged}) are queued where
 * they happen and delivered one at a time, in the order they happened, by the thread that made them (a request
 * thread, a health-check thread, a {@code health()} caller) or by another gateway thread delivering at that moment.
 * {@code certificateExpiring} runs on the thread that saw the certificate (a handshake, or a health report).
 *
 * <pre>{@code
 * Gateway.builder().listener(new GatewayListener() {
 *   @Override public void circuitStateChanged(Backend backend, CircuitState state) {
 *     System.out.println("backend " + backend.name() + ": circuit " + state);
 *   }
 * });
 * }</pre>
 */
public abstract class GatewayListener {

    /** A listener that does nothing. */
    public static final GatewayListener NONE = new GatewayListener() {};

    /** For subclasses, which override the events they want. */
    protected GatewayListener() {}

    /**
     * Invoked when the gateway starts serving a request, before any check.
     *
     * @param request the request
     */
    public void requestStart(GatewayRequest request) {}

    /**
     * Invoked when a backend has been chosen for an attempt.
     *
     * @param attempt 1 for the first attempt, 2 and more for failovers
     * @param request the request
     * @param backend the backend chosen
     */
    public void backendSelected(GatewayRequest request, Backend backend, int attempt) {}

    /**
     * Invoked once when the gateway has finished with a request, whatever the outcome.
     *
     * @param status the HTTP status sent to the client (0 if none could be sent)
     * @param elapsed time from {@link #requestStart} to the end of the response body
     * @param failure why the exchange ended abnormally (client gone, backend failure), or {@code null}
     * @param request the request
     */
    public void requestEnd(GatewayRequest request, int status, Duration elapsed, @Nullable Throwable failure) {}

    /**
     * Invoked when an attempt failed in a way that allows another backend to take the request, just before that
     * attempt is made (the next {@link #backendSelected} follows).
     *
     * @param failed the backend that failed
     * @param nextAttempt the number of the attempt about to be made (2 or more)
     * @param cause what went wrong
     * @param request the request
     */
    public void retry(GatewayRequest request, Backend failed, int nextAttempt, Throwable cause) {}

    /**
     * Invoked when the gateway refuses a request itself, or refuses it another attempt, for the given reason.
     *
     * @param request the request
     * @param reason why
     */
    public void rejected(GatewayRequest request, Rejection reason) {}

    /**
     * Invoked when a backend's circuit breaker changes state.
     *
     * @param backend the backend
     * @param state its breaker's new state
     */
    public void circuitStateChanged(Backend backend, CircuitState state) {}

    /**
     * Invoked when outlier detection ejects a backend.
     *
     * @param duration how long it stays out
     * @param timesEjected how many times it has been ejected recently, this one included
     * @param backend the backend
     */
    public void backendEjected(Backend backend, Duration duration, int timesEjected) {}

    /**
     * Invoked when an ejected backend's time is up and it takes traffic again (noticed on the next request).
     *
     * @param backend the backend
     */
    public void backendRestored(Backend backend) {}

    /**
     * Invoked when active health checks change their verdict on a backend.
     *
     * @param reason why the last check failed, or {@code null} when the backend turned healthy
     * @param backend the backend
     * @param healthy its new verdict
     */
    public void healthChanged(Backend backend, boolean healthy, @Nullable String reason) {}

    /**
     * Invoked when a pool enters or leaves panic mode: fewer of its backends are available than its panic threshold.
     *
     * @param available backends available when the mode changed
     * @param total backends in the pool
     * @param pool the pool's name
     * @param panic whether it is now in panic
     */
    public void panicModeChanged(String pool, boolean panic, int available, int total) {}

    /**
     * Invoked once per certificate when one the gateway watches expires within
     * {@link Gateway.Builder#certificateExpiryWarning(java.time.Duration)} (or has expired): a backend's leaf
     * certificate, noticed on a TLS handshake or a health report, or one of the host's registered certificates.
     *
     * @param backend the backend that presented it, or {@code null} for one of the host's own certificates
     * @param certificate the certificate and its expiry
     */
    public void certificateExpiring(HealthReport.CertificateInfo certificate, @Nullable Backend backend) {}

    /**
     * Invoked when a federation has read one of a server's lists whole into this instance's catalog.
     *
     * @param server the server's id
     * @param list which list: {@code tools}, {@code prompts}, {@code resources} or {@code resourceTemplates}
     * @param entries how many entries it exposes (after its name filters)
     */
    public void catalogRefreshed(String server, String list, int entries) {}

    /**
     * Invoked when a federated server leaves the views this instance serves (its list could not be read, or it did
     * not initialize) or joins them again; its names disappear from lists meanwhile.
     *
     * @param server the server's id
     * @param inView whether it is in the views now
     * @param reason why it left, or null when it joined
     */
    public void federatedServerChanged(String server, boolean inView, @Nullable String reason) {}

    /** Why the gateway refused a request, or another attempt at one. */
    public enum Rejection {
        /** Every backend that could take the request had {@link Backend#maxConnections()} requests in flight (503). */
        BULKHEAD_FULL,
        /** A retry was possible but the retry budget was spent; the failure was reported to the client. */
        RETRY_BUDGET_EXHAUSTED,
        /** No backend was available or left to try (503). */
        NO_BACKEND,
        /** The pool is in panic and configured to fail fast (503). */
        PANIC_FAIL_FAST,
        /** A plain-HTTP request where HTTPS is required (308 redirect or 403). */
        HTTPS_REQUIRED,
        /** The request's {@code Host} is not in the allowed hosts (403). */
        HOST_NOT_ALLOWED,
        /** The request's {@code Origin} is not allowed, or a CORS preflight asked for more than is allowed (403). */
        ORIGIN_NOT_ALLOWED,
        /** No or invalid credentials (401). */
        UNAUTHENTICATED,
        /** The authenticator refused a known caller (403). */
        FORBIDDEN,
        /** The authenticator could not check the credentials now, e.g. its authorization server is unreachable (503). */
        AUTHENTICATION_UNAVAILABLE,
        /** The caller's rate limit, or its per-tool limit, is spent (429). */
        RATE_LIMITED,
        /** The gateway was closed: it serves nothing any more (503; the host should route to its replacement). */
        GATEWAY_CLOSED
    }
}
