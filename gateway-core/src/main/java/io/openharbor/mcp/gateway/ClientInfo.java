package io.openharbor.mcp.gateway;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Who the client is, as far as the gateway may believe: its address, whether it reached the edge over TLS, and the
 * host it asked for. From the connection alone, or, when the peer is a trusted proxy, from RFC 7239 {@code Forwarded}
 * (preferred when present) or {@code X-Forwarded-For}/{@code -Proto}/{@code -Host}. The client is the nearest address
 * in the chain that is not itself a trusted proxy, so entries a client wrote into the header are never believed.
 */
final class ClientInfo {
    /** At most this many hops of a forwarding chain are looked at (a longer header is still forwarded intact). */
    private static final int MAX_HOPS = 32;

    /** The client's address (canonical IP text) or, for an obfuscated RFC 7239 node, that identifier. */
    final String address;
    /** The client's address and port as given to strategies and authenticators. */
    final InetSocketAddress socketAddress;
    /** Whether the client's own connection (to the gateway or to the first trusted proxy) is TLS. */
    final boolean secure;
    /** The raw {@code Host} the client asked for (forwarded or the request's own), or null. */
    final @Nullable String host;
    /** {@link #host} parsed once per request, or null when it is absent or not a valid {@code host[:port]}. */
    final HeaderText.@Nullable Authority authority;
    /** Whether the peer is a trusted proxy whose forwarding headers were read. */
    final boolean viaTrustedProxy;
    /** The {@code X-Forwarded-For} chain for the backend: believed entries plus the peer; null if not forwarding. */
    final @Nullable String forwardedFor;

    private ClientInfo(
            String address,
            InetSocketAddress socketAddress,
            boolean secure,
            @Nullable String host,
            boolean viaTrustedProxy,
            @Nullable String forwardedFor) {
        this.address = address;
        this.socketAddress = socketAddress;
        this.secure = secure;
        this.host = host;
        this.authority = HeaderText.authority(host);
        this.viaTrustedProxy = viaTrustedProxy;
        this.forwardedFor = forwardedFor;
    }

    /** The client's scheme: {@code https} or {@code http}. */
    String scheme() {
        return secure ? "https" : "http";
    }

    static ClientInfo resolve(GatewayExchange ex, SecurityPolicy policy) {
        InetSocketAddress peer = ex.remoteAddress();
        byte[] peerBytes = IpRange.bytesOf(peer);
        String peerText =
                peerBytes != null ? IpRange.format(peerBytes) : peer == null ? "unknown" : peer.getHostString();
        boolean secure = ex.isSecure();
        String host = ex.requestHeader("Host");
        boolean trusted = policy.trustForwardedHeaders && isTrusted(peerBytes, policy.proxyRanges);
        if (!trusted) {
            return new ClientInfo(
                    peerText, peer, secure, host, false, policy.forwardedHeadersToBackend ? peerText : null);
        }
        List<String[]> hops = chain(ex); // each: {for, proto, host}
        if (hops.isEmpty()) {
            return new ClientInfo(
                    peerText, peer, secure, host, true, policy.forwardedHeadersToBackend ? peerText : null);
        }
        int chosen = 0;
        byte[] chosenBytes = null;
        for (int i = hops.size() - 1; i >= 0; i--) {
            byte[] ip = IpRange.parseLiteral(stripPort(hops.get(i)[0]));
            chosen = i;
            chosenBytes = ip;
            if (ip == null || !isTrusted(ip, policy.proxyRanges)) {
                break;
            }
        }
        String[] hop = hops.get(chosen);
        String address;
        InetSocketAddress socket;
        if (chosenBytes != null) {
            address = IpRange.format(chosenBytes);
            socket = InetSocketAddress.createUnresolved(address, 0);
        } else if (hop[0] != null && hop[0].length() <= 64 && HeaderText.isToken(hop[0])) {
            address = hop[0]; // "unknown" or an obfuscated node such as "_hidden" (RFC 7239 §6)
            socket = InetSocketAddress.createUnresolved(address, 0);
        } else {
            address = peerText; // a trusted proxy wrote something that is not an address: believe the connection
            socket = peer;
        }
        String proto = hop[1];
        if (proto != null) {
            secure = proto.trim().equalsIgnoreCase("https");
        }
        if (hop[2] != null && HeaderText.authority(hop[2]) != null) {
            host = hop[2].trim();
        }
        String forwardedFor = null;
        if (policy.forwardedHeadersToBackend) {
            StringBuilder sb = new StringBuilder();
            for (String[] h : hops) {
                if (h[0] != null && HeaderText.isValue(h[0])) {
                    sb.append(h[0].trim()).append(", ");
                }
            }
            forwardedFor = sb.append(peerText).toString();
        }
        return new ClientInfo(address, socket, secure, host, true, forwardedFor);
    }

