package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge checks of one gateway, in order: HTTPS, {@code Host}, {@code Origin} and CORS, authentication, rate limit.
 * Each refusal is answered through {@link Answers} (status, JSON-RPC error, log line) and nothing is forwarded.
 * Immutable; one per gateway.
 */
final class Edge {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);
    private static final String METHODS = "GET, POST, DELETE";

    final SecurityPolicy policy;
    final @Nullable Authenticator authenticator;
    final @Nullable RateLimiter rateLimiter;
    private final Answers answers;
    private final String[] headerNames;
    private final String[] headerValues;
    /** Lower-case request headers never forwarded: credentials and forwarding headers (re-created by the gateway). */
    private final Set<String> droppedRequestHeaders;
    /** Lower-case credential headers: dropped, but kept aside for a backend that forwards them. */
    private final Set<String> credentialHeaders;
    /** Lower-case response headers the gateway owns: a backend's are dropped (security headers, CORS). */
    private final Set<String> ownedResponseHeaders;

    private final Set<String> corsAllowed;
    private final String exposeHeaders;
    private final String maxAge;

    Edge(
            SecurityPolicy policy,
            @Nullable Authenticator authenticator,
            @Nullable RateLimiter rateLimiter,
            Answers answers) {
        this.answers = answers;
        this.policy = policy;
        this.authenticator = authenticator;
        this.rateLimiter = rateLimiter;
        Map<String, String> headers = policy.responseHeaders;
        this.headerNames = headers.keySet().toArray(new String[0]);
        this.headerValues = headers.values().toArray(new String[0]);
        Set<String> credentials = new HashSet<>();
        Set<String> dropped = new HashSet<>(List.of(
                "forwarded",
                "x-forwarded-for",
                "x-forwarded-proto",
                "x-forwarded-host",
                "x-forwarded-port",
                "x-real-ip"));
        if (authenticator != null) {
            for (String h : authenticator.credentialHeaders()) {
                credentials.add(h.toLowerCase(Locale.ROOT));
            }
        }
        dropped.addAll(credentials);
        this.droppedRequestHeaders = Set.copyOf(dropped);
        this.credentialHeaders = Set.copyOf(credentials);
        Set<String> owned = new HashSet<>();
        for (String h : headerNames) {
            owned.add(h.toLowerCase(Locale.ROOT));
        }
        owned.add("strict-transport-security");
        this.ownedResponseHeaders = Set.copyOf(owned);
        Set<String> cors = new HashSet<>();
        for (String h : SecurityPolicy.CORS_ALLOWED_HEADERS) cors.add(h.toLowerCase(Locale.ROOT));
        for (String h : policy.corsAllowedHeaders) cors.add(h.toLowerCase(Locale.ROOT));
        this.corsAllowed = Set.copyOf(cors);
        this.exposeHeaders = String.join(", ", SecurityPolicy.CORS_EXPOSED_HEADERS);
        this.maxAge = String.valueOf(policy.corsMaxAge.toSeconds());
    }

    /** Whether a request header (lower case) must not reach a backend. */
    boolean dropRequestHeader(String lower) {
        return droppedRequestHeaders.contains(lower);
    }

    /** Whether a request header (lower case) carries the client's credentials. */
    boolean isCredential(String lower) {
        return credentialHeaders.contains(lower);
    }

    /** Whether a backend's response header (lower case) is replaced by the gateway's own. */
    boolean ownsResponseHeader(String lower) {
        return ownedResponseHeaders.contains(lower) || lower.startsWith("access-control-");
    }

    /** The security headers every answer carries; HSTS only over HTTPS. */
    void addSecurityHeaders(GatewayExchange ex, ClientInfo client) {
        for (int i = 0; i < headerNames.length; i++) {
            ex.addResponseHeader(headerNames[i], headerValues[i]);
        }
        if (client.secure && policy.hsts != null) {
            ex.addResponseHeader("Strict-Transport-Security", policy.hsts);
        }
    }

    /**
     * The checks before anything else happens to a request on the MCP endpoint. Returns false after answering (a
     * refusal, a redirect or a CORS preflight).
     */
    boolean admit(RequestState call) throws IOException {
        GatewayExchange ex = call.ex;
        ClientInfo client = call.client;
        if (policy.requireHttps && !client.secure) {
            return refuseInsecure(call, ex, client);
        }
        if (ex.requestHeaders("Host").size() > 1) {
            answers.reject(
                    call,
                    400,
                    JsonRpcErrors.INVALID_REQUEST,
                    "Bad Request: more than one Host header",
                    "several Host" + " headers");
            return false;
        }
        if (!policy.hosts.isEmpty()) {
            if (!policy.hosts.matches(client.authority, client.scheme())) {
                answers.rejectEdge(
                        call,
                        GatewayListener.Rejection.HOST_NOT_ALLOWED,
                        403,
                        JsonRpcErrors.EDGE_FORBIDDEN,
                        "Forbidden: host not allowed",
                        "Host " + HeaderText.printable(client.host) + " is not allowed");
                return false;
            }
        }
        if (!originAllowed(call)) {
            return false;
        }
        if (ex.method().equals("OPTIONS")) {
            preflight(call, ex);
            return false;
        }
        if (authenticator != null && !authenticate(call, client)) {
            return false;
        }
        return rateLimiter == null || withinLimit(call, call.rateKey(), null);
    }

    /** The Origin rule on its own (the health endpoint applies only this one). */
    boolean originAllowed(RequestState call) throws IOException {
        GatewayExchange ex = call.ex;
        ClientInfo client = call.client;
        List<String> origins = ex.requestHeaders("Origin");
        if (origins.isEmpty()) {
            return true;
        }
        String value = origins.get(0);
        boolean ok = origins.size() == 1 && originMatches(value, client);
        if (!ok) {
            answers.rejectEdge(
                    call,
                    GatewayListener.Rejection.ORIGIN_NOT_ALLOWED,
                    403,
                    JsonRpcErrors.EDGE_FORBIDDEN,
                    "Forbidden: origin not allowed",
                    (origins.size() > 1
                            ? "several Origin headers"
                            : "Origin " + HeaderText.printable(value) + " is not allowed"));
            return false;
        }
        ex.addResponseHeader("Access-Control-Allow-Origin", value.trim());
        ex.addResponseHeader("Access-Control-Expose-Headers", exposeHeaders);
        ex.addResponseHeader("Vary", "Origin");
        return true;
    }

    private boolean originMatches(String value, ClientInfo client) {
        OriginMatcher.Origin origin = OriginMatcher.Origin.parse(value);
        if (!policy.origins.isEmpty()) {
            return policy.origins.matches(origin);
        }
        // No list: a page of the gateway's own origin, on a loopback host only (a local tool's UI). Anything else
        // that sends an Origin is a browser on another site, or on a rebound DNS name.
        if (origin == null) {
            return false;
        }
        String scheme = client.scheme();
        HeaderText.Authority host = client.authority;
        return host != null
                && host.isLoopback()
                && origin.scheme.equals(scheme)
                && origin.authority.host.equals(host.host)
                && origin.port() == host.port(scheme);
    }

    /** 308 to https:// (or 403) for a plain-HTTP request when HTTPS is required. */
    private boolean refuseInsecure(RequestState call, GatewayExchange ex, ClientInfo client) throws IOException {
        HeaderText.Authority host = client.authority;
        if (policy.httpsAction == SecurityPolicy.HttpsAction.REJECT || host == null) {
            answers.rejectEdge(
                    call,
                    GatewayListener.Rejection.HTTPS_REQUIRED,
                    403,
                    JsonRpcErrors.EDGE_FORBIDDEN,
                    "Forbidden: HTTPS is required",
                    "plain HTTP refused"
                            + (host == null && policy.httpsAction == SecurityPolicy.HttpsAction.REDIRECT
                                    ? " (no valid Host to redirect to)"
                                    : ""));
            return false;
        }
        StringBuilder url = new StringBuilder("https://").append(host.host);
        if (policy.httpsPort != 443) {
            url.append(':').append(policy.httpsPort);
        }
        url.append(ex.path());
        if (ex.query() != null) {
            url.append('?').append(ex.query());
        }
        String location = url.toString();
        if (!HeaderText.isValue(location)) {
            answers.reject(
                    call, 400, JsonRpcErrors.INVALID_REQUEST, "Bad Request: invalid request target", "bad target");
            return false;
        }
        ex.addResponseHeader("Location", location);
        answers.rejectEdge(
                call,
                GatewayListener.Rejection.HTTPS_REQUIRED,
                308,
                JsonRpcErrors.EDGE_FORBIDDEN,
                "HTTPS is required: " + location,
                "redirected to HTTPS");
        return false;
    }

    /** A CORS preflight: 204 with what may be sent, or 403 when the method or a header is not allowed. */
    private void preflight(RequestState call, GatewayExchange ex) throws IOException {
        String method = ex.requestHeader("Access-Control-Request-Method");
        if (ex.requestHeader("Origin") == null || method == null) {
            ex.addResponseHeader("Allow", METHODS + ", OPTIONS");
            answers.empty(call, 204);
            return;
        }
        method = method.trim();
        if (!method.equals("GET") && !method.equals("POST") && !method.equals("DELETE")) {
            answers.rejectEdge(
                    call,
                    GatewayListener.Rejection.ORIGIN_NOT_ALLOWED,
                    403,
                    JsonRpcErrors.EDGE_FORBIDDEN,
                    "Forbidden: method " + HeaderText.printable(method) + " is not allowed",
                    "preflight for method " + HeaderText.printable(method));
            return;
        }
        StringBuilder allowed = new StringBuilder();
        for (String value : ex.requestHeaders("Access-Control-Request-Headers")) {
            for (String h : value.split(",", -1)) {
                String name = h.trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) continue;
                if (!corsAllowed.contains(name) && !(name.startsWith("mcp-") && HeaderText.isToken(name))) {
                    answers.rejectEdge(
                            call,
                            GatewayListener.Rejection.ORIGIN_NOT_ALLOWED,
                            403,
                            JsonRpcErrors.EDGE_FORBIDDEN,
                            "Forbidden: request header " + HeaderText.printable(name) + " is not allowed",
                            "preflight for header " + HeaderText.printable(name));
                    return;
                }
                if (allowed.length() > 0) allowed.append(", ");
                allowed.append(name);
            }
        }
        ex.addResponseHeader("Access-Control-Allow-Methods", METHODS);
        if (allowed.length() > 0) {
            ex.addResponseHeader("Access-Control-Allow-Headers", allowed.toString());
        }
        ex.addResponseHeader("Access-Control-Max-Age", maxAge);
        ex.addResponseHeader("Vary", "Access-Control-Request-Method, Access-Control-Request-Headers");
        answers.empty(call, 204);
    }

    private boolean authenticate(RequestState call, ClientInfo client) throws IOException {
        Authentication a;
        try {
            a = requireNonNull(authenticator, "called only with an authenticator")
                    .authenticate(call);
        } catch (RuntimeException e) {
            log.error("authenticator {} threw; refusing the request", authenticator, e);
            a = null;
        }
        if (a == null) {
            answers.reject(call, 500, JsonRpcErrors.INTERNAL_ERROR, "internal gateway error", "authenticator failed");
            return false;
        }
        if (a.succeeded()) {
            call.caller = a.identity();
            return true;
        }
        if (a.status() == 503) {
            answers.unavailable(
                    call,
                    GatewayListener.Rejection.AUTHENTICATION_UNAVAILABLE,
                    "Service Unavailable: " + a.message(),
                    "credentials cannot be checked now: " + a.message());
            return false;
        }
        // Failed attempts count against the client address's allowance: guessing keys gets 429 soon.
        if (rateLimiter != null && !withinLimit(call, "ip:" + client.address, null)) {
            return false;
        }
        if (a.challenge() != null) {
            call.ex.addResponseHeader("WWW-Authenticate", a.challenge());
        }
        boolean unauthorized = a.status() == 401;
        answers.rejectEdge(
                call,
                unauthorized ? GatewayListener.Rejection.UNAUTHENTICATED : GatewayListener.Rejection.FORBIDDEN,
                a.status(),
                unauthorized ? JsonRpcErrors.UNAUTHORIZED : JsonRpcErrors.FORBIDDEN,
                (unauthorized ? "Unauthorized: " : "Forbidden: ") + a.message(),
                "authentication failed from " + client.address + ": " + a.message());
        return false;
    }

    /** Takes from the caller's allowance; answers 429 and returns false when there is none left. */
    boolean withinLimit(RequestState call, String key, @Nullable String tool) throws IOException {
        GatewayExchange ex = call.ex;
        Duration wait;
        try {
            wait = requireNonNull(rateLimiter, "called only with a rate limiter")
                    .acquire(key, tool);
        } catch (RuntimeException e) {
            log.warn("rate limiter {} threw; request let through", rateLimiter, e);
            return true;
        }
        if (wait == null || wait.isZero() || wait.isNegative()) {
            return true;
        }
        long seconds = Math.max(1, wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0));
        ex.addResponseHeader("Retry-After", String.valueOf(seconds));
        answers.rateLimited(
                call, seconds, tool == null ? "rate limit of " + key : "rate limit of " + key + " for tool " + tool);
        return false;
    }
}
