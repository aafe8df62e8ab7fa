package io.openharbor.mcp.gateway;

import org.jspecify.annotations.Nullable;

/** Syntax checks for header names and values (RFC 9110 §5.1 and §5.5) and for {@code host[:port]} authorities. */
final class HeaderText {
    private HeaderText() {}

    /** Whether {@code s} is an RFC 9110 token (a valid header name). */
    static boolean isToken(String s) {
        if (s == null || s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7F || "\"(),/:;<=>?@[\\]{}".indexOf(c) >= 0) return false;
        }
        return true;
    }

    /** Whether {@code s} is a header value we would send: visible ASCII, spaces and tabs, no line breaks. */
    static boolean isValue(String s) {
        if (s == null) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c < 0x20 && c != '\t') || c >= 0x7F) return false;
        }
        return true;
    }

    /**
     * A parsed {@code host[:port]}: host lower case without a trailing dot (IPv6 literals keep their brackets), port -1
     * when absent.
     */
    static final class Authority {
        final String host;
        final int port;

        Authority(String host, int port) {
            this.host = host;
            this.port = port;
        }

        /** The port, or the scheme's default when none was given. */
        int port(String scheme) {
            return port >= 0 ? port : defaultPort(scheme);
        }

        boolean isLoopback() {
            if (host.equals("localhost") || host.endsWith(".localhost") || host.equals("[::1]")) return true;
            byte[] ip = IpRange.parseLiteral(host);
            return ip != null && ip.length == 4 && ip[0] == 127;
        }
    }

    /**
     * Whether {@code host} is {@code entry}, or, for a wildcard entry (held as {@code .domain}), a subdomain of it at
     * any depth but not the domain itself. The one rule for allowed origins and allowed hosts.
     */
    static boolean hostMatches(String entry, boolean wildcard, String host) {
        return wildcard ? host.endsWith(entry) && host.length() > entry.length() : host.equals(entry);
    }

    static int defaultPort(String scheme) {
        if ("https".equals(scheme) || "wss".equals(scheme)) return 443;
        if ("http".equals(scheme) || "ws".equals(scheme)) return 80;
        return -1;
    }

    /** Parses {@code host[:port]}, or returns null when it is not one (empty, bad characters, bad port). */
    static @Nullable Authority authority(@Nullable String s) {
        if (s == null) return null;
        s = s.trim();
        if (s.isEmpty() || s.length() > 255) return null;
        String host;
        String rest;
        if (s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 0) return null;
            host = s.substring(0, close + 1).toLowerCase(java.util.Locale.ROOT);
            byte[] ip = IpRange.parseLiteral(host);
            if (ip == null || ip.length != 16) return null;
            rest = s.substring(close + 1);
        } else {
            int colon = s.indexOf(':');
            host = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(java.util.Locale.ROOT);
            rest = colon < 0 ? "" : s.substring(colon);
            if (host.endsWith(".")) host = host.substring(0, host.length() - 1);
            if (host.isEmpty()) return null;
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_')) {
                    return null;
                }
            }
        }
        int port = -1;
        if (!rest.isEmpty()) {
            if (rest.charAt(0) != ':' || rest.length() < 2 || rest.length() > 6) return null;
            port = 0;
            for (int i = 1; i < rest.length(); i++) {
                char c = rest.charAt(i);
                if (c < '0' || c > '9') return null;
                port = port * 10 + (c - '0');
            }
            if (port < 1 || port > 65535) return null;
        }
        return new Authority(host, port);
    }

    /** A header value fit for a log line: control characters replaced, at most 100 characters. */
    static String printable(@Nullable String s) {
        if (s == null) return "(none)";
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 100) + 2).append('\'');
        for (int i = 0; i < s.length() && i < 100; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7F ? '?' : c);
        }
        if (s.length() > 100) sb.append("...");
        return sb.append('\'').toString();
    }
}
