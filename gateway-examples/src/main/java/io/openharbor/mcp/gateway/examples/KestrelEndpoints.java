package io.openharbor.mcp.gateway.examples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The listeners an ASP.NET {@code Kestrel} section describes, read the way Kestrel reads them: every
 * {@code Endpoints:<Name>} with its {@code Url}, {@code Protocols}, {@code SslProtocols} and {@code Certificate}
 * ({@code Path} and {@code Password} of a PFX, or {@code Path} and {@code KeyPath} of PEM files), falling back to
 * {@code Certificates:Default} (where the seed's {@code KESTREL__CERTIFICATES__DEFAULT__PASSWORD} lands) and
 * {@code EndpointDefaults}. Keys Kestrel has and this host does not apply (limits, HTTP/3, client certificates) are
 * reported, not silently dropped.
 */
final class KestrelEndpoints {
    private KestrelEndpoints() {}

    /** One listener. {@code host} is an address to bind, or null for every interface ({@code *}, {@code +}). */
    record Endpoint(
            String name,
            boolean https,
            @Nullable String host,
            int port,
            boolean http1,
            boolean http2,
            @Nullable Certificate certificate,
            List<String> tlsProtocols) {
        /** {@return the host to show in a URL: the bound address, or 127.0.0.1 for every interface} */
        String displayHost() {
            return host == null ? "127.0.0.1" : host.contains(":") ? "[" + host + "]" : host;
        }

        /** {@return the same listener on {@code other} port} */
        Endpoint withPort(int other) {
            return new Endpoint(name, https, host, other, http1, http2, certificate, tlsProtocols);
        }

        String url(int boundPort) {
            return (https ? "https" : "http") + "://" + displayHost() + ":" + boundPort;
        }

        /** {@return what the listener speaks, e.g. "HTTP/1.1, HTTP/2 (ALPN)"} */
        String protocolText() {
            List<String> p = new ArrayList<>();
            if (http1) p.add("HTTP/1.1");
            if (http2) p.add(https ? "HTTP/2 (ALPN)" : "HTTP/2 (prior knowledge)");
            return String.join(", ", p);
        }
    }

    /**
     * An HTTPS endpoint's certificate: a PKCS#12 file ({@code keyPath} null) or a PEM chain and its key.
     * {@code from} is the key path it was configured at, for messages.
     */
    record Certificate(Path path, @Nullable Path keyPath, String password, String from, String passwordFrom) {}

    /** What {@link #read} found: the endpoints, the problems that stop start-up, and keys that are not applied. */
    record Result(List<Endpoint> endpoints, List<String> problems, List<String> ignored) {}

    private static final List<String> ENDPOINT_KEYS = List.of(
            "url", "protocols", "sslprotocols", "certificate:path", "certificate:keypath", "certificate:password");

    static Result read(Map<String, String> kestrel) {
        List<String> problems = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        Map<String, Map<String, String>> endpoints = new LinkedHashMap<>();
        Map<String, String> defaults = new LinkedHashMap<>();
        Map<String, String> endpointDefaults = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(kestrel).entrySet()) {
            String key = e.getKey();
            String lower = key.toLowerCase(Locale.ROOT);
            String[] parts = key.split(":", 3);
            if (lower.startsWith("endpoints:") && parts.length == 3) {
                String rest = parts[2].toLowerCase(Locale.ROOT);
                String name = parts[1];
                if (ENDPOINT_KEYS.contains(rest) || rest.matches("sslprotocols:\\d+")) {
                    endpoints
                            .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new LinkedHashMap<>())
                            .put(rest, e.getValue());
                    endpoints.get(name.toLowerCase(Locale.ROOT)).putIfAbsent("#name", name);
                    continue;
                }
            } else if (lower.startsWith("certificates:default:")) {
                String rest = lower.substring("certificates:default:".length());
                if (List.of("path", "keypath", "password").contains(rest)) {
                    defaults.put(rest, e.getValue());
                    continue;
                }
            } else if (lower.startsWith("endpointdefaults:")) {
                String rest = lower.substring("endpointdefaults:".length());
                if (rest.equals("protocols") || rest.equals("sslprotocols") || rest.matches("sslprotocols:\\d+")) {
                    endpointDefaults.put(rest, e.getValue());
                    continue;
                }
            }
            ignored.add("Kestrel:" + key);
        }
        List<Endpoint> out = new ArrayList<>();
        for (Map<String, String> keys : endpoints.values()) {
            Endpoint ep = endpoint(keys.get("#name"), keys, defaults, endpointDefaults, problems);
            if (ep != null) out.add(ep);
        }
        return new Result(List.copyOf(out), List.copyOf(problems), List.copyOf(ignored));
    }

    private static @Nullable Endpoint endpoint(
            String name,
            Map<String, String> keys,
            Map<String, String> defaults,
            Map<String, String> endpointDefaults,
            List<String> problems) {
        String at = "Kestrel:Endpoints:" + name;
        String url = keys.get("url");
        if (url == null || url.isBlank()) {
            problems.add(at + ":Url: missing: every endpoint needs a Url such as \"https://*:8443\"");
            return null;
        }
        url = url.trim();
        String lowerUrl = url.toLowerCase(Locale.ROOT);
        boolean https;
        if (lowerUrl.startsWith("https://")) {
            https = true;
        } else if (lowerUrl.startsWith("http://")) {
            https = false;
        } else {
            problems.add(at + ":Url = \"" + url + "\": expected http://HOST:PORT or https://HOST:PORT");
            return null;
        }
        String authority = url.substring(https ? 8 : 7).replaceAll("/.*", "");
        String host;
        int port;
        int colon = authority.lastIndexOf(':');
        if (colon < 0 || authority.endsWith("]")) {
            host = authority;
            port = https ? 443 : 80;
        } else {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                problems.add(at + ":Url = \"" + url + "\": the port must be a number from 0 to 65535");
                return null;
            }
        }
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        String bind = switch (host.toLowerCase(Locale.ROOT)) {
            case "*", "+", "0.0.0.0", "::" -> null;
            case "localhost" -> "127.0.0.1";
            default -> host;
        };
        if (bind != null && !bind.matches("[0-9a-fA-F.:]+")) {
            problems.add(at + ":Url = \"" + url + "\": Kestrel binds an IP address, localhost or * (every interface),"
                    + " not the name '" + host + "'");
            return null;
        }

        String protocols = keys.getOrDefault("protocols", endpointDefaults.getOrDefault("protocols", "Http1AndHttp2"));
        boolean http1;
        boolean http2;
        switch (protocols.trim().toLowerCase(Locale.ROOT)) {
            case "http1" -> {
                http1 = true;
                http2 = false;
            }
            case "http2" -> {
                http1 = false;
                http2 = true;
            }
            case "http1andhttp2" -> {
                http1 = true;
                http2 = https; // as Kestrel: without TLS there is no ALPN, and the endpoint speaks HTTP/1.1
            }
            case "http1andhttp2andhttp3" -> {
                http1 = true;
                http2 = https;
                problems.add(at + ":Protocols = \"" + protocols + "\": HTTP/3 is not served; say Http1AndHttp2");
            }
            default -> {
                problems.add(at + ":Protocols = \"" + protocols + "\": expected Http1, Http2 or Http1AndHttp2");
                return null;
            }
        }

        List<String> tls = tlsProtocols(at, keys, endpointDefaults, problems);
        if (!https) {
            if (keys.containsKey("certificate:path")) {
                problems.add(at + ":Certificate: an http:// endpoint has no certificate; did you mean https://?");
            }
            return new Endpoint(name, false, bind, port, http1, http2, null, List.of());
        }
        boolean own = keys.containsKey("certificate:path")
                && !keys.get("certificate:path").isBlank();
        String path = own ? keys.get("certificate:path") : defaults.get("path");
        if (path == null || path.isBlank()) {
            problems.add(at + ":Certificate:Path: missing: an https:// endpoint needs its certificate, a PFX file"
                    + " (Certificate:Path and Certificate:Password) or PEM files (Certificate:Path and"
                    + " Certificate:KeyPath), here or in Kestrel:Certificates:Default");
            return null;
        }
        String keyPath = own ? keys.get("certificate:keypath") : defaults.get("keypath");
        // The seed leaves the endpoint's Password empty and sets KESTREL__CERTIFICATES__DEFAULT__PASSWORD.
        String ownPassword = keys.get("certificate:password");
        boolean ownHasPassword = ownPassword != null && !ownPassword.isEmpty();
        String password = ownHasPassword ? ownPassword : defaults.getOrDefault("password", "");
        String passwordFrom = ownHasPassword
                ? at + ":Certificate:Password"
                : "KESTREL__CERTIFICATES__DEFAULT__PASSWORD (Kestrel:Certificates:Default:Password)";
        Certificate cert = new Certificate(
                Path.of(path.trim()),
                keyPath == null || keyPath.isBlank() ? null : Path.of(keyPath.trim()),
                password,
                own ? at + ":Certificate:Path" : "Kestrel:Certificates:Default:Path",
                passwordFrom);
        return new Endpoint(name, true, bind, port, http1, http2, cert, tls);
    }

    /** {@code SslProtocols} ({@code "Tls12, Tls13"} or an array) as JSSE names: TLS 1.2 and 1.3 only. */
    private static List<String> tlsProtocols(
            String at, Map<String, String> keys, Map<String, String> endpointDefaults, List<String> problems) {
        Map<String, String> source = hasSslProtocols(keys) ? keys : endpointDefaults;
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, String> e : source.entrySet()) {
            if (e.getKey().startsWith("sslprotocols")) {
                for (String n : e.getValue().split(",", -1)) {
                    if (!n.isBlank()) names.add(n.trim());
                }
            }
        }
        if (names.isEmpty()) {
            return List.of("TLSv1.3", "TLSv1.2");
        }
        TreeSet<String> out = new TreeSet<>(java.util.Comparator.reverseOrder());
        for (String n : names) {
            switch (n.toLowerCase(Locale.ROOT)) {
                case "tls13" -> out.add("TLSv1.3");
                case "tls12" -> out.add("TLSv1.2");
                case "none" -> out.addAll(List.of("TLSv1.3", "TLSv1.2")); // .NET: the system's choice
                default ->
                    problems.add(
                            at + ":SslProtocols: '" + n + "' is not served: TLS 1.2 and 1.3 only" + " (Tls12, Tls13)");
            }
        }
        return List.copyOf(out);
    }

    private static boolean hasSslProtocols(Map<String, String> keys) {
        return keys.keySet().stream().anyMatch(k -> k.startsWith("sslprotocols"));
    }
}
