package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of an {@link Authenticator}: a caller identity, or a refusal with its HTTP status and challenge.
 * Immutable.
 */
public final class Authentication {
    private final @Nullable String identity;
    private final int status;
    private final @Nullable String challenge;
    private final @Nullable String message;

    private Authentication(
            @Nullable String identity, int status, @Nullable String challenge, @Nullable String message) {
        this.identity = identity;
        this.status = status;
        this.challenge = challenge;
        this.message = message;
    }

    /**
     * The caller is {@code identity}: a stable, non-secret name (an API key's name, a token's subject). It is logged,
     * keys rate limits and is bound (as a hash) into session tokens.
     *
     * @param identity the caller's name: not blank
     * @return the success
     * @throws IllegalArgumentException if the identity is blank or longer than 256 characters
     */
    public static Authentication success(String identity) {
        requireNonNull(identity, "identity");
        if (identity.isBlank() || identity.length() > 256) {
            throw new IllegalArgumentException("a caller identity must be 1 to 256 characters and not blank");
        }
        return new Authentication(identity, 200, null, null);
    }

    /**
     * 401: no credentials, or credentials that are not valid.
     *
     * @param challenge the {@code WWW-Authenticate} value, e.g. {@code Bearer realm="mcp"} (RFC 9110 §11.6.1; MCP
     *     2025-06-18 and later want {@code resource_metadata=} in it); required on a 401
     * @param message what the client is told, in the JSON-RPC error; never include the presented secret
     * @return the refusal
     */
    public static Authentication unauthorized(String challenge, String message) {
        return failure(401, requireNonNull(challenge, "challenge"), message);
    }

    /**
     * 403: the caller is known but may not use this gateway (or lacks a scope; a step-up challenge such as
     * {@code Bearer error="insufficient_scope", scope="..."} may be given, or null).
     *
     * @param challenge the WWW-Authenticate value to send, or null
     * @param message the JSON-RPC error message the client gets, or null for the default
     * @return the refusal
     */
    public static Authentication forbidden(@Nullable String challenge, String message) {
        return failure(403, challenge, message);
    }

    /**
     * 503: the caller's credentials cannot be checked now (the authorization server or its keys are out of reach). The
     * client is told to retry later ({@code Retry-After}), not to discard its token.
     *
     * @param message the JSON-RPC error message the client gets
     * @return the refusal
     */
    public static Authentication unavailable(String message) {
        return failure(503, null, message);
    }

    private static Authentication failure(int status, @Nullable String challenge, String message) {
        requireNonNull(message, "message");
        if (challenge != null && (challenge.isBlank() || !HeaderText.isValue(challenge))) {
            throw new IllegalArgumentException("not a valid WWW-Authenticate value: '" + challenge + "'");
        }
        return new Authentication(null, status, challenge, message);
    }

    /** {@return whether the caller was authenticated} */
    public boolean succeeded() {
        return identity != null;
    }

    /** {@return the caller's identity, or null on failure} */
    public @Nullable String identity() {
        return identity;
    }

    /**
     * 200 on success, else the status to answer (401, 403 or 503).
     *
     * @return 200 on success, else 401, 403 or 503
     */
    public int status() {
        return status;
    }

    /** {@return the {@code WWW-Authenticate} value of a failure, or null} */
    public @Nullable String challenge() {
        return challenge;
    }

    /** {@return the failure's message for the client, or null on success} */
    public @Nullable String message() {
        return message;
    }

    @Override
    public String toString() {
        return succeeded() ? "Authentication[" + identity + "]" : "Authentication[" + status + ": " + message + "]";
    }
}
