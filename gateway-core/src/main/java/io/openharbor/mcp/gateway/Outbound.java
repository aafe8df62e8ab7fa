package io.openharbor.mcp.gateway;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A request as it is to leave the gateway, in the gateway's own terms: method, where on the backend, headers already
 * filtered, body. Built by one thread and handed to the {@link Transport}; the request path never sees the client's
 * request type.
 */
final class Outbound {
    final String method;
    /** The client's query string, joined to any query of the backend URL; or null. */
    final @Nullable String query;
    /** A path resolved against the backend URL instead of it (a health check path), or null. */
    final @Nullable String path;

    final byte @Nullable [] body;
    /** The early answer waiting for this request's response headers, or null. */
    final @Nullable EarlyAnswer early;

    private String[] headers;
    private int size;
    /** The client's credential headers, kept apart for a backend that takes them; or null. */
    private String @Nullable [] credentials;

    Outbound(
            String method,
            @Nullable String query,
            @Nullable String path,
            byte @Nullable [] body,
            @Nullable EarlyAnswer early,
            int expectedHeaders) {
        this.method = method;
        this.query = query;
        this.path = path;
        this.body = body;
        this.early = early;
        this.headers = new String[Math.max(4, expectedHeaders * 2)];
    }

    /** A request to the backend URL itself. */
    static Outbound to(String method, byte[] body) {
        return new Outbound(method, null, null, body, null, 4);
    }

    Outbound header(String name, String value) {
        if (size == headers.length) {
            headers = Arrays.copyOf(headers, size * 2);
        }
        headers[size++] = name;
        headers[size++] = value;
        return this;
    }

    /**
     * Replaces headers ({@code lower-case name, value} pairs; an empty value only removes): a federation's per-server
     * protocol version and renamed {@code Mcp-Name}, or its fan-out calls' own headers.
     */
    void override(String[] pairs) {
        for (int p = 0; p < pairs.length; p += 2) {
            int kept = 0;
            for (int i = 0; i < size; i += 2) {
                if (!headers[i].equalsIgnoreCase(pairs[p])) {
                    headers[kept] = headers[i];
                    headers[kept + 1] = headers[i + 1];
                    kept += 2;
                }
            }
            size = kept;
        }
        for (int p = 0; p < pairs.length; p += 2) {
            if (!pairs[p + 1].isEmpty()) {
                header(pairs[p], pairs[p + 1]);
            }
        }
    }

    /** A copy with another body and {@code overrides} applied (see {@link #override}), for one attempt. */
    Outbound copy(byte @Nullable [] newBody, String[] overrides) {
        Outbound o = new Outbound(method, query, path, newBody, early, size / 2 + overrides.length / 2);
        System.arraycopy(headers, 0, o.headers, 0, size);
        o.size = size;
        o.override(overrides);
        return o;
    }

    /** Keeps a credential header of the client's aside: it is sent only to a backend that forwards credentials. */
    void credential(String name, String value) {
        String[] c = credentials;
        if (c == null) {
            credentials = new String[] {name, value};
        } else {
            c = Arrays.copyOf(c, c.length + 2);
            c[c.length - 2] = name;
            c[c.length - 1] = value;
            credentials = c;
        }
    }

    /**
     * This request as it goes to {@code backend}: with its configured headers (replacing the client's of the same
     * name), its own credentials, and, only when it forwards them, the client's. Itself when none applies (the common
     * case).
     */
    Outbound forBackend(Backend backend) {
        String[] c = backend.forwardsClientCredentials() ? credentials : null;
        BackendCredentials own = backend.credentials();
        String authorization = own == null ? null : own.authorization(backend);
        if (backend.headerPairs.length == 0 && c == null && authorization == null) {
            return this;
        }
        String[] overrides = backend.headerPairs;
        if (authorization != null) {
            overrides = Arrays.copyOf(overrides, overrides.length + 2);
            overrides[overrides.length - 2] = "Authorization";
            overrides[overrides.length - 1] = authorization;
        }
        Outbound o = copy(body, overrides);
        if (c != null) {
            for (int i = 0; i < c.length; i += 2) o.header(c[i], c[i + 1]);
        }
        return o;
    }

    int headerCount() {
        return size / 2;
    }

    String headerName(int index) {
        return headers[index * 2];
    }

    String headerValue(int index) {
        return headers[index * 2 + 1];
    }
}