    private static boolean isTrusted(byte @Nullable [] address, IpRange[] ranges) {
        if (address == null) return false;
        for (IpRange r : ranges) {
            if (r.contains(address)) return true;
        }
        return false;
    }

    /** The hops of the forwarding chain, nearest last: from {@code Forwarded} if present, else X-Forwarded-*. */
    private static List<String[]> chain(GatewayExchange ex) {
        List<String> forwarded = ex.requestHeaders("Forwarded");
        if (!forwarded.isEmpty()) {
            return parseForwarded(forwarded);
        }
        List<String> xff = split(ex.requestHeaders("X-Forwarded-For"));
        List<String> proto = split(ex.requestHeaders("X-Forwarded-Proto"));
        List<String> hosts = split(ex.requestHeaders("X-Forwarded-Host"));
        List<String[]> out = new ArrayList<>(xff.size());
        int n = xff.size();
        for (int i = 0; i < n; i++) {
            out.add(new String[] {xff.get(i), lockstep(proto, i, n), lockstep(hosts, i, n)});
        }
        if (n == 0 && (!proto.isEmpty() || !hosts.isEmpty())) {
            // A proxy that sets only X-Forwarded-Proto (or -Host) and not -For: the peer is still the client.
            out.add(new String[] {
                null,
                proto.isEmpty() ? null : proto.get(proto.size() - 1),
                hosts.isEmpty() ? null : hosts.get(hosts.size() - 1)
            });
        }
        return out;
    }

    /**
     * The value of a list header that goes with hop {@code i} of {@code n}: the same position when the lists are as
     * long (proxies that append), else the last value (proxies that overwrite).
     */
    private static @Nullable String lockstep(List<String> values, int i, int n) {
        if (values.isEmpty()) return null;
        if (values.size() == n) return values.get(i);
        return values.get(values.size() - 1);
    }

    private static List<String> split(List<String> headerValues) {
        List<String> out = new ArrayList<>(2);
        for (String v : headerValues) {
            for (String part : v.split(",", -1)) {
                String t = part.trim();
                if (!t.isEmpty() && out.size() < MAX_HOPS) out.add(t);
            }
        }
        return out;
    }

    /** RFC 7239: elements separated by commas, pairs by semicolons, values tokens or quoted strings. */
    static List<String[]> parseForwarded(List<String> values) {
        List<String[]> out = new ArrayList<>(2);
        for (String v : values) {
            String[] current = new String[3];
            boolean any = false;
            int i = 0;
            int len = v.length();
            while (i < len && out.size() < MAX_HOPS) {
                char c = v.charAt(i);
                if (c == ' ' || c == '\t' || c == ';') {
                    i++;
                    continue;
                }
                if (c == ',') {
                    if (any) out.add(current);
                    current = new String[3];
                    any = false;
                    i++;
                    continue;
                }
                int eq = i;
                while (eq < len && v.charAt(eq) != '=' && v.charAt(eq) != ';' && v.charAt(eq) != ',') eq++;
                String key = v.substring(i, eq).trim().toLowerCase(Locale.ROOT);
                if (eq >= len || v.charAt(eq) != '=') {
                    i = eq; // a pair with no value: skipped
                    continue;
                }
                int j = eq + 1;
                StringBuilder value = new StringBuilder();
                if (j < len && v.charAt(j) == '"') {
                    j++;
                    while (j < len && v.charAt(j) != '"') {
                        if (v.charAt(j) == '\\' && j + 1 < len) j++;
                        value.append(v.charAt(j++));
                    }
                    j++; // closing quote
                } else {
                    while (j < len && v.charAt(j) != ';' && v.charAt(j) != ',') value.append(v.charAt(j++));
                }
                String val = value.toString().trim();
                switch (key) {
                    case "for" -> {
                        current[0] = val;
                        any = true;
                    }
                    case "proto" -> {
                        current[1] = val;
                        any = true;
                    }
                    case "host" -> {
                        current[2] = val;
                        any = true;
                    }
                    default -> {}
                }
                i = j;
            }
            if (any && out.size() < MAX_HOPS) out.add(current);
        }
        return out;
    }

    /** {@code 1.2.3.4:80} → {@code 1.2.3.4}; {@code [::1]:80} → {@code [::1]}; anything else unchanged. */
    static @Nullable String stripPort(String s) {
        if (s == null) return null;
        s = s.trim();
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            return close > 0 ? s.substring(0, close + 1) : s;
        }
        int colon = s.indexOf(':');
        if (colon > 0 && s.indexOf(':', colon + 1) < 0) {
            return s.substring(0, colon);
        }
        return s;
    }
}
