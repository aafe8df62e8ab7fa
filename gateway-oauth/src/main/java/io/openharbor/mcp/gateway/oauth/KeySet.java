package io.openharbor.mcp.gateway.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import io.openharbor.mcp.gateway.Ticker;
import java.io.IOException;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's signing keys (its JWKS), each with a verifier made once. Fetched when first needed; fetched again when
 * a token names a key not in the set (rotation), at most once per {@code minRefresh} however many such tokens arrive;
 * refreshed in the background once older than {@code maxAge}. A failed fetch keeps the keys already held: an issuer
 * that is briefly unreachable does not stop tokens signed with known keys. Thread-safe.
 */
final class KeySet {
    private static final Logger log = LoggerFactory.getLogger(KeySet.class);
    /** RSA keys shorter than this are not used (RFC 7518 §3.3 requires 2048 bits). */
    private static final int MIN_RSA_BITS = 2048;

    /** A key the issuer published, with its verifier. */
    static final class Entry {
        final JWK jwk;
        final JWSVerifier verifier;

        Entry(JWK jwk, JWSVerifier verifier) {
            this.jwk = jwk;
            this.verifier = verifier;
        }
    }

    private static final class Keys {
        final List<Entry> entries;
        final long fetchedAt;

        Keys(List<Entry> entries, long fetchedAt) {
            this.entries = entries;
            this.fetchedAt = fetchedAt;
        }
    }

    /** No keys can be had now: none were ever fetched, and the last fetch failed. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message, null, false, false);
        }
    }

    private final AuthorizationServer server;
    private final Ticker ticker;
    private final long minRefreshNanos;
    private final long maxAgeNanos;
    /** How soon a fetch is tried again after one failed while no keys are held. */
    private final long retryNanos;

    private volatile @Nullable Keys keys;
    private final ReentrantLock fetching = new ReentrantLock();
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger attempts = new AtomicInteger();
    /**
     * When the last background refresh started: they too come at most once per {@code minRefresh}. At first long
     * enough ago (a ticker's origin is arbitrary, and may make its readings negative).
     */
    private volatile long lastRefreshAt;
    /** Guarded by {@link #fetching}. */
    private long lastFetchAt;

    private boolean fetchedOnce;
    private volatile @Nullable String lastFailure;

    KeySet(AuthorizationServer server, Ticker ticker, long minRefreshNanos, long maxAgeNanos) {
        this.server = server;
        this.ticker = ticker;
        this.minRefreshNanos = minRefreshNanos;
        this.maxAgeNanos = maxAgeNanos;
        this.retryNanos = Math.min(minRefreshNanos, 5_000_000_000L);
        this.lastRefreshAt = ticker.read() - minRefreshNanos;
    }

    /**
     * The keys that may have signed a token with this header (by {@code kid}, key type and use), fetching the set when
     * none is held or none matches, within the rate limit. Empty when no key matches.
     *
     * @throws Unavailable when no key set has ever been fetched and the issuer cannot be reached now
     */
    List<Entry> candidates(JWSHeader header) throws Unavailable {
        JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
        if (matcher == null) {
            return List.of();
        }
        Keys held = keys;
        if (held != null) {
            List<Entry> found = match(held, matcher);
            if (!found.isEmpty()) {
                refreshIfOld(held);
                return found;
            }
        }
        Keys now = fetchNow(held);
        if (now == null) {
            throw new Unavailable("no signing keys: " + lastFailure);
        }
        return now == held ? List.of() : match(now, matcher);
    }

    private static List<Entry> match(Keys k, JWKMatcher matcher) {
        List<Entry> found = null;
        for (Entry e : k.entries) {
            if (matcher.matches(e.jwk)) {
                if (found == null) found = new ArrayList<>(1);
                found.add(e);
            }
        }
        return found == null ? List.of() : found;
    }

    /**
     * Fetches the set unless another thread did since {@code seen} was read, or the last fetch was too recent; returns
     * the keys held afterwards (null when there are none).
     */
    private @Nullable Keys fetchNow(@Nullable Keys seen) {
        fetching.lock();
        try {
            Keys k = keys;
            if (k != seen) {
                return k; // another thread fetched while this one waited
            }
            long now = ticker.read();
            long wait = k == null ? retryNanos : minRefreshNanos;
            if (fetchedOnce && now - lastFetchAt < wait) {
                return k; // rate-limited: a flood of unknown kids costs the issuer one fetch per interval
            }
            fetchedOnce = true;
            lastFetchAt = now;
            attempts.incrementAndGet();
            try {
                Keys loaded = load(server.get(server.jwksUri()), now);
                keys = loaded;
                lastFailure = null;
                return loaded;
            } catch (IOException | ParseException e) {
                failed(e);
                return k;
            }
        } finally {
            fetching.unlock();
        }
    }

    /** Starts a background fetch of a set older than {@code maxAge}; requests go on with the one held. */
    private void refreshIfOld(Keys held) {
        long now = ticker.read();
        if (now - held.fetchedAt < maxAgeNanos
                || now - lastRefreshAt < minRefreshNanos
                || !refreshing.compareAndSet(false, true)) {
            return;
        }
        lastRefreshAt = now;
        attempts.incrementAndGet();
        String uri;
        try {
            uri = server.jwksUri(); // known already: the held keys came from it
        } catch (IOException e) {
            refreshing.set(false);
            return;
        }
        long started = ticker.read();
        server.getAsync(uri, (body, failure) -> {
            try {
                if (body != null) {
                    Keys loaded = load(body, started);
                    fetching.lock();
                    try {
                        keys = loaded;
                        lastFetchAt = started;
                    } finally {
                        fetching.unlock();
                    }
                } else {
                    failed(failure);
                }
            } catch (ParseException e) {
                failed(e);
            } finally {
                refreshing.set(false);
            }
        });
    }

    private void failed(@Nullable Exception e) {
        String why = e == null ? "unknown failure" : e.getMessage();
        lastFailure = why;
        log.warn("cannot fetch the signing keys of {}: {} (keeping {} key(s) held)", server.issuer, why, size());
    }

    private Keys load(String body, long at) throws ParseException {
        fetches.incrementAndGet();
        JWKSet set = JWKSet.parse(body);
        List<Entry> entries = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
                continue;
            }
            try {
                if (jwk instanceof RSAKey rsa) {
                    if (rsa.size() < MIN_RSA_BITS) {
                        log.debug("skipping RSA key {} of {}: {} bits", jwk.getKeyID(), server.issuer, rsa.size());
                        continue;
                    }
                    entries.add(new Entry(jwk, new RSASSAVerifier(rsa.toPublicJWK())));
                } else if (jwk instanceof ECKey ec) {
                    entries.add(new Entry(jwk, new ECDSAVerifier(ec.toPublicJWK())));
                } else {
                    log.debug(
                            "skipping key {} of {}: key type {} is not supported",
                            jwk.getKeyID(),
                            server.issuer,
                            jwk.getKeyType());
                }
            } catch (JOSEException e) {
                log.debug("skipping key {} of {}: {}", jwk.getKeyID(), server.issuer, e.getMessage());
            }
        }
        log.debug("fetched {} signing key(s) of {}", entries.size(), server.issuer);
        return new Keys(List.copyOf(entries), at);
    }

    /** {@return how many fetches were started, whether or not they succeeded} */
    int attempts() {
        return attempts.get();
    }

    /** {@return how many times the set was fetched and read} */
    int fetches() {
        return fetches.get();
    }

    private int size() {
        Keys k = keys;
        return k == null ? 0 : k.entries.size();
    }
}
