package io.openharbor.mcp.gateway.oauth;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The scopes a token grants: {@code scope} (RFC 9068, RFC 7662: space-separated) and {@code scp} (string or array). */
final class Scopes {
    private Scopes() {}

    static Set<String> of(Map<String, Object> claims) {
        Set<String> scopes = new LinkedHashSet<>();
        add(scopes, claims.get("scope"));
        add(scopes, claims.get("scp"));
        return scopes;
    }

    private static void add(Set<String> into, @Nullable Object value) {
        if (value instanceof String s) {
            int start = 0;
            for (int i = 0; i <= s.length(); i++) {
                if (i == s.length() || s.charAt(i) == ' ') {
                    if (i > start) into.add(s.substring(start, i));
                    start = i + 1;
                }
            }
        } else if (value instanceof Iterable<?> list) {
            for (Object o : list) {
                if (o instanceof String s && !s.isEmpty()) into.add(s);
            }
        }
    }
}
