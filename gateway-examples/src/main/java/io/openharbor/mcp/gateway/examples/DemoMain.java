package io.openharbor.mcp.gateway.examples;

import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.McpServer;
import io.openharbor.mcp.gateway.config.ConfigException;
import io.openharbor.mcp.gateway.config.GatewayConfig;
import io.openharbor.mcp.gateway.config.ReloadingGateway;
import io.openharbor.mcp.gateway.tls.ServerTls;
import java.net.BindException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The demo: two MCP Java SDK servers and a gateway in front of them, all on 127.0.0.1.
 *
 * <p>Settings, as flags or environment variables:
 * <ul>
 *   <li>{@code --port N} / {@code GATEWAY_PORT}: the plain-HTTP port (default 8080, or with a configuration file the
 *       port of {@code Kestrel:Endpoints:Http:Url}; 0 picks a free one);</li>
 *   <li>{@code --backends URL,URL} / {@code GATEWAY_BACKENDS}: use these MCP endpoints instead of starting demo
 *       replicas;</li>
 *   <li>{@code --config FILE} / {@code GATEWAY_CONFIG}: build the gateway from a configuration file (the .NET
 *       gateway's {@code appsettings.json} shape, {@code GATEWAY__...} overrides; docs/configuration.md), reloaded on
 *       change when {@code Gateway:Reload:OnChange} is true, and served on every {@code Kestrel:Endpoints} entry
 *       (docs/tls.md);</li>
 *   <li>{@code --federated}: a federation instead: two different MCP servers, {@link DemoBackend} (prefix
 *       {@code demo}, two replicas) and {@link DemoNotes} (prefix {@code notes}, two replicas), whose {@code echo}
 *       tools clash, behind one endpoint (docs/federation.md).</li>
 * </ul>
 * Stops cleanly on Ctrl-C.
 */
public final class DemoMain {
    private DemoMain() {}

    /** A running demo: the host server, the gateway it serves and what to stop. */
    @SuppressWarnings("try") // close() passes on whatever the demo started, which may declare Exception
    public record Running(DemoHost host, Supplier<Gateway> gateway, DemoObservability observed, AutoCloseable resources)
            implements AutoCloseable {
        /** The MCP endpoint's URL on the first plain-HTTP listener, or on the first HTTPS one if there is none. */
        public String url() {
            String http = endpointUrl(false);
            return http != null ? http : java.util.Objects.requireNonNull(endpointUrl(true), "a listener");
        }

        /** The MCP endpoint's URL on the first HTTPS listener, or null when there is none. */
        public @Nullable String httpsUrl() {
            return endpointUrl(true);
        }

        private @Nullable String endpointUrl(boolean https) {
            List<KestrelEndpoints.Endpoint> all = host.endpoints();
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).https() == https) return all.get(i).url(host.port(i)) + "/mcp";
            }
            return null;
        }

        @Override
        public void close() throws Exception {
            host.close();
            resources.close();
        }
    }

    /** The demo's plain-HTTP listener when nothing configures one: 127.0.0.1, HTTP/1.1. */
    private static KestrelEndpoints.Endpoint loopback(int port) {
        return new KestrelEndpoints.Endpoint("Http", false, "127.0.0.1", port, true, false, null, List.of());
    }

    static final String USAGE = """
                                Usage: java -jar mcp-gateway.jar [options]   (in a checkout: bash demo.sh [options])
                                  --port N          the plain-HTTP port (default 8080 on 127.0.0.1, or the file's Kestrel:Endpoints:Http:Url;
                                                    0 = any free port)                                                 [GATEWAY_PORT]
                                  --backends URLS   comma-separated MCP endpoints to front instead of the demo replicas [GATEWAY_BACKENDS]
                                  --config FILE     build the gateway from a configuration file (appsettings.json shape), served on
                                                    its Kestrel:Endpoints (HTTP, HTTPS with a PFX or PEM certificate) [GATEWAY_CONFIG]
                                  --federated       two different MCP servers (demo_*, notes_*; both have echo) behind one endpoint
                                  --help            this text
                                Without --config, GATEWAY__... variables (GATEWAY__BACKENDSERVERS__0__URL=..., GATEWAY__SECURITY__APIKEY=...)
                                are a configuration of their own, as in the .NET gateway. See docs/configuration.md.\
                                """;

    /** Settings that cannot be served (a Kestrel endpoint, its certificate): printed as they are, exit code 2. */
    static final class SettingsException extends Exception {
        private static final long serialVersionUID = 1L;

        SettingsException(String message) {
            super(message);
        }
    }

    /** A problem with the demo's flags or settings: printed with the usage, exit code 2. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    /**
     * Runs the demo until the JVM is asked to stop; returns the exit code at once when it cannot start: 2 for a wrong
     * flag or configuration, 1 when the port is taken or something else fails.
     */
    static int run(String[] args, Map<String, String> env) {
        Running demo;
        try {
            demo = start(args, env);
        } catch (UsageException e) {
            System.err.println("error: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        } catch (ConfigException | SettingsException e) {
            System.err.println(e.getMessage());
            return 2;
        } catch (BindException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            System.err.println("error: the demo could not start: " + e);
            return 1;
        }
        if (demo == null) {
            System.out.println(USAGE);
            return 0;
        }
        printHelp(demo);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("Stopping...");
                            try {
                                demo.close();
                            } catch (Exception e) {
                                System.err.println("could not stop cleanly: " + e);
                            }
                            stopped.countDown();
                        },
                        "demo-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /**
     * Starts what the flags and environment describe; null for {@code --help}.
     *
     * @throws UsageException for an unknown flag, a flag without its value, a port that is not one, or settings that
     *     contradict each other
     * @throws BindException naming the port when it is taken (nothing the demo started is left running)
     */
    static Running start(String[] args, Map<String, String> env) throws Exception {
        Map<String, String> flags = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--help") || a.equals("-h")) {
                return null;
            }
            if (a.equals("--federated")) {
                flags.put(a, "true");
                continue;
            }
            if (!List.of("--port", "--backends", "--config").contains(a)) {
                throw new UsageException("unknown argument '" + a + "'");
            }
            if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                throw new UsageException(a + " needs a value");
            }
            flags.put(a, args[++i]);
        }
        String portText = setting(flags, "--port", env, "GATEWAY_PORT");
        Integer port = null;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText.trim());
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535) {
                throw new UsageException("the port must be a number from 0 to 65535, was '" + portText + "'");
            }
        }
        String config = setting(flags, "--config", env, "GATEWAY_CONFIG");
        String backends = setting(flags, "--backends", env, "GATEWAY_BACKENDS");
        boolean environmentConfig =
                env.keySet().stream().anyMatch(k -> k.toUpperCase(Locale.ROOT).startsWith("GATEWAY__"));
        if (backends != null && (config != null || environmentConfig)) {
            throw new UsageException("--backends/GATEWAY_BACKENDS cannot be combined with "
                    + (config != null ? "a configuration file" : "GATEWAY__ configuration variables")
                    + ": list the backends in one place (GATEWAY__BACKENDSERVERS__0__URL=... or the file's"
                    + " BackendServers)");
        }
        if (flags.containsKey("--federated")) {
            if (config != null || backends != null || environmentConfig) {
                throw new UsageException("--federated starts its own servers: it cannot be combined with --config,"
                        + " --backends or GATEWAY__ configuration variables (a configuration file describes a"
                        + " federation with Gateway:Servers; see docs/configuration.md)");
            }
            return federated(port == null ? 8080 : port);
        }
        if (config != null) {
            return fromConfig(Path.of(config), port, env);
        }
        if (environmentConfig) {
            System.out.println("Building the gateway from the GATEWAY__ environment variables (no file)");
            return fromLoader(GatewayConfig.loader(), port, env);
        }
        return withDemoReplicas(port == null ? 8080 : port, backends == null ? "" : backends);
    }

    private static String setting(Map<String, String> flags, String flag, Map<String, String> env, String var) {
        String value = flags.containsKey(flag) ? flags.get(flag) : env.get(var);
        return value == null || value.isBlank() ? null : value;
    }

    /**
     * The gateway a configuration file describes (the .NET gateway's {@code appsettings.json} shape; see
     * docs/configuration.md), reloaded when the file changes if it says so, served on every
     * {@code Kestrel:Endpoints} entry (docs/tls.md): plain HTTP, and HTTPS with its PFX or PEM certificate (re-read
     * when the file changes), TLS 1.2/1.3, HTTP/1.1 and HTTP/2 by ALPN. Without endpoints it listens on
     * 127.0.0.1:8080. {@code port}, when not null, replaces the port of the first plain-HTTP endpoint.
     *
     * @throws ConfigException if the file is invalid
     * @throws SettingsException if an endpoint or its certificate cannot be served, naming the file and the fix
     * @throws BindException naming the address when a port is taken
     */
    public static Running fromConfig(Path file, @Nullable Integer port, Map<String, String> environment)
            throws Exception {
        return fromLoader(GatewayConfig.loader().file(file), port, environment);
    }

    private static Running fromLoader(GatewayConfig.Loader loader, @Nullable Integer port, Map<String, String> env)
            throws Exception {
        loader.hostSections("Kestrel", "Logging", "AllowedHosts").environment(env);
        GatewayConfig first = loader.load(); // a bad file fails here, before anything is bound
        KestrelEndpoints.Result kestrel = KestrelEndpoints.read(first.hostSection("Kestrel"));
        if (!kestrel.problems().isEmpty()) {
            throw new SettingsException(problems("the Kestrel section cannot be served", kestrel.problems()));
        }
        List<KestrelEndpoints.Endpoint> endpoints = new ArrayList<>(kestrel.endpoints());
        if (endpoints.isEmpty()) {
            endpoints.add(loopback(8080));
        }
        if (port != null) {
            int http = -1;
            for (int i = 0; i < endpoints.size() && http < 0; i++) {
                if (!endpoints.get(i).https()) http = i;
            }
            if (http < 0) {
                throw new SettingsException("error: --port/GATEWAY_PORT sets the plain-HTTP listener's port, and"
                        + " Kestrel:Endpoints has none: drop it, or change the HTTPS endpoint's Url");
            }
            endpoints.set(http, endpoints.get(http).withPort(port));
        }
        if (!kestrel.ignored().isEmpty()) {
            System.out.println("Note: not applied by this host: " + String.join(", ", kestrel.ignored()));
        }
        Map<String, ServerTls> tls = new java.util.HashMap<>();
        Duration reloadCheck = first.reloadCheckInterval();
        for (KestrelEndpoints.Endpoint e : endpoints) {
            if (e.https()) {
                tls.put(e.name(), ServerCertificates.load(e, reloadCheck));
            }
        }
        DemoHost host = DemoHost.bind(endpoints, tls);
        DemoObservability observed = new DemoObservability(false); // a service: meters, and the configured access log
        ReloadingGateway gateway;
        try {
            Map<String, String> withPort = new java.util.HashMap<>(env);
            for (int i = 0; i < endpoints.size(); i++) {
                if (endpoints.get(i).https() && endpoints.get(i).port() == 0) {
                    // Redirects go to the port the HTTPS listener got, not to 443.
                    withPort.putIfAbsent("GATEWAY__SECURITY__HTTPSPORT", Integer.toString(host.port(i)));
                }
            }
            loader.environment(withPort);
            gateway = ReloadingGateway.start(loader, b -> {
                observed.instrument(b);
                tls.forEach((name, t) -> b.serverCertificate("Kestrel:Endpoints:" + name, t::certificate));
            });
        } catch (RuntimeException e) {
            host.close();
            observed.close();
            throw e;
        }
        try {
            return serve(host, gateway, observed, gateway);
        } catch (Exception e) {
            gateway.close();
            throw e;
        }
    }

    private static String problems(String what, List<String> problems) {
        StringBuilder sb = new StringBuilder("error: ").append(what).append(':');
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }

    /**
     * Two demo MCP SDK replicas behind the gateway, or the given MCP endpoints (comma-separated). The port is bound
     * first, so a taken port fails before anything else starts.
     */
    public static Running withDemoReplicas(int port, String backendList) throws Exception {
        DemoHost server = DemoHost.bind(List.of(loopback(port)), Map.of());
        List<DemoBackend> replicas = new ArrayList<>();
        DemoObservability observed = new DemoObservability();
        try {
            BackendPool.Builder pool = BackendPool.builder("demo");
            if (backendList.isBlank()) {
                for (String name : List.of("replica-1", "replica-2")) {
                    DemoBackend replica = DemoBackend.start(name, 0, null);
                    replicas.add(replica);
                    pool.backend(Backend.of(name, replica.url().toString()));
                }
            } else {
                int i = 1;
                for (String url : backendList.split(",", -1)) {
                    if (url.isBlank()) continue; // "a,b," is two backends
                    pool.backend(Backend.of("backend-" + i++, url.trim()));
                }
            }
            Gateway gateway =
                    observed.instrument(Gateway.builder().pool(pool.build())).build();
            return serve(server, () -> gateway, observed, () -> {
                gateway.close();
                for (DemoBackend r : replicas) {
                    r.close();
                }
            });
        } catch (Exception | Error e) {
            server.close();
            observed.close();
            for (DemoBackend r : replicas) {
                r.close();
            }
            throw e;
        }
    }

    /**
     * The federated demo: {@link DemoBackend} (prefix {@code demo}) and {@link DemoNotes} (prefix {@code notes}), two
     * replicas each, behind one gateway; both have an {@code echo} tool, exposed as {@code demo_echo} and
     * {@code notes_echo}. The port is bound first.
     */
    public static Running federated(int port) throws Exception {
        DemoHost server = DemoHost.bind(List.of(loopback(port)), Map.of());
        List<AutoCloseable> started = new ArrayList<>();
        DemoObservability observed = new DemoObservability();
        try {
            BackendPool.Builder demo = BackendPool.builder("demo");
            for (String name : List.of("demo-1", "demo-2")) {
                DemoBackend replica = DemoBackend.start(name, 0, null);
                started.add(replica);
                demo.backend(Backend.of(name, replica.url().toString()));
            }
            BackendPool.Builder notes = BackendPool.builder("notes");
            for (String name : List.of("notes-1", "notes-2")) {
                DemoNotes replica = DemoNotes.start(name, 0);
                started.add(replica);
                notes.backend(Backend.of(name, replica.url().toString()));
            }
            Gateway gateway = observed.instrument(Gateway.builder()
                            .server(McpServer.builder("demo", demo.build()).build())
                            .server(McpServer.builder("notes", notes.build()).build()))
                    .build();
            return serve(server, () -> gateway, observed, () -> {
                gateway.close();
                for (AutoCloseable c : started) {
                    c.close();
                }
            });
        } catch (Exception | Error e) {
            server.close();
            observed.close();
            for (AutoCloseable c : started) {
                c.close();
            }
            throw e;
        }
    }

    private static Running serve(
            DemoHost host, Supplier<Gateway> gateway, DemoObservability observed, AutoCloseable resources)
            throws Exception {
        observed.bind(gateway);
        try {
            host.serve(gateway, observed::scrape);
        } catch (Exception e) {
            host.close();
            observed.close();
            throw e;
        }
        return new Running(host, gateway, observed, () -> {
            resources.close();
            observed.close();
        });
    }

    private static void printHelp(Running demo) {
        String https = demo.httpsUrl();
        String url = https != null ? https : demo.url(); // with an HTTPS listener, what clients should use
        System.out.println();
        List<KestrelEndpoints.Endpoint> endpoints = demo.host().endpoints();
        for (int i = 0; i < endpoints.size(); i++) {
            KestrelEndpoints.Endpoint e = endpoints.get(i);
            System.out.println("MCP gateway listening on " + e.url(demo.host().port(i)) + "/mcp  (" + e.protocolText()
                    + (e.https() ? ", TLS " + String.join("/", e.tlsProtocols()) : "")
                    + (e.host() == null ? ", every interface" : "") + ")");
        }
        Gateway gateway = demo.gateway().get();
        boolean federation = !gateway.servers().isEmpty();
        if (federation) {
            for (McpServer s : gateway.servers()) {
                System.out.println("  server " + s.id() + ": its names start with '" + s.prefix() + "_'");
                for (Backend b : s.pool().backends()) {
                    System.out.println("    backend " + b.name() + " -> " + b.url());
                }
            }
        } else {
            for (Backend b : gateway.pool().backends()) {
                System.out.println("  backend " + b.name() + " -> " + b.url());
            }
        }
        List<String> metadata = gateway.resourceMetadataPaths();
        String origin = url.substring(0, url.length() - "/mcp".length());
        if (!metadata.isEmpty()) {
            System.out.println();
            System.out.println("OAuth: every MCP request needs 'Authorization: Bearer <access token>' from the issuer;"
                    + " the protected-resource metadata is at " + origin + metadata.get(0) + " (docs/oauth.md)");
        }
        System.out.println();
        System.out.println("Try it:");
        System.out.println("  npx @modelcontextprotocol/inspector   (Streamable HTTP, URL " + url + ")");
        System.out.println("  curl -si " + url + " -H 'Content-Type: application/json' \\");
        System.out.println("       -H 'Accept: application/json, text/event-stream' \\");
        System.out.println("       -d '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
                + "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                + "\"clientInfo\":{\"name\":\"curl\",\"version\":\"1\"}}}'");
        System.out.println("  then repeat with -H 'Mcp-Session-Id: <the header from that answer>' and e.g.");
        System.out.println("       -d '{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":"
                + (federation
                        ? "{\"name\":\"notes_echo\",\"arguments\":{\"text\":\"hi\"}}}'   (or demo_echo, notes_search,"
                                + " notes_count; tools/list shows them all)"
                        : "{\"name\":\"whoami\",\"arguments\":{}}}'"));
        if (https != null) {
            System.out.println("  (curl needs --cacert <CA file> for a certificate of a private CA)");
        }
        System.out.println("  curl -s " + origin + "/health   (" + (federation ? "servers, " : "")
                + "backends, circuits, latency)");
        System.out.println("  curl -s " + origin
                + "/metrics   (Prometheus: mcp_server_operation_duration_seconds,"
                + " mcp_client_operation_duration_seconds, mcp_gateway_*)");
        if (demo.observed().printed()) {
            System.out.println("Each exchange prints an access-log line (io.openharbor.mcp.gateway.access) and its"
                    + " spans (LoggingSpanExporter: a SERVER span per message, a CLIENT span per upstream attempt).");
        }
        System.out.println();
        System.out.println("Ctrl-C stops the gateway" + " and anything the demo started.");
    }
}
