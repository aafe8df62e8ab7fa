package io.openharbor.mcp.gateway.oauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.openharbor.mcp.gateway.Ticker;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import okhttp3.FormBody;
import org.jspecify.annotations.Nullable;

/**
 * An opaque access token checked by asking its issuer (RFC 7662 token introspection, client authentication with HTTP
 * Basic), with the answers kept in a bounded cache: an active token until it expires or the cache period ends, whichever
 * is sooner; an inactive one for a short period, so a client retrying a dead token does not flood the issuer. Tokens
 * are cached by their SHA-256, never in the clear. Thread-safe.
 */
final class Introspection implements TokenCheck {
    private final AuthorizationServer server;
    private final JwtCheck.Claims claims;
    private final String authorization;
    private final Clock clock;
    private final Cache<String, Verdict> cache;

    Introspection(
            AuthorizationServer server,
            JwtCheck.Claims claims,
            String clientId,
            String clientSecret,
            Clock clock,
            Ticker ticker,
            Duration cacheFor,
            Duration refusalsFor,
            long maxEntries) {
        this.server = server;
        this.claims = claims;
        this.clock = clock;
        String pair = form(clientId) + ":" + form(clientSecret); // RFC 6749 §2.3.1: form-encoded, then Basic
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        long active = cacheFor.toNanos();
        long refused = refusalsFor.toNanos();
        this.cache = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .ticker(ticker::read)
                .expireAfter(new Expiry<String, Verdict>() {
                    @Override
                    public long expireAfterCreate(String key, Verdict v, long currentTime) {
                        if (v.kind != Verdict.Kind.ACCEPTED) return refused;
                        if (v.expiresAt == Long.MAX_VALUE) return active;
                        long left = Duration.ofSeconds(v.expiresAt)
                                .minusMillis(clock.millis())
                                .toNanos();
                        return Math.max(0, Math.min(active, left));
                    }

                    @Override
                    public long expireAfterUpdate(String key, Verdict v, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, v, currentTime);
                    }

                    @Override
                    public long expireAfterRead(String key, Verdict v, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
    }

    @Override
    public Verdict check(String token) {
        String key = sha256(token);
        Verdict cached = cache.getIfPresent(key);
        if (cached != null && (cached.kind != Verdict.Kind.ACCEPTED || clock.millis() / 1000 <= cached.expiresAt)) {
            return cached;
        }
        Verdict fresh = introspect(token);
        if (fresh.kind != Verdict.Kind.UNAVAILABLE) {
            cache.put(key, fresh);
        }
        return fresh;
    }

    private Verdict introspect(String token) {
        Map<String, Object> answer;
        try {
            FormBody form = new FormBody.Builder()
                    .add("token", token)
                    .add("token_type_hint", "access_token")
                    .build();
            answer = AuthorizationServer.json(server.postForm(server.introspectionUri(), form, authorization));
        } catch (IOException e) {
            return Verdict.unavailable("introspection at " + server.issuer + " failed: " + e.getMessage());
        }
        if (!Boolean.TRUE.equals(answer.get("active"))) {
            return Verdict.invalid("the issuer says the token is not active");
        }
        return claims.check(
                answer.get("iss") instanceof String s ? s : null,
                audience(answer.get("aud")),
                number(answer.get("exp")),
                number(answer.get("nbf")),
                answer,
                false);
    }

    private static @Nullable List<String> audience(@Nullable Object aud) {
        if (aud instanceof String s) return List.of(s);
        if (aud instanceof List<?> list) {
            return list.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .toList();
        }
        return null;
    }

    private static @Nullable Long number(@Nullable Object n) {
        return n instanceof Number num ? num.longValue() : null;
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String sha256(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@return the number of cached answers, after pending evictions} */
    long cached() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
