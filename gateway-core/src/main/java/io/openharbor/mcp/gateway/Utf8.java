package io.openharbor.mcp.gateway;

/**
 * Strict UTF-8 validation (RFC 3629): no overlong forms, no encoded surrogates, nothing past U+10FFFF. Jackson accepts
 * some of these; a front door should not pass them to backends whose decoders may read them differently.
 */
final class Utf8 {
    private Utf8() {}

    /** {@code b} decoded, or null when it is not well-formed UTF-8 by {@link #firstInvalid}'s rules. */
    static @org.jspecify.annotations.Nullable String decodeStrict(byte[] b) {
        return firstInvalid(b, b.length) >= 0 ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The offset of the first byte that is not well-formed UTF-8, or -1 when all of {@code b[0, len)} is. */
    static int firstInvalid(byte[] b, int len) {
        int i = 0;
        while (i < len) {
            int c = b[i];
            if (c >= 0) { // ASCII: the common case
                i++;
                continue;
            }
            c &= 0xFF;
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                if (c == 0xE0) lo = 0xA0; // overlong
                if (c == 0xED) hi = 0x9F; // surrogates
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                if (c == 0xF0) lo = 0x90; // overlong
                if (c == 0xF4) hi = 0x8F; // past U+10FFFF
            } else {
                return i;
            }
            if (i + need >= len) {
                return i; // truncated sequence at the end
            }
            int second = b[i + 1] & 0xFF;
            if (second < lo || second > hi) return i;
            for (int k = 2; k <= need; k++) {
                int cont = b[i + k] & 0xFF;
                if (cont < 0x80 || cont > 0xBF) return i;
            }
            i += need + 1;
        }
        return -1;
    }
}
