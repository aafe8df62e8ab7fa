package io.openharbor.mcp.gateway.oauth;

import static java.util.Objects.requireNonNull;

import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendCredentials;
import io.openharbor.mcp.gateway.ResourceMetadata;
import io.openharbor.mcp.gateway.Ticker;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.X509TrustManager;
import okhttp3.FormBody;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own access token for a backend, obtained with the OAuth client-credentials grant (RFC 6749 §4.4) and
 * kept fresh: the backend gets a token issued to the gateway (for the backend's audience, RFC 8707 {@code resource}),
 * never the client's.
 *
 * <pre>{@code
 * OAuthClientCredentials search = OAuthClientCredentials.builder(URI.create("https://login.example.com/realms/mcp"))
 *         .client("gateway", System.getenv("GATEWAY_CLIENT_SECRET"))
 *         .resource(URI.create("https://search.internal/mcp"))
 *         .scopes(List.of("search:read"))
 *         .build();
 * Backend backend = Backend.builder("search", URI.create("https://search.internal/mcp")).credentials(search).build();
 * }</pre>
 *
 * <p>The token is fetched on first use (that request waits, at most {@link Builder#timeout(Duration)}), then renewed in
 * the background once 80 % of its lifetime has passed, so requests find a valid token in memory. When the token
 * endpoint cannot be reached and the token has expired, requests go without {@code Authorization} (the backend
 * answers 401) and a new attempt is made no sooner than 5 s after the last failure, logged at WARN. The token is never
 * logged. Thread-safe; close it with the gateway.
 */
public final class OAuthClientCredentials implements BackendCredentials, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OAuthClientCredentials.class);
    private static final long RETRY_NANOS = Duration.ofSeconds(5).toNanos();
    /** A token endpoint that names no lifetime: the token is renewed after this. */
    private static final long DEFAULT_LIFETIME_SECONDS = 300;

    private static final class Token {
        final String authorization;
        final long renewAt;
        final long expiresAt;

        Token(String authorization, long renewAt, long expiresAt) {
            this.authorization = authorization;
            this.renewAt = renewAt;
            this.expiresAt = expiresAt;
        }
    }

    private final AuthorizationServer server;
    private final @Nullable String tokenUri;
    private final String clientAuthentication;
    private final String clientId;
    private final List<String> scopes;
    private final @Nullable String resource;
    private final Ticker ticker;

    private volatile @Nullable Token token;
    private final ReentrantLock fetching = new ReentrantLock();
    private final AtomicBoolean renewing = new AtomicBoolean();
    /** When the last background renewal started (at first: long enough ago; a ticker's origin is arbitrary). */
    private volatile long renewedAt;

    private final AtomicInteger requests = new AtomicInteger();
    /** Guarded by {@link #fetching}: when the last fetch failed, or 0. */
    private long failedAt;

    private boolean failed;

    private OAuthClientCredentials(Builder b) {
        this.server = new AuthorizationServer(b.issuer.toString(), null, null, b.timeout, b.trust, b.ticker);
        this.tokenUri = b.tokenUri == null ? null : b.tokenUri.toString();
        this.clientId = requireNonNull(b.clientId, "clientId");
        this.clientAuthentication = AuthorizationServer.basic(clientId, requireNonNull(b.clientSecret, "clientSecret"));
        this.scopes = List.copyOf(b.scopes);
        this.resource = b.resource == null ? null : b.resource.toString();
        this.ticker = b.ticker;
        this.renewedAt = ticker.read() - RETRY_NANOS;
    }

    /**
     * A builder for tokens from the authorization server {@code issuer} (its metadata names the token endpoint unless
     * {@link Builder#tokenUri(URI)} is given).
     *
     * @param issuer the issuer: https (http only on a loopback host)
     * @return the builder
     */
    public static Builder builder(URI issuer) {
        return new Builder(issuer);
    }

    @Override
    public @Nullable String authorization(Backend backend) {
        Token t = token;
        long now = ticker.read();
        if (t != null && now < t.expiresAt) {
            if (now >= t.renewAt) renewInBackground();
            return t.authorization;
        }
        t = fetchNow(t);
        return t == null ? null : t.authorization;
    }

    /** Fetches a token unless another thread just did, or the last attempt failed less than 5 s ago. */
    private @Nullable Token fetchNow(@Nullable Token seen) {
        fetching.lock();
        try {
            Token t = token;
            long now = ticker.read();
            if (t != seen && t != null && now < t.expiresAt) {
                return t; // another thread fetched while this one waited
            }
            if (failed && now - failedAt < RETRY_NANOS) {
                return null;
            }
            requests.incrementAndGet();
            try {
                Token fresh = parse(server.postForm(endpoint(), form(), clientAuthentication), now);
                token = fresh;
                failed = false;
                return fresh;
            } catch (IOException e) {
                failed = true;
                failedAt = now;
                log.warn("cannot get a token for client {} from {}: {}", clientId, server.issuer, e.getMessage());
                return null;
            }
        } finally {
            fetching.unlock();
        }
    }

    private void renewInBackground() {
        long now = ticker.read();
        if (now - renewedAt < RETRY_NANOS || !renewing.compareAndSet(false, true)) {
            return; // one renewal at a time, and a failed one is not repeated for 5 s
        }
        renewedAt = now;
        requests.incrementAndGet();
        String uri;
        try {
            uri = endpoint();
        } catch (IOException e) {
            renewing.set(false);
            return;
        }
        long started = now;
        server.postFormAsync(uri, form(), clientAuthentication, (body, failure) -> {
            try {
                if (body != null) {
                    token = parse(body, started);
                } else {
                    log.warn(
                            "cannot renew the token of client {} at {}: {} (the current one is used until it expires)",
                            clientId,
                            server.issuer,
                            failure == null ? "unknown failure" : failure.getMessage());
                }
            } catch (IOException e) {
                log.warn("cannot renew the token of client {} at {}: {}", clientId, server.issuer, e.getMessage());
            } finally {
                renewing.set(false);
            }
        });
    }

    private String endpoint() throws IOException {
        return tokenUri != null ? tokenUri : server.endpoint("token_endpoint");
    }

    private FormBody form() {
        FormBody.Builder f = new FormBody.Builder().add("grant_type", "client_credentials");
        if (!scopes.isEmpty()) f.add("scope", String.join(" ", scopes));
        if (resource != null) f.add("resource", resource);
        return f.build();
    }

    private Token parse(String body, long at) throws IOException {
        Map<String, Object> answer = AuthorizationServer.json(body);
        if (!(answer.get("access_token") instanceof String value) || value.isEmpty()) {
            throw new IOException("the token endpoint's answer has no access_token");
        }
        Object type = answer.get("token_type");
        if (type != null && !"bearer".equals(String.valueOf(type).toLowerCase(Locale.ROOT))) {
            throw new IOException("token_type " + type + " is not Bearer");
        }
        if (!value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IOException("the access_token is not a header-safe string");
        }
        long lifetime = answer.get("expires_in") instanceof Number n && n.longValue() > 0
                ? n.longValue()
                : DEFAULT_LIFETIME_SECONDS;
        long nanos = Duration.ofSeconds(lifetime).toNanos();
        return new Token("Bearer " + value, at + nanos / 10 * 8, at + nanos);
    }

    /** {@return how many token requests were started, failed ones too (tests bound the load on the endpoint)} */
    int tokenRequests() {
        return requests.get();
    }

    /** Releases the HTTP client's threads and connections. */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "OAuthClientCredentials[" + clientId + "@" + server.issuer + "]";
    }

    /** Builds {@link OAuthClientCredentials}; setters check their argument. */
    public static final class Builder {
        private final URI issuer;
        private @Nullable URI tokenUri;
        private @Nullable String clientId;
        private @Nullable String clientSecret;
        private final List<String> scopes = new ArrayList<>();
        private @Nullable URI resource;
        private Duration timeout = OAuthResourceServer.DEFAULT_TIMEOUT;
        private @Nullable X509TrustManager trust;
        private Ticker ticker = Ticker.system();

        private Builder(URI issuer) {
            this.issuer = ResourceMetadata.requireOAuthUri(issuer, "issuer");
        }

        /**
         * The token endpoint, instead of the one the issuer's metadata names.
         *
         * @param uri the endpoint: https (http only on a loopback host)
         * @return this builder
         */
        public Builder tokenUri(URI uri) {
            this.tokenUri = ResourceMetadata.requireOAuthUri(uri, "tokenUri");
            return this;
        }

        /**
         * The gateway's client at the authorization server (client authentication {@code client_secret_basic}).
         * Required.
         *
         * @param id the client id
         * @param secret its secret
         * @return this builder
         */
        public Builder client(String id, String secret) {
            if (requireNonNull(id, "id").isBlank()
                    || requireNonNull(secret, "secret").isEmpty()) {
                throw new IllegalArgumentException("client credentials need a client id and a secret");
            }
            this.clientId = id;
            this.clientSecret = secret;
            return this;
        }

        /**
         * The scopes to ask for (default none: the client's defaults).
         *
         * @param scopes scope tokens
         * @return this builder
         */
        public Builder scopes(List<String> scopes) {
            for (String s : scopes) ResourceMetadata.requireScope(s);
            this.scopes.clear();
            this.scopes.addAll(scopes);
            return this;
        }

        /**
         * The backend the token is for, sent as RFC 8707's {@code resource} so the token's audience is that backend
         * (default none).
         *
         * @param resource the backend's resource URI
         * @return this builder
         */
        public Builder resource(URI resource) {
            this.resource = requireNonNull(resource, "resource");
            if (!resource.isAbsolute() || resource.getRawFragment() != null) {
                throw new IllegalArgumentException("resource must be an absolute URI without a fragment: " + resource);
            }
            return this;
        }

        /**
         * The limit on each exchange with the token endpoint (default 5 s): the longest a first request waits.
         *
         * @param timeout 100 ms to 1 minute
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("timeout must be between 100 ms and 1 minute, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * The trust for TLS to the authorization server (default the JVM's).
         *
         * @param trust the trust manager
         * @return this builder
         */
        public Builder trustManager(X509TrustManager trust) {
            this.trust = requireNonNull(trust, "trust");
            return this;
        }

        /**
         * The time source of token lifetimes (default {@link Ticker#system()}); tests inject one.
         *
         * @param ticker the ticker
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * {@return the credentials}
         *
         * @throws IllegalStateException without {@link #client(String, String)}
         */
        public OAuthClientCredentials build() {
            if (clientId == null) {
                throw new IllegalStateException("client credentials need client(id, secret)");
            }
            return new OAuthClientCredentials(this);
        }
    }
}
