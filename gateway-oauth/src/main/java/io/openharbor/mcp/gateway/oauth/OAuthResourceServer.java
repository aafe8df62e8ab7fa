package io.openharbor.mcp.gateway.oauth;

import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JWSAlgorithm;
import io.openharbor.mcp.gateway.Authentication;
import io.openharbor.mcp.gateway.Authenticator;
import io.openharbor.mcp.gateway.GatewayRequest;
import io.openharbor.mcp.gateway.ResourceMetadata;
import io.openharbor.mcp.gateway.Ticker;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway as an OAuth 2.1 resource server, as the MCP authorization spec asks of an MCP endpoint: it accepts
 * {@code Authorization: Bearer} access tokens that its authorization server issued for it, and nothing else.
 *
 * <pre>{@code
 * OAuthResourceServer oauth = OAuthResourceServer.builder(URI.create("https://mcp.example.com/mcp"))
 *         .issuer(URI.create("https://login.example.com/realms/mcp"))   // keys found by discovery
 *         .requiredScopes(List.of("mcp:tools"))
 *         .build();
 * Gateway gateway = Gateway.builder().pool(pool).authenticator(oauth).build();
 * }</pre>
 *
 * <p>A JWT access token (the default) is accepted when it is signed with an allowed algorithm (RS*, PS*, ES*; never
 * {@code none} or an HMAC) by a key the issuer publishes in its JWKS, names the issuer in {@code iss} and this
 * resource in {@code aud} (RFC 8707), has not expired ({@code exp}) and is valid already ({@code nbf}), within the
 * clock skew. The JWKS is found by discovery (RFC 8414, then OpenID Connect) unless given, fetched over TLS, and fetched
 * again when a token names an unknown key (rotation), at most once per {@link Builder#jwksRefreshInterval(Duration)}.
 * With {@link Builder#introspection(String, String)}, tokens are opaque and the issuer is asked about each (RFC 7662).
 * Either way a token's verdict is cached for a short while ({@link Builder#cache(Duration, long)}), so a session's
 * requests do not each pay for a signature check or a call to the issuer.
 *
 * <p>The caller's identity is the token's {@code sub} (or {@link Builder#identityClaim(String)}): sessions bind to it
 * and rate limits count per it, as for API keys. Refusals: no token, 401 {@code Bearer resource_metadata="..."}; a
 * token that is not valid here, 401 {@code error="invalid_token"} (the reason goes to the log at DEBUG, never to the
 * client); a valid token without the required scopes, 403 {@code error="insufficient_scope"}; the issuer out of reach
 * with no keys held, 503. The client's {@code Authorization} header is never forwarded to a backend.
 *
 * <p>The gateway serves {@link #resourceMetadata()} at {@code /.well-known/oauth-protected-resource} (and the form
 * suffixed with the resource's path). Close it with the gateway: it holds an HTTP client.
 */
public final class OAuthResourceServer implements Authenticator, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OAuthResourceServer.class);
    /** Longer bearer values are refused unread: {@value} characters. */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;

    /** The signature algorithms accepted by default: RSA (PKCS#1 and PSS) and ECDSA. */
    public static final List<String> DEFAULT_ALGORITHMS =
            List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512");
    /** Default for {@link Builder#clockSkew(Duration)}: 60 seconds. */
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    /** Default for {@link Builder#jwksRefreshInterval(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_JWKS_REFRESH_INTERVAL = Duration.ofSeconds(30);
    /** Default for {@link Builder#jwksMaxAge(Duration)}: 10 minutes. */
    public static final Duration DEFAULT_JWKS_MAX_AGE = Duration.ofMinutes(10);
    /** Default for {@link Builder#timeout(Duration)}: 5 seconds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Default for {@link Builder#cache(Duration, long)}: 60 seconds. */
    public static final Duration DEFAULT_CACHE = Duration.ofSeconds(60);
    /** Default for {@link Builder#cache(Duration, long)}: {@value} tokens. */
    public static final long DEFAULT_CACHE_SIZE = 10_000;

    private final ResourceMetadata metadata;
    private final AuthorizationServer server;
    private final @Nullable KeySet keys;
    private final VerdictCache cache;
    private final Set<String> requiredScopes;
    private final String missing;
    private final String invalid;
    private final String malformed;
    private final @Nullable String insufficient;
    /** The required scopes as configured, space-separated, for messages. */
    private final String requiredText;

    private OAuthResourceServer(Builder b, ResourceMetadata metadata) {
        this.metadata = metadata;
        String issuer = requireNonNull(b.issuer, "issuer").toString();
        this.server = new AuthorizationServer(
                issuer,
                b.jwksUri == null ? null : b.jwksUri.toString(),
                b.introspectionUri == null ? null : b.introspectionUri.toString(),
                b.timeout,
                b.trust,
                b.ticker);
        Set<String> audiences = new LinkedHashSet<>();
        audiences.add(metadata.resource().toString());
        audiences.addAll(b.audiences);
        JwtCheck.Claims claims =
                new JwtCheck.Claims(issuer, audiences, b.clock, b.clockSkew.toSeconds(), b.identityClaim);
        TokenCheck checked;
        if (b.clientId != null) {
            this.keys = null;
            checked = new Introspection(server, claims, b.clientId, requireNonNull(b.clientSecret, "clientSecret"));
        } else {
            this.keys = new KeySet(server, b.ticker, b.jwksRefreshInterval.toNanos(), b.jwksMaxAge.toNanos());
            Set<JWSAlgorithm> algorithms = new LinkedHashSet<>();
            for (String a : b.algorithms) algorithms.add(JWSAlgorithm.parse(a));
            checked = new JwtCheck(keys, claims, algorithms);
        }
        this.cache = new VerdictCache(
                checked,
                b.clock,
                b.ticker,
                b.cacheFor,
                Duration.ofSeconds(Math.min(10, Math.max(1, b.cacheFor.toSeconds() / 10))),
                b.cacheSize);
        this.requiredScopes = Set.copyOf(b.requiredScopes);
        this.requiredText = String.join(" ", b.requiredScopes);
        String at = "resource_metadata=\"" + metadata.url() + "\"";
        String scope = requiredScopes.isEmpty() ? "" : ", scope=\"" + requiredText + "\"";
        this.missing = "Bearer " + at + scope;
        this.invalid = "Bearer error=\"invalid_token\", " + at;
        this.malformed = "Bearer error=\"invalid_request\", " + at;
        this.insufficient = requiredScopes.isEmpty() ? null : "Bearer error=\"insufficient_scope\"" + scope + ", " + at;
    }

    /**
     * A builder for the resource server of {@code resource}.
     *
     * @param resource the MCP endpoint's canonical URI, as clients address it and as tokens must name it in
     *     {@code aud}, e.g. {@code https://mcp.example.com/mcp}: https (http only on a loopback host), no fragment
     *     or query
     * @return the builder
     */
    public static Builder builder(URI resource) {
        return new Builder(resource);
    }

    @Override
    public Authentication authenticate(GatewayRequest request) {
        List<String> values = request.headers("Authorization");
        if (values.isEmpty()) {
            return Authentication.unauthorized(missing, "a bearer token is required");
        }
        String value = values.get(0);
        if (values.size() > 1 || value.length() < 7 || !value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            log.debug(
                    "bearer token refused from {}: {}",
                    request.clientAddress(),
                    values.size() > 1 ? "more than one Authorization header" : "not a Bearer credential");
            return values.size() > 1
                    ? Authentication.unauthorized(malformed, "one Authorization header, with a bearer token")
                    : Authentication.unauthorized(missing, "a bearer token is required");
        }
        String token = value.substring(7).trim();
        if (token.isEmpty() || token.length() > MAX_TOKEN_LENGTH || !isToken68(token)) {
            log.debug("bearer token refused from {}: malformed", request.clientAddress());
            return Authentication.unauthorized(invalid, "invalid token");
        }
        TokenCheck.Verdict v = cache.check(token);
        switch (v.kind) {
            case INVALID -> {
                log.debug("bearer token refused from {}: {}", request.clientAddress(), v.reason);
                return Authentication.unauthorized(invalid, "invalid token");
            }
            case UNAVAILABLE -> {
                log.debug("bearer token not checked for {}: {}", request.clientAddress(), v.reason);
                return Authentication.unavailable("the token cannot be checked now; retry later");
            }
            default -> {
                String subject = requireNonNull(v.subject, "an accepted token has a subject");
                if (!v.scopes.containsAll(requiredScopes)) {
                    log.debug("bearer token of {} lacks scopes: has {}, needs {}", subject, v.scopes, requiredText);
                    return Authentication.forbidden(insufficient, "insufficient scope: needs " + requiredText);
                }
                return Authentication.success(subject);
            }
        }
    }

    /** RFC 6750 §2.1 {@code b64token}: {@code ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/"}, then {@code =}s. */
    private static boolean isToken68(String t) {
        int i = 0;
        int n = t.length();
        while (i < n) {
            char c = t.charAt(i);
            if ((c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~'
                    || c == '+'
                    || c == '/') {
                i++;
            } else {
                break;
            }
        }
        while (i < n && t.charAt(i) == '=') i++;
        return i == n;
    }

    /** {@return {@code Authorization}: the only header that carries this authenticator's credentials} */
    @Override
    public Set<String> credentialHeaders() {
        return Set.of("Authorization");
    }

    /** {@return the protected-resource metadata the gateway serves for this resource} */
    @Override
    public Optional<ResourceMetadata> resourceMetadata() {
        return Optional.of(metadata);
    }

    /** {@return how many times the issuer's JWKS was fetched (0 with introspection)} */
    public int jwksFetches() {
        return keys == null ? 0 : keys.fetches();
    }

    /** How many JWKS fetches were started, including failed ones (tests bound the load on a down issuer). */
    int jwksAttempts() {
        return keys == null ? 0 : keys.attempts();
    }

    /** Releases the HTTP client's threads and connections. */
    @Override
    public void close() {
        server.close();
    }

    @Override
    public String toString() {
        return "OAuthResourceServer[" + metadata.resource() + ", issuer=" + server.issuer + "]";
    }

    /** Checks a URL the issuer's metadata gave: {@link ResourceMetadata#requireOAuthUri}'s rules. */
    static void requireOAuthUrl(String url, String what) {
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(what + " is not a URI: '" + url + "'", e);
        }
        ResourceMetadata.requireOAuthUri(u, what);
    }

    /** Builds an {@link OAuthResourceServer}; setters check their argument and say what was expected. */
    public static final class Builder {
        private final URI resource;
        private @Nullable URI issuer;
        private @Nullable URI jwksUri;
        private @Nullable URI introspectionUri;
        private @Nullable String clientId;
        private @Nullable String clientSecret;
        private final List<String> audiences = new ArrayList<>();
        private final List<String> requiredScopes = new ArrayList<>();
        private @Nullable List<String> scopesSupported;
        private List<String> algorithms = DEFAULT_ALGORITHMS;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Duration jwksRefreshInterval = DEFAULT_JWKS_REFRESH_INTERVAL;
        private Duration jwksMaxAge = DEFAULT_JWKS_MAX_AGE;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration cacheFor = DEFAULT_CACHE;
        private long cacheSize = DEFAULT_CACHE_SIZE;
        private String identityClaim = "sub";
        private @Nullable String resourceName;
        private @Nullable X509TrustManager trust;
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.system();

        private Builder(URI resource) {
            this.resource = requireNonNull(resource, "resource");
            ResourceMetadata.builder(resource); // checks it now
        }

        /**
         * The authorization server that issues the tokens, by its issuer identifier: tokens must carry it in
         * {@code iss}, and its metadata (RFC 8414 or OpenID Connect discovery) gives the JWKS and introspection
         * endpoints unless they are set. Required.
         *
         * @param issuer the issuer: https (http only on a loopback host)
         * @return this builder
         */
        public Builder issuer(URI issuer) {
            this.issuer = ResourceMetadata.requireOAuthUri(issuer, "issuer");
            return this;
        }

        /**
         * The JWKS URL, instead of the one the issuer's metadata gives (default: discovered).
         *
         * @param uri the JWKS URL: https (http only on a loopback host)
         * @return this builder
         */
        public Builder jwksUri(URI uri) {
            this.jwksUri = ResourceMetadata.requireOAuthUri(uri, "jwksUri");
            return this;
        }

        /**
         * Opaque tokens: each is checked by the issuer's introspection endpoint (RFC 7662) with these client
         * credentials (HTTP Basic), instead of as a JWT.
         *
         * @param clientId the gateway's client id at the authorization server
         * @param clientSecret its secret
         * @return this builder
         */
        public Builder introspection(String clientId, String clientSecret) {
            requireNonNull(clientId, "clientId");
            requireNonNull(clientSecret, "clientSecret");
            if (clientId.isBlank() || clientSecret.isEmpty()) {
                throw new IllegalArgumentException("introspection needs a client id and a secret");
            }
            this.clientId = clientId;
            this.clientSecret = clientSecret;
            return this;
        }

        /**
         * The introspection endpoint, instead of the one the issuer's metadata gives (default: discovered).
         *
         * @param uri the endpoint: https (http only on a loopback host)
         * @return this builder
         */
        public Builder introspectionUri(URI uri) {
            this.introspectionUri = ResourceMetadata.requireOAuthUri(uri, "introspectionUri");
            return this;
        }

        /**
         * How long a token's verdict is kept (default 60 s; never past the token's {@code exp}, which is checked again
         * on every use), and for at most how many tokens (default 10 000). A JWT is then verified once, not on every
         * request; an opaque token is introspected once. A refusal is kept for a tenth of the period (1 to 10 s), so a
         * client repeating a dead token costs nothing. Keys are the tokens' SHA-256. Zero turns the cache off.
         *
         * @param period zero (off) or 1 second to 1 hour
         * @param maxEntries 100 to 10 000 000
         * @return this builder
         */
        public Builder cache(Duration period, long maxEntries) {
            this.cacheFor = requireNonNull(period, "period").isZero()
                    ? Duration.ZERO
                    : between(period, Duration.ofSeconds(1), Duration.ofHours(1), "cache period");
            if (maxEntries < 100 || maxEntries > 10_000_000) {
                throw new IllegalArgumentException("cache size must be 100 to 10000000, was " + maxEntries);
            }
            this.cacheSize = maxEntries;
            return this;
        }

        /**
         * Other audiences a token may name instead of the resource URI (default none): an older URI of the same
         * endpoint, say. Each must identify this gateway alone; a shared audience lets tokens for other services in.
         *
         * @param audiences the extra audiences
         * @return this builder
         */
        public Builder audiences(List<String> audiences) {
            for (String a : audiences) {
                if (requireNonNull(a, "audience").isBlank()) throw new IllegalArgumentException("blank audience");
            }
            this.audiences.clear();
            this.audiences.addAll(audiences);
            return this;
        }

        /**
         * Scopes every token must grant (default none); a token without them gets 403 {@code insufficient_scope}.
         *
         * @param scopes scope tokens
         * @return this builder
         */
        public Builder requiredScopes(List<String> scopes) {
            for (String s : scopes) ResourceMetadata.requireScope(s);
            this.requiredScopes.clear();
            this.requiredScopes.addAll(scopes);
            return this;
        }

        /**
         * The scopes the metadata lists as {@code scopes_supported} (default: the required scopes).
         *
         * @param scopes scope tokens
         * @return this builder
         */
        public Builder scopesSupported(List<String> scopes) {
            for (String s : scopes) ResourceMetadata.requireScope(s);
            this.scopesSupported = List.copyOf(scopes);
            return this;
        }

        /**
         * The signature algorithms accepted (default {@link #DEFAULT_ALGORITHMS}). {@code none} and the HMAC ones
         * ({@code HS256}...) are refused: a resource server holds public keys only.
         *
         * @param names JWS algorithm names
         * @return this builder
         */
        public Builder algorithms(List<String> names) {
            if (names.isEmpty()) throw new IllegalArgumentException("at least one algorithm is needed");
            for (String n : names) {
                if (!DEFAULT_ALGORITHMS.contains(n)) {
                    throw new IllegalArgumentException("algorithm '" + n + "' is not accepted; choose from "
                            + DEFAULT_ALGORITHMS
                            + (n.startsWith("HS") || n.equalsIgnoreCase("none")
                                    ? " (none and HMAC are never accepted)"
                                    : ""));
                }
            }
            this.algorithms = List.copyOf(names);
            return this;
        }

        /**
         * How far the gateway's clock may be from the issuer's when {@code exp} and {@code nbf} are read (default 60 s).
         *
         * @param skew 0 to 5 minutes
         * @return this builder
         */
        public Builder clockSkew(Duration skew) {
            this.clockSkew = between(skew, Duration.ZERO, Duration.ofMinutes(5), "clockSkew");
            return this;
        }

        /**
         * The least time between two JWKS fetches caused by tokens naming unknown keys (default 30 s): a flood of
         * forged {@code kid}s costs the issuer one fetch per interval.
         *
         * @param interval 1 second to 1 hour
         * @return this builder
         */
        public Builder jwksRefreshInterval(Duration interval) {
            this.jwksRefreshInterval =
                    between(interval, Duration.ofSeconds(1), Duration.ofHours(1), "jwksRefreshInterval");
            return this;
        }

        /**
         * How old the held JWKS may get before it is fetched again in the background (default 10 minutes), so that a
         * key the issuer withdrew stops being accepted.
         *
         * @param age 1 minute to 1 day
         * @return this builder
         */
        public Builder jwksMaxAge(Duration age) {
            this.jwksMaxAge = between(age, Duration.ofMinutes(1), Duration.ofDays(1), "jwksMaxAge");
            return this;
        }

        /**
         * The limit on each exchange with the authorization server: connect, read and the whole call (default 5 s).
         *
         * @param timeout 100 ms to 1 minute
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            this.timeout = between(timeout, Duration.ofMillis(100), Duration.ofMinutes(1), "timeout");
            return this;
        }

        /**
         * The trust for TLS to the authorization server (default the JVM's), e.g. a private CA's.
         *
         * @param trust the trust manager
         * @return this builder
         */
        public Builder trustManager(X509TrustManager trust) {
            this.trust = requireNonNull(trust, "trust");
            return this;
        }

        /**
         * The claim that names the caller (default {@code sub}).
         *
         * @param claim a claim name
         * @return this builder
         */
        public Builder identityClaim(String claim) {
            if (requireNonNull(claim, "claim").isBlank()) throw new IllegalArgumentException("blank identityClaim");
            this.identityClaim = claim;
            return this;
        }

        /**
         * The {@code resource_name} of the metadata (default none).
         *
         * @param name a human-readable name
         * @return this builder
         */
        public Builder resourceName(@Nullable String name) {
            this.resourceName = name;
            return this;
        }

        /**
         * The wall clock {@code exp} and {@code nbf} are read against (default UTC system clock); tests inject one.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * The monotonic time source of the JWKS intervals and the introspection cache (default {@link Ticker#system()}).
         *
         * @param ticker the ticker
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * {@return the resource server}
         *
         * @throws IllegalStateException if no issuer was given, or a JWKS URI beside introspection
         */
        public OAuthResourceServer build() {
            if (issuer == null) {
                throw new IllegalStateException("an OAuth resource server needs its authorization server's issuer");
            }
            if (clientId != null && jwksUri != null) {
                throw new IllegalStateException("jwksUri is for JWT access tokens; with introspection it is not used");
            }
            if (clientId == null && introspectionUri != null) {
                throw new IllegalStateException("introspectionUri is set but introspection(clientId, secret) is not");
            }
            if (jwksMaxAge.compareTo(jwksRefreshInterval) < 0) {
                throw new IllegalStateException("jwksMaxAge must be at least jwksRefreshInterval");
            }
            ResourceMetadata m = ResourceMetadata.builder(resource)
                    .authorizationServer(issuer)
                    .scopesSupported(scopesSupported != null ? scopesSupported : requiredScopes)
                    .resourceName(resourceName)
                    .build();
            return new OAuthResourceServer(this, m);
        }

        private static Duration between(Duration d, Duration min, Duration max, String what) {
            requireNonNull(d, what);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException(what + " must be between " + min + " and " + max + ", was " + d);
            }
            return d;
        }
    }
}
