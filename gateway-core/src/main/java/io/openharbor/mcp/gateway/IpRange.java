package io.openharbor.mcp.gateway;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 address range in CIDR form ({@code 10.0.0.0/8}, {@code fd00::/8}) or a single address. Parsing
 * never asks DNS: only literals are accepted. An IPv4-mapped IPv6 address ({@code ::ffff:10.1.2.3}) matches the IPv4
 * ranges, as dual-stack servers report IPv4 peers that way.
 */
final class IpRange {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private IpRange(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /**
     * Parses {@code address} or {@code address/prefix}.
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    static IpRange parse(String cidr) {
        String s = cidr.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        byte[] bytes = parseLiteral(addr);
        if (bytes == null) {
            throw new IllegalArgumentException("not an IP address or CIDR range: '" + cidr
                    + "' (expected e.g. 10.0.0.0/8, 192.168.1.7, fd00::/8 or ::1)");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("bad prefix length in '" + cidr + "': expected 0 to " + bits);
            }
        }
        byte[] network = bytes.clone();
        mask(network, prefix);
        return new IpRange(network, prefix, s);
    }

    boolean contains(byte[] address) {
        if (address == null) {
            return false;
        }
        if (address.length == 16 && network.length == 4 && isV4Mapped(address)) {
            address = Arrays.copyOfRange(address, 12, 16);
        }
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int m = (0xFF << (8 - rest)) & 0xFF;
        return (address[full] & m) == (network[full] & m);
    }

    @Override
    public String toString() {
        return text;
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) return false;
        }
        return a[10] == (byte) 0xFF && a[11] == (byte) 0xFF;
    }

    private static void mask(byte[] b, int prefix) {
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) ((0xFF << (8 - keep)) & 0xFF);
        }
    }

    /** The bytes of a peer address: from the resolved address, or parsed from an unresolved literal (servlets). */
    static byte @Nullable [] bytesOf(InetSocketAddress peer) {
        if (peer == null) {
            return null;
        }
        InetAddress a = peer.getAddress();
        return a != null ? a.getAddress() : parseLiteral(peer.getHostString());
    }

    /**
     * The bytes of an IPv4 dotted-quad or IPv6 literal (optionally in brackets, optionally with a {@code %zone}), or
     * null for anything else. Never resolves a name.
     */
    static byte @Nullable [] parseLiteral(@Nullable String s) {
        if (s == null || s.isEmpty()) {
            return null;
        }
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        if (s.indexOf(':') >= 0) {
            int zone = s.indexOf('%');
            String bare = zone < 0 ? s : s.substring(0, zone);
            for (int i = 0; i < bare.length(); i++) {
                char c = bare.charAt(i);
                if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0)) {
                    return null;
                }
            }
            try {
                // A string with a colon is parsed as an IPv6 literal by the JDK; it never goes to DNS.
                return InetAddress.getByName(bare).getAddress();
            } catch (UnknownHostException | SecurityException e) {
                return null;
            }
        }
        return parseV4(s);
    }

    private static byte @Nullable [] parseV4(String s) {
        byte[] out = new byte[4];
        int part = 0;
        int value = -1;
        for (int i = 0; i <= s.length(); i++) {
            char c = i < s.length() ? s.charAt(i) : '.';
            if (c == '.') {
                if (value < 0 || part > 3) return null;
                out[part++] = (byte) value;
                value = -1;
            } else if (c >= '0' && c <= '9') {
                value = value < 0 ? c - '0' : value * 10 + (c - '0');
                if (value > 255) return null;
            } else {
                return null;
            }
        }
        return part == 4 ? out : null;
    }

    /** The canonical text of an address's bytes (IPv6 in the JDK's full form), without any lookup. */
    static String format(byte[] address) {
        try {
            return InetAddress.getByAddress(address).getHostAddress();
        } catch (UnknownHostException e) {
            return "?";
        }
    }
}
