package io.openharbor.mcp.gateway.oauth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.openharbor.mcp.gateway.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * The verdicts of recent tokens, so a client's every request does not cost a signature check or a call to the issuer:
 * an accepted token until it expires or the period ends, whichever is sooner (its expiry is checked again on every
 * hit); a refused one for a short while; a token that could not be checked, never. Bounded; keyed by the token's
 * SHA-256, never the token itself. Thread-safe.
 */
final class VerdictCache implements TokenCheck {
    private final TokenCheck check;
    private final Clock clock;
    private final @Nullable Cache<String, Verdict> cache;

    /**
     * @param period how long an accepted verdict is kept at most; zero turns the cache off
     * @param refusedFor how long a refusal is kept
     */
    VerdictCache(TokenCheck check, Clock clock, Ticker ticker, Duration period, Duration refusedFor, long maxEntries) {
        this.check = check;
        this.clock = clock;
        if (period.isZero()) {
            this.cache = null;
            return;
        }
        long active = period.toNanos();
        long refused = refusedFor.toNanos();
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
        Cache<String, Verdict> c = cache;
        if (c == null) {
            return check.check(token);
        }
        String key = sha256(token);
        Verdict cached = c.getIfPresent(key);
        if (cached != null && (cached.kind != Verdict.Kind.ACCEPTED || clock.millis() / 1000 <= cached.expiresAt)) {
            return cached;
        }
        Verdict fresh = check.check(token);
        if (fresh.kind != Verdict.Kind.UNAVAILABLE) {
            c.put(key, fresh);
        }
        return fresh;
    }

    static String sha256(String token) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** {@return the number of cached verdicts, after pending evictions} */
    long size() {
        Cache<String, Verdict> c = cache;
        if (c == null) return 0;
        c.cleanUp();
        return c.estimatedSize();
    }
}
