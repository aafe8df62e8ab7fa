package io.openharbor.mcp.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** The {@code AllowedOrigins} list: exact origins and {@code scheme://*.domain[:port]} patterns. */
final class OriginMatcher {
    private final boolean any;
    private final List<String> schemes;
    /** Exact host, or the suffix {@code .domain} for a pattern. */
    private final List<String> hosts;

    private final List<Boolean> wildcard;
    private final int[] ports;

    private OriginMatcher(boolean any, List<String> schemes, List<String> hosts, List<Boolean> wildcard, int[] ports) {
        this.any = any;
        this.schemes = schemes;
        this.hosts = hosts;
        this.wildcard = wildcard;
        this.ports = ports;
    }

    boolean isEmpty() {
        return !any && hosts.isEmpty();
    }

    static OriginMatcher of(List<String> origins) {
        boolean any = false;
        List<String> schemes = new ArrayList<>();
        List<String> hosts = new ArrayList<>();
        List<Boolean> wildcard = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < origins.size(); i++) {
            String o = origins.get(i);
            if (o == null) {
                throw new IllegalArgumentException("allowedOrigins[" + i + "] is null");
            }
            if (o.trim().equals("*")) {
                any = true;
                continue;
            }
            boolean wild = false;
            String text = o.trim();
            int sep = text.indexOf("://");
            if (sep > 0 && text.startsWith("*.", sep + 3)) {
                wild = true;
                text = text.substring(0, sep + 3) + text.substring(sep + 5);
            }
            Origin parsed = Origin.parse(text);
            if (parsed == null || parsed.authority.host.indexOf('*') >= 0) {
                throw new IllegalArgumentException("allowedOrigins[" + i + "] is not an origin: '" + o
                        + "' (expected scheme://host[:port] with no path, e.g. https://app.example.com or"
                        + " https://*.example.com)");
            }
            schemes.add(parsed.scheme);
            hosts.add(wild ? "." + parsed.authority.host : parsed.authority.host);
            wildcard.add(wild);
            ports.add(parsed.port());
        }
        int[] p = new int[ports.size()];
        for (int i = 0; i < p.length; i++) p[i] = ports.get(i);
        return new OriginMatcher(any, List.copyOf(schemes), List.copyOf(hosts), List.copyOf(wildcard), p);
    }

    boolean matches(@Nullable Origin origin) {
        if (any) return true;
        if (origin == null) return false;
        for (int i = 0; i < hosts.size(); i++) {
            if (!schemes.get(i).equals(origin.scheme) || ports[i] != origin.port()) continue;
            if (HeaderText.hostMatches(hosts.get(i), wildcard.get(i), origin.authority.host)) {
                return true;
            }
        }
        return false;
    }

    /** A serialized origin {@code scheme://host[:port]} (RFC 6454), parsed. */
    static final class Origin {
        final String scheme;
        final HeaderText.Authority authority;

        private Origin(String scheme, HeaderText.Authority authority) {
            this.scheme = scheme;
            this.authority = authority;
        }

        int port() {
            return authority.port(scheme);
        }

        /** Parses an {@code Origin} header value; null for {@code null}, a path, or anything malformed. */
        static @Nullable Origin parse(String value) {
            if (value == null) return null;
            String v = value.trim();
            int sep = v.indexOf("://");
            if (sep <= 0) return null;
            String scheme = v.substring(0, sep).toLowerCase(Locale.ROOT);
            for (int i = 0; i < scheme.length(); i++) {
                char c = scheme.charAt(i);
                if (!((c >= 'a' && c <= 'z')
                        || (i > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')))) {
                    return null;
                }
            }
            String rest = v.substring(sep + 3);
            if (rest.endsWith("/")) rest = rest.substring(0, rest.length() - 1);
            if (rest.indexOf('/') >= 0 || rest.indexOf('@') >= 0 || rest.indexOf('?') >= 0) return null;
            HeaderText.Authority a = HeaderText.authority(rest);
            return a == null ? null : new Origin(scheme, a);
        }
    }
}
