package io.openharbor.mcp.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The names a federation exposes for its servers' tools, prompts and resources (the first step of federation; nothing
 * routes by these names yet). An exposed name is a pure function of the configuration (separator, length cap), the
 * server (its id and prefix) and the original name: it never changes because another server joined, left or went
 * down, and it is the same on every gateway instance and after a restart, so users' authorization rules and prompts
 * can be written against it.
 *
 * <ul>
 *   <li>A name is {@code prefix + separator + original} when that uses only {@code [A-Za-z0-9_-]} (several clients
 *       reject anything else, dots included) and fits in the length cap (64 by default: the tool-name limit of the
 *       OpenAI and Anthropic APIs).
 *   <li>Otherwise the characters outside that set become {@code _}, the name is cut to leave room, and a stable suffix
 *       is appended: {@code -} and six base32 characters of SHA-256(server id, original name). Names with a long
 *       common stem, or that differ only in a replaced character ({@code get.weather}, {@code get_weather}), stay
 *       distinct.
 *   <li>Two entries of one kind that still map to one exposed name are refused by {@link #index}, naming both.
 * </ul>
 *
 * <p>Resource URIs are namespaced as {@code prefix+uri} (a valid absolute URI whose scheme is the prefix joined to the
 * original scheme), except {@code ui://} URIs, which keep their scheme ({@code ui://prefix+rest}) so that MCP Apps
 * hosts still recognise them.
 */
final class FederatedNames {
    /** The default length cap of an exposed name. */
    static final int DEFAULT_MAX_LENGTH = 64;
    /** The smallest length cap: a prefix of up to 16, a separator and the suffix must leave room for the name. */
    static final int MIN_MAX_LENGTH = 32;
    /** The largest length cap (MCP tool names are at most 128 characters). */
    static final int MAX_MAX_LENGTH = 128;
    /** The default separator between prefix and original name. */
    static final String DEFAULT_SEPARATOR = "_";

    private static final Pattern PREFIX = Pattern.compile("[a-z0-9]{1,16}");
    private static final Pattern SEPARATOR = Pattern.compile("[_-]{1,2}");
    private static final String UI_SCHEME = "ui://";
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final int SUFFIX_CHARS = 6;

    private final String separator;
    private final int maxLength;

    /**
     * @param separator between prefix and original name: one or two of {@code _} and {@code -}
     * @param maxLength the length cap, {@value #MIN_MAX_LENGTH} to {@value #MAX_MAX_LENGTH}
     */
    FederatedNames(String separator, int maxLength) {
        if (!SEPARATOR.matcher(separator).matches()) {
            throw new IllegalArgumentException(
                    "the separator must be one or two of '_' and '-', was: " + HeaderText.printable(separator));
        }
        if (maxLength < MIN_MAX_LENGTH || maxLength > MAX_MAX_LENGTH) {
            throw new IllegalArgumentException(
                    "the name length cap must be " + MIN_MAX_LENGTH + " to " + MAX_MAX_LENGTH + ", was: " + maxLength);
        }
        this.separator = separator;
        this.maxLength = maxLength;
    }

    /**
     * Checks a server's prefix: 1 to 16 lowercase letters and digits.
     *
     * @param serverId the server, for the message
     * @param prefix its prefix
     * @return {@code prefix}
     * @throws IllegalArgumentException naming the server and the rule when the prefix breaks it
     */
    static String checkPrefix(String serverId, String prefix) {
        if (!PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("server '" + serverId + "': prefix " + HeaderText.printable(prefix)
                    + " must be 1 to 16 lowercase letters and digits");
        }
        return prefix;
    }

    /**
     * The exposed name of one of a server's tools or prompts.
     *
     * @param serverId the server's id (part of the stable suffix, so two servers' long names never share one)
     * @param prefix the server's prefix, already {@linkplain #checkPrefix checked}
     * @param original the name the server uses
     * @return the name clients see: {@code [A-Za-z0-9_-]}, at most the length cap
     */
    String expose(String serverId, String prefix, String original) {
        StringBuilder name = new StringBuilder(prefix.length() + separator.length() + original.length());
        name.append(prefix).append(separator);
        boolean replaced = original.isEmpty();
        for (int i = 0; i < original.length(); i++) {
            char c = original.charAt(i);
            if (allowed(c)) {
                name.append(c);
            } else {
                name.append('_');
                replaced = true;
            }
        }
        if (!replaced && name.length() <= maxLength) {
            return name.toString();
        }
        String suffix = "-" + suffix(serverId, original);
        name.setLength(Math.min(name.length(), maxLength - suffix.length()));
        return name.append(suffix).toString();
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    /** Six base32 characters (30 bits) of SHA-256(server id, NUL, original name). */
    private static String suffix(String serverId, String original) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        sha256.update(serverId.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        byte[] digest = sha256.digest(original.getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < 4; i++) {
            bits = (bits << 8) | (digest[i] & 0xff);
        }
        char[] out = new char[SUFFIX_CHARS];
        for (int i = 0; i < SUFFIX_CHARS; i++) {
            out[i] = BASE32[(int) (bits >>> (32 - 5 * (i + 1))) & 31];
        }
        return new String(out);
    }

    /** One named entry of a server's list: a tool, a prompt, or a resource template's name. */
    record Entry(String serverId, String kind, String original, String exposed) {}

    /**
     * The reverse map of one kind's entries (exposed name to entry), which routing uses instead of splitting names.
     *
     * @param entries the entries of one kind, from every server of a view
     * @return exposed name to entry
     * @throws IllegalStateException naming both entries when two map to one exposed name
     */
    static Map<String, Entry> index(List<Entry> entries) {
        Map<String, Entry> byExposed = new HashMap<>(entries.size() * 2);
        for (Entry e : entries) {
            Entry other = byExposed.putIfAbsent(e.exposed(), e);
            if (other != null) {
                throw new IllegalStateException(e.kind() + " '" + other.original() + "' of server '" + other.serverId()
                        + "' and " + e.kind() + " '" + e.original() + "' of server '" + e.serverId()
                        + "' both map to the exposed name '" + e.exposed() + "'");
            }
        }
        return byExposed;
    }

    /**
     * The URI clients see for one of a server's resources.
     *
     * @param prefix the server's prefix
     * @param uri the server's absolute URI
     * @return {@code prefix+uri}, or {@code ui://prefix+rest} for a {@code ui://} URI
     */
    static String exposeUri(String prefix, String uri) {
        if (uri.startsWith(UI_SCHEME)) {
            return UI_SCHEME + prefix + "+" + uri.substring(UI_SCHEME.length());
        }
        return prefix + "+" + uri;
    }

    /** A namespaced URI taken apart: the prefix of the server that owns it and the URI that server knows. */
    record OwnedUri(String prefix, String uri) {}

    /**
     * Reverses {@link #exposeUri}.
     *
     * @param exposed a URI a client sent
     * @return its prefix and original URI, or null when it is not a namespaced URI (the prefix still has to be one of
     *     the view's servers)
     */
    static @Nullable OwnedUri ownerOf(String exposed) {
        boolean ui = exposed.startsWith(UI_SCHEME);
        int from = ui ? UI_SCHEME.length() : 0;
        int plus = exposed.indexOf('+', from);
        if (plus <= from) {
            return null;
        }
        String prefix = exposed.substring(from, plus);
        if (!PREFIX.matcher(prefix).matches()) {
            return null;
        }
        String rest = exposed.substring(plus + 1);
        return new OwnedUri(prefix, ui ? UI_SCHEME + rest : rest);
    }
}
