package io.openharbor.mcp.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * The headers MCP 2026-07-28 mirrors from the body of a POST: {@code Mcp-Method} ({@code method}) and {@code Mcp-Name}
 * ({@code params.name} of {@code tools/call} and {@code prompts/get}, {@code params.uri} of {@code resources/read}). A
 * value that is not plain visible ASCII comes as {@code =?base64?{base64 of its UTF-8}?=}. A federation checks them
 * against the body before any upstream I/O (a mismatch is 400 with {@code -32020}, HeaderMismatch), routes and enforces
 * policy on the body only, and sends the server an {@code Mcp-Name} that matches the renamed body.
 */
final class HeaderMirror {
    static final String METHOD = "Mcp-Method";
    static final String NAME = "Mcp-Name";
    /** The revision that mirrors method and name into headers. */
    static final String FIRST_REVISION = "2026-07-28";

    private static final String PREFIX = "=?base64?";
    private static final String SUFFIX = "?=";

    private HeaderMirror() {}

    /** Whether a request is of the revision that requires the mirrored headers, or carries them anyway. */
    static boolean applies(GatewayExchange ex) {
        if (ex.requestHeader(METHOD) != null) return true;
        String v = ex.requestHeader("MCP-Protocol-Version");
        return v != null && v.trim().compareTo(FIRST_REVISION) >= 0;
    }

    /** The body member {@code Mcp-Name} mirrors for {@code method}, as a path, or null for methods without one. */
    static String @Nullable [] namePath(String method) {
        return switch (method) {
            case "tools/call", "prompts/get" -> new String[] {"params", "name"};
            case "resources/read" -> new String[] {"params", "uri"};
            default -> null;
        };
    }

    /**
     * Why the headers do not match the body, or null when they do.
     *
     * @param method the body's method
     * @param body the body (for the mirrored name)
     */
    static @Nullable String mismatch(GatewayExchange ex, String method, byte[] body) {
        String m = ex.requestHeader(METHOD);
        if (m == null) {
            return "the Mcp-Method header is missing";
        }
        String decoded = decode(m.trim());
        if (!method.equals(decoded)) {
            return "Mcp-Method " + HeaderText.printable(m) + " does not match the body's method " + method;
        }
        String[] path = namePath(method);
        if (path == null) {
            return null;
        }
        String n = ex.requestHeader(NAME);
        if (n == null) {
            return "the Mcp-Name header is missing";
        }
        JsonSplice.Found at = JsonSplice.find(body, path);
        String inBody = at == null ? null : at.text();
        if (inBody == null || !inBody.equals(decode(n.trim()))) {
            return "Mcp-Name " + HeaderText.printable(n) + " does not match the body's " + String.join(".", path);
        }
        return null;
    }

    /** A header value as sent: decoded from the base64 form, or as it is; null when the base64 form is malformed. */
    static @Nullable String decode(String value) {
        if (!value.startsWith(PREFIX)
                || !value.endsWith(SUFFIX)
                || value.length() < PREFIX.length() + SUFFIX.length()) {
            return value;
        }
        try {
            return Utf8.decodeStrict(
                    Base64.getDecoder().decode(value.substring(PREFIX.length(), value.length() - SUFFIX.length())));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** A value as a header carries it: plain when it is non-empty visible ASCII not looking encoded, else base64. */
    static String encode(String value) {
        boolean plain = !value.isEmpty() && !value.startsWith(PREFIX);
        for (int i = 0; plain && i < value.length(); i++) {
            char c = value.charAt(i);
            plain = c >= '!' && c <= '~';
        }
        return plain
                ? value
                : PREFIX + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + SUFFIX;
    }
}
