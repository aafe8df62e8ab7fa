package io.openharbor.mcp.gateway;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether a caller may send a request now. The gateway calls {@link #acquire(String, String)} once per request
 * to its MCP endpoint (POST, GET stream opens and DELETE alike; the health endpoint and CORS preflights are exempt)
 * with {@code tool == null}, after authentication and before reading the body, and once more for a {@code tools/call}
 * with the tool's name, after peeking at the body. A refusal is answered with 429, {@code Retry-After} and a JSON-RPC
 * error (code -32029, {@code data.retryAfterSeconds}); nothing is forwarded.
 *
 * <p>{@link RateLimits} is the built-in implementation: token buckets per caller in this process. A host that runs
 * several gateway instances can back the same interface with a shared store (Redis, a database) so that a caller's
 * limit holds across instances:
 *
 * <pre>{@code
 * RateLimiter shared = (caller, tool) -> {
 *     long wait = redisBucket.tryConsume(tool == null ? caller : caller + "|" + tool);   // your store
 *     return wait <= 0 ? Duration.ZERO : Duration.ofMillis(wait);
 * };
 * }</pre>
 *
 * <p>Called from many threads at once, on the request's thread: it must be quick. A limiter that throws is logged and
 * the request is let through (a broken limiter must not take the gateway down).
 */
@FunctionalInterface
public interface RateLimiter {

    /**
     * Takes one request's worth of the caller's allowance.
     *
     * @param caller the authenticated identity, or {@code "ip:" + address} for an unauthenticated caller (the client
     *     address after trusted-proxy resolution, never a forwarding header from an untrusted peer)
     * @param tool null for the per-request limit; the tool name for the per-tool limit of a {@code tools/call}
     * @return {@link Duration#ZERO} (or any non-positive duration) to admit the request, otherwise how long until the
     *     caller may try again
     */
    Duration acquire(String caller, @Nullable String tool);
}
