package io.openharbor.mcp.gateway;

import java.util.List;
import org.jspecify.annotations.Nullable;

/** The {@code allowedHosts} list: {@code host}, {@code host:port}, {@code *.domain}, {@code *.domain:port}. */
final class HostMatcher {
    private final String[] hosts;
    private final boolean[] wildcard;
    private final int[] ports;

    private HostMatcher(String[] hosts, boolean[] wildcard, int[] ports) {
        this.hosts = hosts;
        this.wildcard = wildcard;
        this.ports = ports;
    }

    static HostMatcher of(List<String> entries) {
        int n = entries.size();
        String[] hosts = new String[n];
        boolean[] wildcard = new boolean[n];
        int[] ports = new int[n];
        for (int i = 0; i < n; i++) {
            String e = entries.get(i);
            if (e == null) {
                throw new IllegalArgumentException("allowedHosts[" + i + "] is null");
            }
            String text = e.trim();
            boolean wild = text.startsWith("*.");
            HeaderText.Authority a = HeaderText.authority(wild ? text.substring(2) : text);
            if (a == null) {
                throw new IllegalArgumentException("allowedHosts[" + i + "] is not a host name: '" + e
                        + "' (expected host, host:port or *.domain, e.g. mcp.example.com, 127.0.0.1:8080, [::1])");
            }
            hosts[i] = wild ? "." + a.host : a.host;
            wildcard[i] = wild;
            ports[i] = a.port;
        }
        return new HostMatcher(hosts, wildcard, ports);
    }

    boolean isEmpty() {
        return hosts.length == 0;
    }

    boolean matches(HeaderText.@Nullable Authority host, String scheme) {
        if (host == null) return false;
        int port = host.port(scheme);
        for (int i = 0; i < hosts.length; i++) {
            if (ports[i] >= 0 && ports[i] != port) continue;
            if (HeaderText.hostMatches(hosts[i], wildcard[i], host.host)) {
                return true;
            }
        }
        return false;
    }
}
