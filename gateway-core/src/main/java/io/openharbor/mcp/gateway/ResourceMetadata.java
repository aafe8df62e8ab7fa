package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The OAuth 2.0 protected-resource metadata of the gateway's MCP endpoint (RFC 9728), which MCP clients read to find
 * the authorization server that issues tokens for it. An {@link Authenticator} that validates OAuth access tokens
 * offers it through {@link Authenticator#resourceMetadata()}; the gateway then serves it at
 * {@link #paths() /.well-known/oauth-protected-resource} and names it in every 401's {@code WWW-Authenticate}.
 * Immutable.
 *
 * <pre>{@code
 * ResourceMetadata metadata = ResourceMetadata.builder(URI.create("https://mcp.example.com/mcp"))
 *         .authorizationServer(URI.create("https://login.example.com/realms/mcp"))
 *         .scopesSupported(List.of("mcp:tools"))
 *         .build();
 * }</pre>
 */
public final class ResourceMetadata {
    /** The well-known path prefix of RFC 9728 §3: {@value}. */
    public static final String WELL_KNOWN = "/.well-known/oauth-protected-resource";

    private final URI resource;
    private final List<URI> authorizationServers;
    private final List<String> scopesSupported;
    private final List<String> bearerMethodsSupported;
    private final @Nullable String resourceName;
    private final @Nullable URI resourceDocumentation;
    private final String url;
    private final List<String> paths;
    private final String json;

    private ResourceMetadata(Builder b) {
        this.resource = b.resource;
        this.authorizationServers = List.copyOf(b.authorizationServers);
        this.scopesSupported = List.copyOf(b.scopesSupported);
        this.bearerMethodsSupported = List.of("header");
        this.resourceName = b.resourceName;
        this.resourceDocumentation = b.resourceDocumentation;
        String path = resource.getRawPath() == null || resource.getRawPath().equals("/") ? "" : resource.getRawPath();
        this.url = resource.getScheme() + "://" + resource.getRawAuthority() + WELL_KNOWN + path;
        this.paths = path.isEmpty() ? List.of(WELL_KNOWN) : List.of(WELL_KNOWN + path, WELL_KNOWN);
        this.json = render();
    }

    /**
     * A builder for the metadata of {@code resource}.
     *
     * @param resource the MCP endpoint's canonical URI, as clients address it and as tokens name it in {@code aud}
     *     (RFC 8707): absolute, {@code https} (or {@code http} on a loopback host), no fragment, no query
     * @return the builder
     */
    public static Builder builder(URI resource) {
        return new Builder(resource);
    }

    /** {@return the protected resource: the MCP endpoint's canonical URI} */
    public URI resource() {
        return resource;
    }

    /** {@return the issuers of the authorization servers that issue tokens for the resource} */
    public List<URI> authorizationServers() {
        return authorizationServers;
    }

    /** {@return the scopes a client may ask for, possibly empty} */
    public List<String> scopesSupported() {
        return scopesSupported;
    }

    /** {@return how a token may be presented: {@code header} only (never in the query or body)} */
    public List<String> bearerMethodsSupported() {
        return bearerMethodsSupported;
    }

    /** {@return the human-readable name of the resource, or null} */
    public @Nullable String resourceName() {
        return resourceName;
    }

    /** {@return where a developer reads about the resource, or null} */
    public @Nullable URI resourceDocumentation() {
        return resourceDocumentation;
    }

    /**
     * The document's URL, for {@code resource_metadata=} in {@code WWW-Authenticate} (RFC 9728 §5.1): the well-known
     * prefix inserted between the resource's authority and its path, {@code https://host/mcp} giving
     * {@code https://host/.well-known/oauth-protected-resource/mcp}.
     *
     * @return the metadata URL
     */
    public String url() {
        return url;
    }

    /**
     * The request paths the gateway serves the document at: the path-suffixed form of {@link #url()} first, then the
     * bare {@value #WELL_KNOWN}, which MCP clients try next (MCP 2025-11-25, "Protected Resource Metadata Discovery").
     * Both carry the same document; a host that mounts the gateway on its own paths must route these to it too.
     *
     * @return the paths, most specific first
     */
    public List<String> paths() {
        return paths;
    }

    /** {@return the document, as served} */
    public String toJson() {
        return json;
    }

    private String render() {
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"resource\":");
        JsonRpcErrors.quote(sb, resource.toString());
        sb.append(",\"authorization_servers\":");
        appendArray(sb, authorizationServers.stream().map(URI::toString).toList());
        if (!scopesSupported.isEmpty()) {
            sb.append(",\"scopes_supported\":");
            appendArray(sb, scopesSupported);
        }
        sb.append(",\"bearer_methods_supported\":");
        appendArray(sb, bearerMethodsSupported);
        if (resourceName != null) {
            sb.append(",\"resource_name\":");
            JsonRpcErrors.quote(sb, resourceName);
        }
        if (resourceDocumentation != null) {
            sb.append(",\"resource_documentation\":");
            JsonRpcErrors.quote(sb, resourceDocumentation.toString());
        }
        return sb.append('}').toString();
    }

    private static void appendArray(StringBuilder sb, List<String> values) {
        sb.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) sb.append(',');
            JsonRpcErrors.quote(sb, values.get(i));
        }
        sb.append(']');
    }

    @Override
    public String toString() {
        return "ResourceMetadata[" + resource + ", servers=" + authorizationServers + "]";
    }

    /**
     * Checks that a URI is fit to name an OAuth party (a resource, an issuer, an endpoint): absolute with a host,
     * {@code https}, or {@code http} on a loopback host (as OAuth 2.1 and MCP allow for local development), and
     * without a fragment.
     *
     * @param uri the URI
     * @param what what it is, for the message
     * @return the URI
     * @throws IllegalArgumentException naming {@code what} and the rule it breaks
     */
    public static URI requireOAuthUri(URI uri, String what) {
        requireNonNull(uri, what);
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getRawAuthority() == null || uri.getHost() == null) {
            throw new IllegalArgumentException(what + " must be an absolute URI with a host: '" + uri + "'");
        }
        if (!scheme.equals("https") && !(scheme.equals("http") && isLoopback(uri.getHost()))) {
            throw new IllegalArgumentException(
                    what + " must be https (http only on a loopback host, for local development): '" + uri + "'");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException(what + " must not have a fragment: '" + uri + "'");
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }

    /** Builds {@link ResourceMetadata}; not thread-safe. */
    public static final class Builder {
        private final URI resource;
        private final List<URI> authorizationServers = new ArrayList<>();
        private final List<String> scopesSupported = new ArrayList<>();
        private @Nullable String resourceName;
        private @Nullable URI resourceDocumentation;

        private Builder(URI resource) {
            requireOAuthUri(resource, "resource");
            if (resource.getRawQuery() != null) {
                throw new IllegalArgumentException("resource must not have a query (RFC 8707 §2): '" + resource + "'");
            }
            this.resource = resource;
        }

        /**
         * Adds an authorization server, by its issuer identifier (RFC 8414).
         *
         * @param issuer the issuer: https (http only on a loopback host)
         * @return this builder
         */
        public Builder authorizationServer(URI issuer) {
            requireOAuthUri(issuer, "authorization server");
            authorizationServers.add(issuer);
            return this;
        }

        /**
         * The scopes clients may request (default none listed).
         *
         * @param scopes scope tokens (RFC 6749 §3.3: printable ASCII, no spaces, quotes or backslashes)
         * @return this builder
         */
        public Builder scopesSupported(List<String> scopes) {
            for (String s : scopes) requireScope(s);
            scopesSupported.clear();
            scopesSupported.addAll(scopes);
            return this;
        }

        /**
         * The resource's human-readable name (default none).
         *
         * @param name the name
         * @return this builder
         */
        public Builder resourceName(@Nullable String name) {
            this.resourceName = name;
            return this;
        }

        /**
         * Where a developer reads about the resource (default none).
         *
         * @param uri the documentation's URI
         * @return this builder
         */
        public Builder resourceDocumentation(@Nullable URI uri) {
            this.resourceDocumentation = uri;
            return this;
        }

        /**
         * {@return the metadata}
         *
         * @throws IllegalStateException if no authorization server was given
         */
        public ResourceMetadata build() {
            if (authorizationServers.isEmpty()) {
                throw new IllegalStateException("protected-resource metadata needs at least one authorization server");
            }
            return new ResourceMetadata(this);
        }
    }

    /**
     * Checks a scope token (RFC 6749 §3.3: {@code %x21 / %x23-5B / %x5D-7E}).
     *
     * @param scope the scope
     * @return the scope
     * @throws IllegalArgumentException if it is empty or has a character a scope cannot have
     */
    public static String requireScope(String scope) {
        requireNonNull(scope, "scope");
        if (scope.isEmpty()) throw new IllegalArgumentException("a scope cannot be empty");
        for (int i = 0; i < scope.length(); i++) {
            char c = scope.charAt(i);
            if (c < 0x21 || c > 0x7E || c == '"' || c == '\\') {
                throw new IllegalArgumentException("not a valid scope (RFC 6749 §3.3): '" + scope + "'");
            }
        }
        return scope;
    }
}
