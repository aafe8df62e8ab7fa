package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's edge rules: HTTPS enforcement, which proxies' forwarding headers to believe, the security headers on
 * every answer, the browser origins and {@code Host} names accepted, and CORS. Immutable; build one with
 * {@link #builder()} and give it to {@link Gateway.Builder#security(SecurityPolicy)}.
 *
 * <pre>{@code
 * SecurityPolicy security = SecurityPolicy.builder()
 *     .requireHttps(true)                                  // plain HTTP gets a 308 to https://
 *     .trustForwardedHeaders(true)                         // believe X-Forwarded-* / Forwarded ...
 *     .trustedProxies(List.of("10.0.0.0/8"))               // ... only from these peers
 *     .allowedOrigins(List.of("https://app.example.com", "https://*.example.com"))
 *     .allowedHosts(List.of("mcp.example.com"))            // DNS-rebinding guard
 *     .build();
 * }</pre>
 *
 * <p>Without a policy the gateway uses {@link #defaults()}: plain HTTP allowed, forwarding headers ignored, the
 * default security headers, any {@code Host}, and a request carrying an {@code Origin} accepted only from a page of the
 * gateway's own loopback origin (non-browser clients send no {@code Origin}). See {@code docs/security.md}.
 */
public final class SecurityPolicy {

    /** Default for {@link Builder#hsts(String)}: one year, subdomains included, no preload. */
    public static final String DEFAULT_HSTS = "max-age=31536000; includeSubDomains";
    /** Default for {@link Builder#httpsPort(int)}: {@value}. */
    public static final int DEFAULT_HTTPS_PORT = 443;
    /** Default for {@link Builder#corsMaxAge(Duration)}: 10 minutes. */
    public static final Duration DEFAULT_CORS_MAX_AGE = Duration.ofMinutes(10);
    /** The proxies trusted when forwarding headers are on and no list is given: loopback, as in ASP.NET Core. */
    public static final List<String> DEFAULT_TRUSTED_PROXIES = List.of("127.0.0.0/8", "::1");

    /** The request headers a CORS preflight may ask for without configuration (plus any {@code Mcp-*} header). */
    public static final List<String> CORS_ALLOWED_HEADERS = List.of(
            "Content-Type",
            "Accept",
            "Authorization",
            "X-API-Key",
            "Mcp-Session-Id",
            "MCP-Protocol-Version",
            "Last-Event-ID");
    /** The response headers exposed to browser scripts by CORS. */
    public static final List<String> CORS_EXPOSED_HEADERS =
            List.of("Mcp-Session-Id", "MCP-Protocol-Version", "WWW-Authenticate", "Retry-After");

    private static final Map<String, String> DEFAULT_HEADERS;

    static {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
        h.put("X-Frame-Options", "DENY");
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "no-referrer");
        h.put(
                "Permissions-Policy",
                "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(),"
                        + " microphone=(), payment=(), usb=()");
        DEFAULT_HEADERS = Collections.unmodifiableMap(h);
    }

    private static final SecurityPolicy DEFAULTS = builder().build();

    /** What a plain-HTTP request gets when HTTPS is required. */
    public enum HttpsAction {
        /** {@code 308 Permanent Redirect} to the same URL over HTTPS (method and body are kept). */
        REDIRECT,
        /** {@code 403 Forbidden} with a JSON-RPC error. */
        REJECT
    }

    final boolean requireHttps;
    final HttpsAction httpsAction;
    final int httpsPort;
    final boolean trustForwardedHeaders;
    final List<String> trustedProxies;
    final IpRange[] proxyRanges;
    final boolean forwardedHeadersToBackend;
    final Map<String, String> responseHeaders;
    final @Nullable String hsts;
    final List<String> allowedOrigins;
    final OriginMatcher origins;
    final List<String> allowedHosts;
    final HostMatcher hosts;
    final Duration corsMaxAge;
    final List<String> corsAllowedHeaders;

    private SecurityPolicy(Builder b) {
        this.requireHttps = b.requireHttps;
        this.httpsAction = b.httpsAction;
        this.httpsPort = b.httpsPort;
        this.trustForwardedHeaders = b.trustForwardedHeaders;
        this.trustedProxies = b.trustedProxies;
        this.proxyRanges = b.proxyRanges;
        this.forwardedHeadersToBackend = b.forwardedHeadersToBackend;
        this.responseHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(b.responseHeaders));
        this.hsts = b.hsts;
        this.allowedOrigins = b.allowedOrigins;
        this.origins = b.origins;
        this.allowedHosts = b.allowedHosts;
        this.hosts = b.hosts;
        this.corsMaxAge = b.corsMaxAge;
        this.corsAllowedHeaders = b.corsAllowedHeaders;
    }

    /**
     * The policy used when none is set; see the class comment.
     *
     * @return the defaults
     */
    public static SecurityPolicy defaults() {
        return DEFAULTS;
    }

    /**
     * Starts a builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@return whether plain-HTTP requests are refused or redirected} */
    public boolean requireHttps() {
        return requireHttps;
    }

    /** {@return what a plain-HTTP request gets when {@link #requireHttps()}} */
    public HttpsAction httpsAction() {
        return httpsAction;
    }

    /** {@return the port of the HTTPS redirect target} */
    public int httpsPort() {
        return httpsPort;
    }

    /** {@return whether forwarding headers from {@link #trustedProxies()} are believed} */
    public boolean trustForwardedHeaders() {
        return trustForwardedHeaders;
    }

    /** {@return the addresses and CIDR ranges whose forwarding headers are believed} */
    public List<String> trustedProxies() {
        return trustedProxies;
    }

    /**
     * {@return whether the gateway sets {@code X-Forwarded-For}, {@code -Proto} and {@code -Host} on forwarded
     * requests}
     */
    public boolean forwardedHeadersToBackend() {
        return forwardedHeadersToBackend;
    }

    /** {@return the security headers on every answer (HSTS aside), in order} */
    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    /** {@return the {@code Strict-Transport-Security} value sent on HTTPS answers, or null when off} */
    public @Nullable String hsts() {
        return hsts;
    }

    /**
     * The browser origins accepted, exact or {@code scheme://*.domain} patterns; empty means the default rule.
     *
     * @return the origins
     */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /**
     * The {@code Host} names accepted; empty means any.
     *
     * @return the hosts
     */
    public List<String> allowedHosts() {
        return allowedHosts;
    }

    /** {@return how long a browser may cache a CORS preflight answer} */
    public Duration corsMaxAge() {
        return corsMaxAge;
    }

    /**
     * Request headers a preflight may ask for beyond {@link #CORS_ALLOWED_HEADERS}.
     *
     * @return the header names
     */
    public List<String> corsAllowedHeaders() {
        return corsAllowedHeaders;
    }

    /** Builds a {@link SecurityPolicy}; every setter validates its argument. */
    public static final class Builder {
        private boolean requireHttps;
        private HttpsAction httpsAction = HttpsAction.REDIRECT;
        private int httpsPort = DEFAULT_HTTPS_PORT;
        private boolean trustForwardedHeaders;
        private List<String> trustedProxies = DEFAULT_TRUSTED_PROXIES;
        private IpRange[] proxyRanges = ranges(DEFAULT_TRUSTED_PROXIES);
        private boolean forwardedHeadersToBackend = true;
        private final Map<String, String> responseHeaders = new LinkedHashMap<>(DEFAULT_HEADERS);
        private @Nullable String hsts = DEFAULT_HSTS;
        private List<String> allowedOrigins = List.of();
        private OriginMatcher origins = OriginMatcher.of(List.of());
        private List<String> allowedHosts = List.of();
        private HostMatcher hosts = HostMatcher.of(List.of());
        private Duration corsMaxAge = DEFAULT_CORS_MAX_AGE;
        private List<String> corsAllowedHeaders = List.of();

        private Builder() {}

        /**
         * The seed's {@code RequireHttps} (default false): a request that did not arrive over TLS (as the adapter
         * reports it, or as a trusted proxy's {@code X-Forwarded-Proto}/{@code Forwarded} says) is redirected or
         * refused, see {@link #httpsAction(HttpsAction)}. The health endpoint is exempt, for load-balancer probes.
         *
         * @param require whether plain HTTP is refused or redirected
         * @return this builder
         */
        public Builder requireHttps(boolean require) {
            this.requireHttps = require;
            return this;
        }

        /**
         * What a plain-HTTP request gets when HTTPS is required (default {@link HttpsAction#REDIRECT}).
         *
         * @param action redirect or refuse
         * @return this builder
         */
        public Builder httpsAction(HttpsAction action) {
            this.httpsAction = requireNonNull(action, "httpsAction");
            return this;
        }

        /**
         * The port of the {@code https://} redirect target (default 443, left out of the URL).
         *
         * @param port the HTTPS port redirects name
         * @return this builder
         */
        public Builder httpsPort(int port) {
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("httpsPort must be between 1 and 65535, was: " + port);
            }
            this.httpsPort = port;
            return this;
        }

        /**
         * The seed's {@code TrustForwardedHeaders} (default false): believe {@code Forwarded} (RFC 7239) or
         * {@code X-Forwarded-For}/{@code -Proto}/{@code -Host} when, and only when, the connection comes from one of
         * {@link #trustedProxies(List)}. The client is then the nearest address in the chain that is not a trusted
         * proxy. Forwarding headers from any other peer are ignored, and removed before the request is forwarded.
         *
         * @param trust whether forwarding headers of trusted proxies are read
         * @return this builder
         */
        public Builder trustForwardedHeaders(boolean trust) {
            this.trustForwardedHeaders = trust;
            return this;
        }

        /**
         * The proxies whose forwarding headers are believed: addresses or CIDR ranges, IPv4 or IPv6 (default
         * loopback: {@code 127.0.0.0/8} and {@code ::1}). Only literals; names are refused, never resolved.
         *
         * @param proxies addresses and CIDR ranges
         * @return this builder
         * @throws IllegalArgumentException naming an entry that is not an address or range
         */
        public Builder trustedProxies(List<String> proxies) {
            requireNonNull(proxies, "trustedProxies");
            this.proxyRanges = ranges(proxies);
            this.trustedProxies = List.copyOf(proxies);
            return this;
        }

        /**
         * Whether forwarded requests carry {@code X-Forwarded-For} (the chain up to and including the gateway's peer),
         * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} as the gateway resolved them (default true). Either
         * way, forwarding headers the gateway did not believe are never passed on.
         *
         * @param forward whether X-Forwarded-* go to backends
         * @return this builder
         */
        public Builder forwardedHeadersToBackend(boolean forward) {
            this.forwardedHeadersToBackend = forward;
            return this;
        }

        /**
         * Sets a security header sent on every answer, the gateway's own and relayed ones (a backend's header of the
         * same name is replaced). A null value removes the header, including a default one. Defaults:
         * {@code Content-Security-Policy: default-src 'none'; frame-ancestors 'none'}, {@code X-Frame-Options: DENY},
         * {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer} and a
         * {@code Permissions-Policy} that denies device features.
         *
         * @param name the header's name
         * @param value its value, or null to send none
         * @return this builder
         */
        public Builder responseHeader(String name, @Nullable String value) {
            requireNonNull(name, "name");
            if (!HeaderText.isToken(name)) {
                throw new IllegalArgumentException("not a valid header name: '" + name + "'");
            }
            if (name.equalsIgnoreCase("Strict-Transport-Security")) {
                throw new IllegalArgumentException(
                        "set Strict-Transport-Security with hsts(...): it is sent on HTTPS" + " answers only");
            }
            responseHeaders.keySet().removeIf(k -> k.equalsIgnoreCase(name));
            if (value != null) {
                if (!HeaderText.isValue(value)) {
                    throw new IllegalArgumentException("not a valid value for header " + name + ": '" + value + "'");
                }
                responseHeaders.put(name, value);
            }
            return this;
        }

        /**
         * The {@code Strict-Transport-Security} value, sent on answers to HTTPS requests only (RFC 6797); default
         * {@value #DEFAULT_HSTS}; null turns it off. {@code preload} is not in the default because it is a commitment
         * to browser preload lists that only the domain's owner can make.
         *
         * @param value the header value, or null
         * @return this builder
         */
        public Builder hsts(@Nullable String value) {
            if (value != null
                    && (!HeaderText.isValue(value)
                            || !value.toLowerCase(Locale.ROOT).contains("max-age="))) {
                throw new IllegalArgumentException(
                        "hsts must be a Strict-Transport-Security value with max-age=...," + " was: '" + value + "'");
            }
            this.hsts = value;
            return this;
        }

        /**
         * The seed's {@code AllowedOrigins}: browser origins accepted, exactly ({@code https://app.example.com},
         * default ports implied) or as a subdomain pattern ({@code https://*.example.com} matches any subdomain at any
         * depth, not the domain itself). {@code "*"} accepts every origin (not recommended). A request whose
         * {@code Origin} is not accepted gets 403. Empty (the default): only a page of the gateway's own loopback
         * origin is accepted, which passes the MCP conformance DNS-rebinding check on a local gateway.
         *
         * @param origins exact origins and https://*.example.com patterns
         * @return this builder
         * @throws IllegalArgumentException naming an entry that is not {@code scheme://host[:port]}
         */
        public Builder allowedOrigins(List<String> origins) {
            requireNonNull(origins, "allowedOrigins");
            this.origins = OriginMatcher.of(origins);
            this.allowedOrigins = List.copyOf(origins);
            return this;
        }

        /**
         * {@code Host} names accepted (the DNS-rebinding guard): {@code mcp.example.com} (any port),
         * {@code mcp.example.com:8443}, {@code *.example.com}, {@code 127.0.0.1}, {@code [::1]}, {@code localhost}.
         * A request for another host gets 403. Empty (the default) accepts any host.
         *
         * @param hosts host names, host:port and *. patterns
         * @return this builder
         */
        public Builder allowedHosts(List<String> hosts) {
            requireNonNull(hosts, "allowedHosts");
            this.hosts = HostMatcher.of(hosts);
            this.allowedHosts = List.copyOf(hosts);
            return this;
        }

        /**
         * How long browsers may cache a preflight answer ({@code Access-Control-Max-Age}; default 10 minutes).
         *
         * @param maxAge how long a preflight answer may be cached
         * @return this builder
         */
        public Builder corsMaxAge(Duration maxAge) {
            requireNonNull(maxAge, "corsMaxAge");
            if (maxAge.isNegative()) {
                throw new IllegalArgumentException("corsMaxAge must not be negative, was: " + maxAge);
            }
            this.corsMaxAge = maxAge;
            return this;
        }

        /**
         * Request headers a preflight may ask for besides {@link #CORS_ALLOWED_HEADERS} and {@code Mcp-*}.
         *
         * @param headers header names a preflight may ask for
         * @return this builder
         */
        public Builder corsAllowedHeaders(List<String> headers) {
            requireNonNull(headers, "corsAllowedHeaders");
            List<String> copy = new ArrayList<>(headers.size());
            for (String h : headers) {
                if (h == null || !HeaderText.isToken(h)) {
                    throw new IllegalArgumentException("not a valid header name in corsAllowedHeaders: '" + h + "'");
                }
                copy.add(h);
            }
            this.corsAllowedHeaders = List.copyOf(copy);
            return this;
        }

        /**
         * Builds the policy.
         *
         * @return the policy
         */
        public SecurityPolicy build() {
            return new SecurityPolicy(this);
        }

        private static IpRange[] ranges(List<String> proxies) {
            IpRange[] out = new IpRange[proxies.size()];
            for (int i = 0; i < out.length; i++) {
                String p = proxies.get(i);
                if (p == null) {
                    throw new IllegalArgumentException("trustedProxies[" + i + "] is null");
                }
                out[i] = IpRange.parse(p);
            }
            return out;
        }
    }
}
