package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API-key authentication, the seed's {@code X-API-Key}: each key has a name, which becomes the caller's identity. Only
 * SHA-256 hashes of the keys are held (a plain key given to the builder is hashed at once), a presented key is hashed
 * and compared with every configured hash in constant time, and keys are never logged. Optionally the key is also
 * accepted as {@code Authorization: Bearer <key>}.
 *
 * <pre>{@code
 * ApiKeys keys = ApiKeys.builder()
 *     .key("ci-bot", System.getenv("CI_BOT_KEY"))                       // hashed at once
 *     .keyHash("alice", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")  // sha256 hex
 *     .bearer(true)
 *     .build();
 * Gateway gateway = Gateway.builder().pool(pool).authenticator(keys).build();
 * }</pre>
 *
 * <p>Print a key's hash with {@code printf %s "$KEY" | sha256sum}.
 */
public final class ApiKeys implements Authenticator {
    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    /** Default for {@link Builder#header(String)}: {@value}. */
    public static final String DEFAULT_HEADER = "X-API-Key";
    /** Default for {@link Builder#realm(String)}: {@value}. */
    public static final String DEFAULT_REALM = "mcp-gateway";
    /** Keys shorter than this are accepted with a warning: they may be guessable. */
    static final int SHORT_KEY = 16;
    /** A presented key longer than this is refused without hashing. */
    private static final int MAX_PRESENTED = 4096;

    private final String[] names;
    private final byte[][] hashes;
    private final String header;
    private final boolean bearer;
    private final String challenge;
    private final Set<String> credentialHeaders;

    private ApiKeys(Builder b) {
        this.names = b.names.toArray(new String[0]);
        this.hashes = b.hashes.toArray(new byte[0][]);
        this.header = b.header;
        this.bearer = b.bearer;
        String apiKey = "ApiKey realm=\"" + b.realm + "\", header=\"" + b.header + "\"";
        this.challenge = bearer ? "Bearer realm=\"" + b.realm + "\", " + apiKey : apiKey;
        Set<String> strip = new LinkedHashSet<>();
        strip.add(b.header);
        if (bearer) strip.add("Authorization");
        this.credentialHeaders = Set.copyOf(strip);
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return the names of the configured keys, in order} */
    public List<String> names() {
        return List.of(names);
    }

    @Override
    public Set<String> credentialHeaders() {
        return credentialHeaders;
    }

    @Override
    public Authentication authenticate(GatewayRequest request) {
        List<String> presented = new ArrayList<>(1);
        List<String> values = request.headers(header);
        for (String v : values) {
            presented.add(v.trim());
        }
        if (bearer) {
            for (String v : request.headers("Authorization")) {
                String t = v.trim();
                if (t.regionMatches(true, 0, "Bearer ", 0, 7)) {
                    presented.add(t.substring(7).trim());
                }
            }
        }
        if (presented.isEmpty()) {
            return Authentication.unauthorized(
                    challenge, "an API key is required (" + header + (bearer ? " or Authorization: Bearer" : "") + ")");
        }
        String key = presented.get(0);
        for (int i = 1; i < presented.size(); i++) {
            if (!presented.get(i).equals(key)) {
                return Authentication.unauthorized(challenge, "more than one API key was presented");
            }
        }
        if (key.isEmpty() || key.length() > MAX_PRESENTED) {
            return Authentication.unauthorized(challenge, "invalid API key");
        }
        byte[] digest = sha256(key);
        int match = -1;
        for (int i = 0; i < hashes.length; i++) {
            // every hash is compared, and each comparison takes the same time: no early exit to time
            if (MessageDigest.isEqual(digest, hashes[i])) {
                match = i;
            }
        }
        return match < 0
                ? Authentication.unauthorized(challenge, "invalid API key")
                : Authentication.success(names[match]);
    }

    static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return "ApiKeys" + List.of(names);
    }

    /** Builds {@link ApiKeys}; each setter validates its argument. */
    public static final class Builder {
        private final List<String> names = new ArrayList<>();
        private final List<byte[]> hashes = new ArrayList<>();
        private String header = DEFAULT_HEADER;
        private boolean bearer;
        private String realm = DEFAULT_REALM;

        private Builder() {}

        /**
         * Adds a key given in plain text; only its SHA-256 is kept. Keys shorter than 16 characters are accepted with
         * a warning: use 32 random bytes, e.g. {@code openssl rand -base64 32}.
         *
         * @param name the caller's identity when this key is presented: 1 to 128 visible ASCII characters, unique
         * @param plainKey the key as clients send it
         * @return this builder
         */
        public Builder key(String name, String plainKey) {
            requireNonNull(plainKey, "key of '" + name + "'");
            if (plainKey.isBlank() || !HeaderText.isValue(plainKey) || plainKey.length() > MAX_PRESENTED) {
                throw new IllegalArgumentException(
                        "the API key of '" + name + "' must be 1 to " + MAX_PRESENTED + " visible ASCII characters");
            }
            if (plainKey.trim().length() < SHORT_KEY) {
                log.warn("the API key of '{}' is shorter than {} characters and may be guessable", name, SHORT_KEY);
            }
            return add(name, sha256(plainKey.trim()));
        }

        /**
         * Adds a key by its SHA-256 hash, as 64 hex digits (optionally prefixed {@code sha256:}), so the plain key
         * never has to be in the configuration.
         *
         * @param name the caller's identity when this key is presented, as for key(String, String)
         * @param sha256Hex the key's SHA-256 as 64 hex digits, optionally prefixed sha256:
         * @return this builder
         */
        public Builder keyHash(String name, String sha256Hex) {
            requireNonNull(sha256Hex, "hash of '" + name + "'");
            String hex = sha256Hex.trim();
            if (hex.regionMatches(true, 0, "sha256:", 0, 7)) {
                hex = hex.substring(7);
            }
            byte[] hash;
            try {
                hash = hex.length() == 64 ? HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT)) : null;
            } catch (IllegalArgumentException e) {
                hash = null;
            }
            if (hash == null) {
                throw new IllegalArgumentException("the key hash of '" + name + "' must be 64 hex digits (SHA-256),"
                        + " was " + sha256Hex.length() + " characters");
            }
            return add(name, hash);
        }

        private Builder add(String name, byte[] hash) {
            requireNonNull(name, "name");
            if (name.isBlank() || name.length() > 128 || !HeaderText.isValue(name) || !name.equals(name.trim())) {
                throw new IllegalArgumentException("an API key name must be 1 to 128 visible ASCII characters without"
                        + " surrounding spaces, was: '" + name + "'");
            }
            if (names.contains(name)) {
                throw new IllegalArgumentException("two API keys are named '" + name + "'");
            }
            for (int i = 0; i < hashes.size(); i++) {
                if (MessageDigest.isEqual(hashes.get(i), hash)) {
                    throw new IllegalArgumentException(
                            "the keys named '" + names.get(i) + "' and '" + name + "' are the same key");
                }
            }
            names.add(name);
            hashes.add(hash);
            return this;
        }

        /**
         * The request header that carries the key (default {@value #DEFAULT_HEADER}).
         *
         * @param name a header name (an RFC 9110 token)
         * @return this builder
         */
        public Builder header(String name) {
            requireNonNull(name, "header");
            if (!HeaderText.isToken(name) || name.equalsIgnoreCase("Authorization")) {
                throw new IllegalArgumentException(
                        "not a valid API key header name: '" + name + "' (for Authorization use bearer(true))");
            }
            this.header = name;
            return this;
        }

        /**
         * Whether {@code Authorization: Bearer <key>} is accepted as well (default false).
         *
         * @param accept whether a bearer token is accepted as the key
         * @return this builder
         */
        public Builder bearer(boolean accept) {
            this.bearer = accept;
            return this;
        }

        /**
         * The realm named in the {@code WWW-Authenticate} challenge (default {@value #DEFAULT_REALM}).
         *
         * @param realm the realm, quoted in the challenge
         * @return this builder
         */
        public Builder realm(String realm) {
            requireNonNull(realm, "realm");
            if (realm.isEmpty() || realm.indexOf('"') >= 0 || realm.indexOf('\\') >= 0 || !HeaderText.isValue(realm)) {
                throw new IllegalArgumentException("realm must be visible ASCII without quotes, was: '" + realm + "'");
            }
            this.realm = realm;
            return this;
        }

        /**
         * Builds the authenticator.
         *
         * @return the authenticator
         * @throws IllegalStateException if no key was added
         */
        public ApiKeys build() {
            if (names.isEmpty()) {
                throw new IllegalStateException("ApiKeys needs at least one key");
            }
            return new ApiKeys(this);
        }
    }
}
