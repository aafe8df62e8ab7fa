package io.openharbor.mcp.gateway;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Header rules of an HTTP intermediary (RFC 9110 §7.6.1) and the media-type checks of the MCP transport. */
final class HttpRules {
    private HttpRules() {}

    /** Hop-by-hop headers: they describe one connection and are never forwarded, in either direction. */
    private static final Set<String> HOP_BY_HOP = Set.of(
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "proxy-authenticate",
            "proxy-authorization");

    /** Request headers the gateway sets itself (or that the host server has already consumed). */
    private static final Set<String> RESPONSE_OWNED = Set.of("content-length", "date", "server");

    private static final Set<String> REQUEST_OWNED = Set.of("host", "content-length", "expect", "http2-settings");

    /** Whether a request header (lower-case name) must not be copied to the backend. */
    static boolean dropRequestHeader(String lower, List<String> connectionTokens) {
        return HOP_BY_HOP.contains(lower) || REQUEST_OWNED.contains(lower) || connectionTokens.contains(lower);
    }

    /**
     * Whether a response header (lower-case name) must not be copied to the client: hop-by-hop ones, the length (the
     * host frames the body), and {@code Date} and {@code Server}, which the host sets for its own answer (two
     * {@code Date}s break HTTP; a backend's {@code Server} names software the client has no business knowing; nginx
     * drops both the same way).
     */
    static boolean dropResponseHeader(String lower, List<String> connectionTokens) {
        return HOP_BY_HOP.contains(lower) || RESPONSE_OWNED.contains(lower) || connectionTokens.contains(lower);
    }

    /** The header names listed in {@code Connection} values, lower case (they are hop-by-hop too). */
    static List<String> connectionTokens(List<String> connectionValues) {
        if (connectionValues == null || connectionValues.isEmpty()) {
            return List.of();
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>(2);
        for (String v : connectionValues) {
            for (String token : v.split(",", -1)) {
                String t = token.trim().toLowerCase(Locale.ROOT);
                if (!t.isEmpty()) out.add(t);
            }
        }
        return out;
    }

    /** Whether a header value holds CR, LF or NUL, which must never be written into a request to a backend. */
    static boolean hasLineBreak(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) return true;
        }
        return false;
    }

    /** The media type of a {@code Content-Type} value, lower case, without parameters; "" for none. */
    static String mediaType(@Nullable String contentType) {
        if (contentType == null) return "";
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    }

    /** Whether a Content-Type value names {@code application/json} (parameters such as charset allowed). */
    static boolean isJson(@Nullable String contentType) {
        if (contentType == null) return false;
        int semi = contentType.indexOf(';');
        String type = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
        return type.equalsIgnoreCase("application/json");
    }

    /**
     * Whether the {@code Accept} header values name {@code type/subtype} (exactly, not through a wildcard) with a
     * quality above zero.
     */
    static boolean accepts(List<String> acceptValues, String type, String subtype) {
        for (String value : acceptValues) {
            for (String range : value.split(",", -1)) {
                String[] parts = range.split(";", -1);
                String mediaRange = parts[0].trim();
                if (!matches(mediaRange, type, subtype)) continue;
                boolean zero = false;
                for (int i = 1; i < parts.length; i++) {
                    String param = parts[i].trim();
                    if (param.regionMatches(true, 0, "q=", 0, 2)) {
                        try {
                            zero = Double.parseDouble(param.substring(2).trim()) <= 0;
                        } catch (NumberFormatException e) {
                            zero = false;
                        }
                    }
                }
                if (!zero) return true;
            }
        }
        return false;
    }

    /**
     * Whether the media range names exactly {@code type/subtype}. Wildcards ({@code *}{@code /*}, {@code text/*}) do not
     * count: the MCP transport requires clients to list both media types, and the official SDK servers refuse a
     * request that does not, so the gateway applies the same rule and answers with its own 406 rather than forwarding
     * a request the backend would refuse in its own words.
     */
    private static boolean matches(String mediaRange, String type, String subtype) {
        int slash = mediaRange.indexOf('/');
        if (slash < 0) return false;
        return mediaRange.substring(0, slash).trim().equalsIgnoreCase(type)
                && mediaRange.substring(slash + 1).trim().equalsIgnoreCase(subtype);
    }
}
