package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One MCP server replica behind the gateway: an immutable value built with {@link #builder(String, URI)}.
 *
 * <pre>{@code
 * Backend b = Backend.builder("replica-1", URI.create("http://10.0.0.5:8080/mcp"))
 *     .maxConnections(50)
 *     .build();
 * }</pre>
 *
 * <p>The URL is the backend's MCP endpoint; the gateway sends every request there, adding the client's query string.
 */
public final class Backend {

    /** Default for {@link Builder#weight(int)}: {@value}. */
    public static final int DEFAULT_WEIGHT = 1;
    /** Default for {@link Builder#maxConnections(int)} (the seed's {@code MaxConnections}): {@value}. */
    public static final int DEFAULT_MAX_CONNECTIONS = 100;
    /** Default for {@link Builder#healthCheckPath(String)}: {@value}. */
    public static final String DEFAULT_HEALTH_CHECK_PATH = "/health";

    private final String name;
    private final URI url;
    private final int weight;
    private final int maxConnections;
    private final TlsPolicy tlsPolicy;
    private final String healthCheckPath;
    private final boolean h2cPriorKnowledge;
    private final Map<String, String> headers;
    /** {@link #headers} as {@code name, value} pairs, for the transports. */
    final String[] headerPairs;

    private final boolean forwardClientCredentials;
    private final @Nullable BackendCredentials credentials;

    private Backend(Builder b) {
        this.name = b.name;
        this.url = b.url;
        this.weight = b.weight;
        this.maxConnections = b.maxConnections;
        this.tlsPolicy = b.tlsPolicy;
        this.healthCheckPath = b.healthCheckPath;
        this.h2cPriorKnowledge = b.h2cPriorKnowledge;
        this.headers = Map.copyOf(b.headers);
        List<String> pairs = new ArrayList<>();
        b.headers.forEach((k, v) -> {
            pairs.add(k);
            pairs.add(v);
        });
        this.headerPairs = pairs.toArray(new String[0]);
        this.forwardClientCredentials = b.forwardClientCredentials;
        this.credentials = b.credentials;
    }

    /**
     * Starts a backend with a name (unique within its pool; it appears in logs, health reports and session tokens)
     * and the URL of its MCP endpoint ({@code http} or {@code https}).
     *
     * @param name the backend's name, unique within its pool
     * @param url the absolute http(s) URL of its MCP endpoint
     * @return a new builder
     * @throws IllegalArgumentException if the name is blank or the URL is not an absolute http(s) URL
     */
    public static Builder builder(String name, URI url) {
        return new Builder(name, url);
    }

    /**
     * Shorthand for {@code builder(name, url).build()}.
     *
     * @param name the backend's name, unique within its pool
     * @param url the absolute http(s) URL of its MCP endpoint
     * @return the backend, with the defaults
     */
    public static Backend of(String name, String url) {
        return builder(name, URI.create(url)).build();
    }

    /** {@return the backend's name, unique within its pool} */
    public String name() {
        return name;
    }

    /** {@return the URL of the backend's MCP endpoint} */
    public URI url() {
        return url;
    }

    /** {@return the relative weight for weighted strategies (default {@value #DEFAULT_WEIGHT})} */
    public int weight() {
        return weight;
    }

    /**
     * {@return the most concurrent requests the gateway holds open to this backend (default {@value
     * #DEFAULT_MAX_CONNECTIONS})}
     */
    public int maxConnections() {
        return maxConnections;
    }

    /**
     * {@return how the gateway talks TLS to this backend when its URL is {@code https} (default {@link
     * TlsPolicy#system()})}
     */
    public TlsPolicy tlsPolicy() {
        return tlsPolicy;
    }

    /** {@return the path probed by active health checks (default {@value #DEFAULT_HEALTH_CHECK_PATH})} */
    public String healthCheckPath() {
        return healthCheckPath;
    }

    /**
     * Whether the gateway speaks cleartext HTTP/2 to this {@code http} backend without negotiation (h2c with prior
     * knowledge; default false). {@code https} backends get HTTP/2 whenever their TLS handshake offers it through ALPN.
     *
     * @return whether h2c with prior knowledge is used
     */
    public boolean h2cPriorKnowledge() {
        return h2cPriorKnowledge;
    }

    /**
     * The headers the gateway sends this backend on every request and health check, replacing any of the same name
     * from the client: the backend's own credentials ({@code Authorization: Bearer ...}), never the client's. Default
     * none.
     *
     * @return header names and values
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * Whether this backend receives the client's credential headers ({@link Authenticator#credentialHeaders()})
     * instead of having them removed (default false). <b>Unsafe</b>: the MCP authorization spec forbids passing a
     * client's token through; only for a backend that is the token's audience itself.
     *
     * @return whether the client's credentials are forwarded
     */
    public boolean forwardsClientCredentials() {
        return forwardClientCredentials;
    }

    /** {@return the credentials the gateway presents to this backend of its own accord, or null} */
    public @Nullable BackendCredentials credentials() {
        return credentials;
    }

    /**
     * A builder initialised from this backend.
     *
     * @return a new builder with this backend's settings
     */
    public Builder toBuilder() {
        return new Builder(name, url)
                .weight(weight)
                .maxConnections(maxConnections)
                .tlsPolicy(tlsPolicy)
                .healthCheckPath(healthCheckPath)
                .h2cPriorKnowledge(h2cPriorKnowledge)
                .headers(headers)
                .forwardClientCredentials(forwardClientCredentials)
                .credentials(credentials);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Backend other)) return false;

        return weight == other.weight
                && maxConnections == other.maxConnections
                && name.equals(other.name)
                && url.equals(other.url)
                && tlsPolicy.equals(other.tlsPolicy)
                && healthCheckPath.equals(other.healthCheckPath)
                && h2cPriorKnowledge == other.h2cPriorKnowledge
                && headers.equals(other.headers)
                && forwardClientCredentials == other.forwardClientCredentials
                && Objects.equals(credentials, other.credentials);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, url, weight, maxConnections, healthCheckPath);
    }

    @Override
    public String toString() {
        return "Backend{" + name + " " + url + "}";
    }

    /** Request headers a backend's configuration cannot set: the gateway's own, and the hop-by-hop ones. */
    private static final Set<String> OWNED_HEADERS = Set.of(
            "host",
            "content-length",
            "transfer-encoding",
            "connection",
            "keep-alive",
            "upgrade",
            "te",
            "trailer",
            "expect",
            "mcp-session-id",
            "mcp-protocol-version",
            "last-event-id");

    /** Builds a {@link Backend}; setters validate their argument and say what was expected. */
    public static final class Builder {
        private final String name;
        private final URI url;
        private int weight = DEFAULT_WEIGHT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private TlsPolicy tlsPolicy = TlsPolicy.system();
        private String healthCheckPath = DEFAULT_HEALTH_CHECK_PATH;
        private boolean h2cPriorKnowledge;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private boolean forwardClientCredentials;
        private @Nullable BackendCredentials credentials;

        private Builder(String name, URI url) {
            requireNonNull(name, "name");
            requireNonNull(url, "url");
            if (name.isBlank()) {
                throw new IllegalArgumentException("backend name must not be blank");
            }
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!url.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
                throw new IllegalArgumentException("backend '" + name
                        + "' url must be an absolute http:// or https:// URL with a host, was: " + url);
            }
            if (url.getRawFragment() != null) {
                throw new IllegalArgumentException("backend '" + name + "' url must not have a fragment, was: " + url);
            }
            this.name = name;
            this.url = url;
        }

        /**
         * Relative weight, 1 to 1000 (default {@value #DEFAULT_WEIGHT}).
         *
         * @param weight the relative weight, 1 to 1000
         * @return this builder
         */
        public Builder weight(int weight) {
            if (weight < 1 || weight > 1000) {
                throw new IllegalArgumentException("weight must be between 1 and 1000, was: " + weight);
            }
            this.weight = weight;
            return this;
        }

        /**
         * Concurrent request cap, 1 to 100000 (default {@value #DEFAULT_MAX_CONNECTIONS}).
         *
         * @param maxConnections the most requests in flight to this backend, 1 to 100000
         * @return this builder
         */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1 || maxConnections > 100_000) {
                throw new IllegalArgumentException(
                        "maxConnections must be between 1 and 100000, was: " + maxConnections);
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /**
         * TLS policy for an {@code https} backend (default {@link TlsPolicy#system()}).
         *
         * @param tlsPolicy how to verify the backend and what to present to it
         * @return this builder
         */
        public Builder tlsPolicy(TlsPolicy tlsPolicy) {
            this.tlsPolicy = requireNonNull(tlsPolicy, "tlsPolicy");
            return this;
        }

        /**
         * Health-check path, starting with {@code /} (default {@value #DEFAULT_HEALTH_CHECK_PATH}).
         *
         * @param path the path the HTTP health check requests, starting with /
         * @return this builder
         */
        public Builder healthCheckPath(String path) {
            requireNonNull(path, "healthCheckPath");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("healthCheckPath must start with '/', was: " + path);
            }
            this.healthCheckPath = path;
            return this;
        }

        /**
         * Speak cleartext HTTP/2 with prior knowledge to this backend (default false). Only for {@code http} URLs of
         * servers known to accept h2c; {@code https} backends negotiate HTTP/2 through ALPN on their own.
         *
         * @param enabled whether to speak h2c with prior knowledge
         * @return this builder
         */
        public Builder h2cPriorKnowledge(boolean enabled) {
            this.h2cPriorKnowledge = enabled;
            return this;
        }

        /**
         * Sends a header of the gateway's to this backend on every request and health check (its own credentials, a
         * tenant header), replacing a client header of the same name. Calling it again for a name replaces the value.
         *
         * @param name a header name (a token: no spaces or separators); not one the gateway owns ({@code Host},
         *     {@code Content-Length}, {@code Mcp-Session-Id}, {@code Connection}, ...)
         * @param value its value: visible ASCII and spaces, no line breaks
         * @return this builder
         */
        public Builder header(String name, String value) {
            requireNonNull(name, "name");
            requireNonNull(value, "value");
            if (!HeaderText.isToken(name)) {
                throw new IllegalArgumentException("backend '" + this.name + "': not a header name: '" + name + "'");
            }
            if (OWNED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(
                        "backend '" + this.name + "': the gateway sets " + name + " itself; it cannot be configured");
            }
            if (!HeaderText.isValue(value)) {
                throw new IllegalArgumentException("backend '" + this.name + "': the value of " + name
                        + " must be visible ASCII and spaces, without line breaks");
            }
            headers.keySet().removeIf(k -> k.equalsIgnoreCase(name));
            headers.put(name, value);
            return this;
        }

        /**
         * Replaces the gateway's headers for this backend (see {@link #header(String, String)}).
         *
         * @param headers names and values
         * @return this builder
         */
        public Builder headers(Map<String, String> headers) {
            this.headers.clear();
            headers.forEach(this::header);
            return this;
        }

        /**
         * Forwards the client's credential headers to this backend instead of removing them (default false).
         * <b>Unsafe</b>, and against the MCP authorization spec ("token passthrough"): the backend sees a token that
         * was issued for the gateway, and could replay it. Only for a backend that validates the same token itself.
         *
         * @param enabled whether to forward the client's credentials
         * @return this builder
         */
        public Builder forwardClientCredentials(boolean enabled) {
            this.forwardClientCredentials = enabled;
            return this;
        }

        /**
         * Credentials the gateway presents to this backend of its own accord (default none): each attempt and health
         * check gets {@code Authorization} from {@link BackendCredentials#authorization(Backend)}, replacing any of
         * the client's. Not with {@link #forwardClientCredentials(boolean)} or a configured {@code Authorization}
         * header.
         *
         * @param credentials the source of the backend's credentials, or null for none
         * @return this builder
         */
        public Builder credentials(@Nullable BackendCredentials credentials) {
            this.credentials = credentials;
            return this;
        }

        /**
         * Builds the immutable backend.
         *
         * @return the backend
         * @throws IllegalStateException if h2c prior knowledge is asked of an {@code https} backend, or a TLS policy
         *     other than the default is given for an {@code http} backend (its pins or client certificate would never
         *     be used: the connection would be plaintext)
         */
        public Backend build() {
            if (tlsPolicy != TlsPolicy.system() && !"https".equalsIgnoreCase(url.getScheme())) {
                throw new IllegalStateException("backend '" + name + "' has a TLS policy but a plain " + url.getScheme()
                        + ":// url (" + url + "): use https:// or drop the policy; the gateway never sends a backend"
                        + " meant for TLS over plaintext");
            }
            if (credentials != null
                    && (forwardClientCredentials
                            || headers.keySet().stream().anyMatch(h -> h.equalsIgnoreCase("Authorization")))) {
                throw new IllegalStateException("backend '" + name + "': credentials are set together with "
                        + (forwardClientCredentials ? "forwardClientCredentials" : "an Authorization header")
                        + "; choose one source of its Authorization");
            }
            if (h2cPriorKnowledge && "https".equalsIgnoreCase(url.getScheme())) {
                throw new IllegalStateException("backend '" + name + "': h2cPriorKnowledge is for http:// URLs; https"
                        + " backends negotiate HTTP/2 through ALPN");
            }
            return new Backend(this);
        }
    }
}
