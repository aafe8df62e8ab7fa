package io.openharbor.mcp.gateway.config;

import static java.util.Objects.requireNonNull;

import io.openharbor.mcp.gateway.ApiKeys;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.CircuitBreakerPolicy;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.GatewayRequest;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.LoadBalancer;
import io.openharbor.mcp.gateway.McpServer;
import io.openharbor.mcp.gateway.OutlierDetection;
import io.openharbor.mcp.gateway.RateLimits;
import io.openharbor.mcp.gateway.SecurityPolicy;
import io.openharbor.mcp.gateway.TlsPolicy;
import io.openharbor.mcp.gateway.oauth.OAuthClientCredentials;
import io.openharbor.mcp.gateway.oauth.OAuthResourceServer;
import io.openharbor.mcp.gateway.redis.RedisRateLimits;
import io.openharbor.mcp.gateway.tls.BackendTls;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A gateway's configuration read from a JSON file in the .NET gateway's {@code appsettings.json} shape, with
 * environment overrides in the .NET convention, validated as a whole.
 *
 * <pre>{@code
 * GatewayConfig config = GatewayConfig.load(Path.of("appsettings.json"));   // + GATEWAY__... variables
 * Gateway gateway = config.toBuilder().listener(myMetrics).build();
 * }</pre>
 *
 * <p>Everything lives under the top-level {@code Gateway} section; keys are case-insensitive. The seed's keys
 * ({@code BackendServers}, {@code LoadBalancing}, {@code Security}) keep their meaning; the gateway's own sections
 * ({@code Pool}, {@code Sessions}, {@code Timeouts}, {@code Limits}, {@code Health}, {@code Reload}) reach every other
 * builder setting. Every key maps onto a builder method: the file can configure nothing that code cannot. Unknown
 * keys are errors, and so is any other top-level section unless the host declared it as its own
 * ({@link Loader#hostSections(String...)}, for example {@code Kestrel} or {@code Logging}). Durations are written as
 * .NET {@code TimeSpan}s ({@code 00:00:30}) or ISO-8601 ({@code PT30S}).
 *
 * <p>Secrets (API keys, session keys, key and keystore passwords) come from environment variables
 * ({@code GATEWAY__SECURITY__APIKEY}) or from files named by the same key with {@code File} appended
 * ({@code "ApiKeyFile": "/run/secrets/api-key"}); written into the file they work, with a warning in the log.
 *
 * <p>The whole document is checked before anything is built, and every problem is reported at once in a
 * {@link ConfigException}, each naming the key path, the value, where it came from and what was expected. The docs'
 * {@code configuration.md} lists every key.
 */
public final class GatewayConfig {
    /** The section this module reads. */
    public static final String SECTION = "Gateway";
    /** Default for {@code Gateway:Timeouts:Drain}: 30 seconds. */
    public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
    /** Default for {@code Gateway:Reload:CheckInterval}: 5 seconds. */
    public static final Duration DEFAULT_RELOAD_CHECK_INTERVAL = Duration.ofSeconds(5);
    /** The name the seed's single {@code Security:ApiKey} gets as a caller identity: {@value}. */
    public static final String DEFAULT_API_KEY_NAME = "default";
    /** The pool name when {@code Gateway:Pool:Name} is not set: {@value}. */
    public static final String DEFAULT_POOL_NAME = "default";

    private final @Nullable BackendPool pool;
    private final List<McpServer> servers;
    private final List<Consumer<Gateway.Builder>> settings;
    private final boolean hasSessionKeys;
    private final Duration drainTimeout;
    private final boolean reloadOnChange;
    private final Duration reloadCheckInterval;
    private final Map<String, Map<String, String>> hostSections;
    private final List<Path> files;

    private GatewayConfig(Reader r, Map<String, Map<String, String>> hostSections, List<Path> files) {
        if (r.pool == null && r.servers.isEmpty()) {
            throw new IllegalStateException("a configuration without errors has a pool or servers");
        }
        this.pool = r.pool;
        this.servers = List.copyOf(r.servers);
        this.settings = List.copyOf(r.settings);
        this.hasSessionKeys = r.hasSessionKeys;
        this.drainTimeout = r.drainTimeout;
        this.reloadOnChange = r.reloadOnChange;
        this.reloadCheckInterval = r.reloadCheckInterval;
        this.hostSections = hostSections;
        this.files = List.copyOf(files);
    }

    /**
     * Reads {@code file} with the process environment's overrides.
     *
     * @param file the JSON file
     * @return the configuration
     * @throws ConfigException listing every problem, if the file is missing, malformed or invalid
     */
    public static GatewayConfig load(Path file) {
        return loader().file(file).load();
    }

    /**
     * A loader for other sources: inline JSON, a given environment, host-owned sections.
     *
     * @return a new loader
     */
    public static Loader loader() {
        return new Loader();
    }

    /**
     * A new builder with every configured setting applied: add what files cannot say (a listener, a custom
     * authenticator) and build. Each call returns a fresh builder; the gateways share this configuration's immutable
     * parts (and its {@link RateLimits}, whose buckets so carry over).
     *
     * @return a new builder
     */
    public Gateway.Builder toBuilder() {
        Gateway.Builder b = Gateway.builder();
        if (pool != null) {
            b.pool(pool);
        }
        for (McpServer s : servers) {
            b.server(s);
        }
        for (Consumer<Gateway.Builder> s : settings) {
            s.accept(b);
        }
        return b;
    }

    /**
     * {@code toBuilder().build()}.
     *
     * @return a new gateway
     */
    public Gateway build() {
        return toBuilder().build();
    }

    /**
     * {@return the configured pool and its backends}
     *
     * @throws IllegalStateException for a federation ({@code Gateway:Servers}): see {@link #servers()}
     */
    public BackendPool pool() {
        if (pool == null) {
            throw new IllegalStateException("this configuration is a federation (Gateway:Servers): see servers()");
        }
        return pool;
    }

    /** {@return the federated servers ({@code Gateway:Servers}), or empty for one pool ({@code BackendServers})} */
    public List<McpServer> servers() {
        return servers;
    }

    /** {@return every backend's name, as {@code server/backend} in a federation} */
    public List<String> backendNames() {
        if (pool != null) {
            return pool.backends().stream().map(Backend::name).toList();
        }
        List<String> names = new ArrayList<>();
        for (McpServer s : servers) {
            for (Backend b : s.pool().backends()) {
                names.add(s.id() + "/" + b.name());
            }
        }
        return names;
    }

    /** {@return whether session keys were configured ({@code Gateway:Sessions:Keys} or {@code KeysFile})} */
    public boolean hasSessionKeys() {
        return hasSessionKeys;
    }

    /**
     * {@code Gateway:Timeouts:Drain}: how long a drained backend or a replaced gateway may finish its work.
     *
     * @return the drain timeout
     */
    public Duration drainTimeout() {
        return drainTimeout;
    }

    /**
     * {@code Gateway:Reload:OnChange}: whether {@link ReloadingGateway} watches the files (default false).
     *
     * @return whether the files are watched
     */
    public boolean reloadOnChange() {
        return reloadOnChange;
    }

    /**
     * {@code Gateway:Reload:CheckInterval}: how often the files are compared (default 5 s).
     *
     * @return the interval
     */
    public Duration reloadCheckInterval() {
        return reloadCheckInterval;
    }

    /**
     * A host-owned top-level section ({@link Loader#hostSections}) flattened the .NET way: keys relative to the
     * section, {@code :}-separated, case-insensitive ({@code Endpoints:Https:Url}); environment overrides applied.
     * Empty if the section is absent.
     *
     * @param name the section's name, as given to Loader.hostSections
     * @return its flattened keys and values
     */
    public Map<String, String> hostSection(String name) {
        Map<String, String> s = hostSections.get(name);
        return s == null ? Map.of() : s;
    }

    /** {@return the configuration file and every file it refers to (secrets, certificates): what a reload watches} */
    public List<Path> files() {
        return files;
    }

    /** Reads configurations. Reusable: {@link #load()} reads its sources again on every call. */
    public static final class Loader {
        private @Nullable Path file;
        private @Nullable String json;
        private @Nullable Map<String, String> keys;
        private @Nullable Function<String, String> keyOrigins;
        private String keysSource = "keys";
        private Map<String, String> environment = System.getenv();
        private final List<String> hostSections = new ArrayList<>();
        private @Nullable LoadBalancer loadBalancer;
        private @Nullable TlsPolicy tlsPolicy;

        private Loader() {}

        /**
         * The JSON file to read.
         *
         * @param file the JSON file
         * @return this loader
         */
        public Loader file(Path file) {
            this.file = requireNonNull(file, "file");
            this.json = null;
            this.keys = null;
            return this;
        }

        /**
         * JSON text to read instead of a file.
         *
         * @param json the JSON text
         * @return this loader
         */
        public Loader json(String json) {
            this.json = requireNonNull(json, "json");
            this.file = null;
            this.keys = null;
            return this;
        }

        /**
         * Keys already flattened, instead of a file: what a host framework's own property system has bound (the
         * Spring Boot starter passes its {@code mcp.gateway.*} properties so). Each key is a path as in the file,
         * {@code Gateway:BackendServers:0:Url}, case-insensitive; each value a string as an environment variable
         * would hold it. {@link #environment} still applies on top, unless set to an empty map.
         *
         * @param source what the keys are, for the error message's first line ({@code mcp.gateway properties})
         * @param keys key paths to values
         * @param origins where each key came from, for its error lines ({@code property mcp.gateway.x from ...})
         * @return this loader
         */
        public Loader keys(String source, Map<String, String> keys, Function<String, String> origins) {
            this.keysSource = requireNonNull(source, "source");
            this.keys = Map.copyOf(requireNonNull(keys, "keys"));
            this.keyOrigins = requireNonNull(origins, "origins");
            this.file = null;
            this.json = null;
            return this;
        }

        /**
         * The balancer of every pool in place of the default ({@code PeakEwma}): one instance, shared by the pools.
         * A configuration that also sets {@code LoadBalancing:Strategy} for a pool is refused, as two choices of one
         * thing (a federation's top-level {@code ToolBased}, which routes across servers, is not such a choice).
         *
         * @param balancer the balancer
         * @return this loader
         */
        public Loader loadBalancer(LoadBalancer balancer) {
            this.loadBalancer = requireNonNull(balancer, "balancer");
            return this;
        }

        /**
         * The TLS policy of every {@code https://} backend that has no {@code TlsOptions} of its own, in place of the
         * JVM's trust with host name verification; a backend's own {@code TlsOptions} still win.
         *
         * @param policy the policy
         * @return this loader
         */
        public Loader tlsPolicy(TlsPolicy policy) {
            this.tlsPolicy = requireNonNull(policy, "policy");
            return this;
        }

        /**
         * The environment whose {@code GATEWAY__} variables override the file (default the process's). Without a
         * {@link #file} or {@link #json}, the configuration is read from these variables alone.
         *
         * @param environment variable names to values
         * @return this loader
         */
        public Loader environment(Map<String, String> environment) {
            this.environment = Map.copyOf(requireNonNull(environment, "environment"));
            return this;
        }

        /**
         * Top-level sections the host reads itself (say {@code Kestrel}, {@code Logging}): not errors, not checked,
         * available flattened through {@link GatewayConfig#hostSection(String)}, overridable with
         * {@code NAME__...} variables.
         *
         * @param names the sections' names
         * @return this loader
         */
        public Loader hostSections(String... names) {
            for (String n : names) {
                if (requireNonNull(n, "name").isBlank() || n.equalsIgnoreCase(SECTION) || n.contains(":")) {
                    throw new IllegalArgumentException("not a usable host section name: '" + n + "'");
                }
                hostSections.add(n);
            }
            return this;
        }

        /** {@return the file being read, or null for inline JSON} */
        public @Nullable Path file() {
            return file;
        }

        /**
         * Reads, checks and maps the configuration.
         *
         * @return the configuration
         * @throws ConfigException listing every problem found
         */
        public GatewayConfig load() {
            List<String> errors = new ArrayList<>();
            FlatConfig cfg = new FlatConfig();
            String source;
            List<Path> files = new ArrayList<>();
            if (file != null) {
                source = file.toString();
                files.add(file);
                try {
                    cfg.addJson(Files.readString(file, StandardCharsets.UTF_8), source, errors);
                } catch (IOException | RuntimeException e) {
                    errors.add(source + ": cannot read the configuration file: " + e);
                }
            } else if (json != null) {
                source = "inline JSON";
                cfg.addJson(json, source, errors);
            } else if (keys != null && keyOrigins != null) {
                source = keysSource;
                cfg.addKeys(keys, keyOrigins);
            } else {
                source = "environment"; // GATEWAY__ variables alone, as .NET reads its environment without a file
            }
            List<String> sections = new ArrayList<>(hostSections);
            sections.add(0, SECTION);
            cfg.addEnvironment(environment, sections);
            if (!errors.isEmpty()) {
                throw new ConfigException(source, errors); // malformed: nothing more can be said
            }

            Binder b = new Binder(cfg, errors);
            for (String key : cfg.entries.keySet()) {
                String top = key.contains(":") ? key.substring(0, key.indexOf(':')) : key;
                boolean known = top.equalsIgnoreCase(SECTION);
                for (String h : hostSections) {
                    known |= top.equalsIgnoreCase(h);
                }
                if (!known) {
                    errors.add(key + " (" + cfg.entries.get(key).origin() + "): unknown top-level section '" + top
                            + "': this gateway reads '" + SECTION + "'"
                            + (hostSections.isEmpty() ? "" : " and the host reads " + hostSections));
                }
            }
            if (!b.has(SECTION)) {
                errors.add(SECTION + ": missing: the configuration needs a '" + SECTION
                        + "' section with at least BackendServers (in a file, or as GATEWAY__BACKENDSERVERS__0__URL"
                        + " variables)");
                throw new ConfigException(source, errors);
            }
            Reader r = new Reader(b, loadBalancer, tlsPolicy);
            r.read();
            b.unknownKeys(SECTION);
            if (!errors.isEmpty()) {
                throw new ConfigException(source, dedupe(errors));
            }
            Map<String, Map<String, String>> host = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (String h : hostSections) {
                host.put(h, java.util.Collections.unmodifiableMap(b.section(h)));
            }
            files.addAll(b.files);
            return new GatewayConfig(r, java.util.Collections.unmodifiableMap(host), files);
        }

        private static List<String> dedupe(List<String> errors) {
            return new ArrayList<>(new java.util.LinkedHashSet<>(errors));
        }
    }

    /**
     * The port of the first {@code Kestrel:Endpoints:<name>:Url} that is an {@code https://} URL, or null: a .NET
     * gateway's file says where its HTTPS listener is there, and ASP.NET's HTTPS redirection goes to that port.
     * Only seen when the host declares {@code Kestrel} a host section.
     */
    static @Nullable Integer kestrelHttpsPort(Map<String, String> kestrel) {
        for (Map.Entry<String, String> e : kestrel.entrySet()) {
            String key = e.getKey();
            String url = e.getValue().trim();
            if (!key.regionMatches(true, 0, "Endpoints:", 0, 10)
                    || !key.toLowerCase(Locale.ROOT).endsWith(":url")
                    || !url.regionMatches(true, 0, "https://", 0, 8)) {
                continue;
            }
            String authority = url.substring(8).replaceAll("/.*", "");
            int colon = authority.lastIndexOf(':');
            if (colon < 0 || authority.endsWith("]")) {
                return null; // https without a port: 443, the default
            }
            try {
                int p = Integer.parseInt(authority.substring(colon + 1));
                return p >= 1 && p <= 65535 ? p : null;
            } catch (NumberFormatException ignored) {
                return null;
            }
        }
        return null;
    }

    /** Maps the {@code Gateway} section onto the builders. */
    private static final class Reader {
        private final Binder b;
        private final @Nullable LoadBalancer codeBalancer;
        private final @Nullable TlsPolicy codeTls;
        final List<Consumer<Gateway.Builder>> settings = new ArrayList<>();

        @Nullable
        BackendPool pool;

        final List<McpServer> servers = new ArrayList<>();

        boolean hasSessionKeys;
        Duration drainTimeout = DEFAULT_DRAIN_TIMEOUT;
        boolean reloadOnChange;
        Duration reloadCheckInterval = DEFAULT_RELOAD_CHECK_INTERVAL;

        Reader(Binder b, @Nullable LoadBalancer codeBalancer, @Nullable TlsPolicy codeTls) {
            this.b = b;
            this.codeBalancer = codeBalancer;
            this.codeTls = codeTls;
        }

        void read() {
            if (b.count("Gateway:Servers") > 0) {
                if (b.has("Gateway:BackendServers")) {
                    b.errors.add("Gateway:BackendServers: a configuration has either BackendServers (one pool) or"
                            + " Servers (a federation), not both: move these backends into a server");
                }
                servers();
                federation();
            } else {
                pool = pool();
            }
            retries();
            security();
            sessions();
            timeouts();
            limits();
            health();
            Boolean vt = b.bool("Gateway:VirtualThreads");
            if (vt != null) settings.add(g -> g.virtualThreads(vt));
            Boolean accessLog = b.bool("Gateway:AccessLog");
            if (accessLog != null) settings.add(g -> g.accessLog(accessLog));
            Boolean onChange = b.bool("Gateway:Reload:OnChange");
            if (onChange != null) reloadOnChange = onChange;
            Duration check = b.duration("Gateway:Reload:CheckInterval");
            if (check != null) {
                if (check.compareTo(Duration.ofMillis(100)) < 0 || check.compareTo(Duration.ofHours(1)) > 0) {
                    b.errors.add("Gateway:Reload:CheckInterval = \"" + check + "\": expected 100 ms to 1 hour");
                } else {
                    reloadCheckInterval = check;
                }
            }
        }

        /** A setting whose builder call validates: checked now, against a scratch builder, and kept for later. */
        private void setting(String path, Consumer<Gateway.Builder> s) {
            b.apply(path, () -> s.accept(Gateway.builder()));
            settings.add(s);
        }

        // ---- pool and backends ----

        private @Nullable BackendPool pool() {
            String name = b.string("Gateway:Pool:Name");
            return pool(name == null ? DEFAULT_POOL_NAME : name, "Gateway:Pool:Name", "Gateway", "Gateway");
        }

        /**
         * A pool: its backends under {@code at:BackendServers}, its balancing from {@code at:LoadBalancing} key by key
         * where set there, else from {@code Gateway:LoadBalancing} (a federation's defaults for every server).
         */
        private @Nullable BackendPool pool(String name, String nameKey, String at, String defaults) {
            BackendPool.Builder pb;
            try {
                pb = BackendPool.builder(name);
            } catch (IllegalArgumentException e) {
                b.errors.add(nameKey + ": " + e.getMessage());
                pb = BackendPool.builder(DEFAULT_POOL_NAME);
            }
            BackendPool.Builder p = pb;
            int n = b.count(at + ":BackendServers");
            if (n == 0) {
                b.errors.add(at + ":BackendServers: missing: at least one backend is needed (an array of {\"Name\","
                        + " \"Url\"}, or " + Binder.envName(at + ":BackendServers") + "__0__URL)");
            }
            for (int i = 0; i < n; i++) {
                Backend backend = backend(at + ":BackendServers:" + i);
                if (backend != null) {
                    b.apply(at + ":BackendServers:" + i + ":Name", () -> p.backend(backend));
                }
            }
            loadBalancing(p, at, defaults);
            Duration slow = b.duration(pick(at, defaults, "Pool:SlowStart"));
            if (slow != null) b.apply(pick(at, defaults, "Pool:SlowStart"), () -> p.slowStart(slow));
            Integer panic = b.integer(pick(at, defaults, "Pool:PanicThresholdPercent"), 0, 100);
            if (panic != null) p.panicThresholdPercent(panic);
            Boolean failFast = b.bool(pick(at, defaults, "Pool:FailFastInPanic"));
            if (failFast != null) p.failFastInPanic(failFast);
            outliers(p);
            try {
                return n == 0 ? null : p.build();
            } catch (IllegalStateException e) {
                b.errors.add(at + ":BackendServers: " + e.getMessage());
                return null;
            }
        }

        // ---- federation ----

        private void servers() {
            int n = b.count("Gateway:Servers");
            for (int i = 0; i < n; i++) {
                String at = "Gateway:Servers:" + i;
                String name = b.string(at + ":Name");
                String prefix = b.string(at + ":Prefix");
                if (name == null) {
                    b.errors.add(at + ":Name: missing: every server needs a name (its id, sealed into sessions)");
                }
                if (prefix == null) {
                    b.errors.add(at + ":Prefix: missing: every server needs a prefix (1 to 16 lowercase letters and"
                            + " digits, fixed for the life of the deployment)");
                }
                Boolean required = b.bool(at + ":Required");
                List<String> include = b.strings(at + ":Include");
                List<String> exclude = b.strings(at + ":Exclude");
                BackendPool p = pool(name == null ? "server-" + i : name, at + ":Name", at, "Gateway");
                if (name == null || prefix == null || p == null) {
                    continue;
                }
                McpServer.Builder sb;
                try {
                    sb = McpServer.builder(prefix.trim(), p);
                } catch (IllegalArgumentException e) {
                    b.errors.add(
                            at + ":Prefix = \"" + prefix + "\"" + b.origin(at + ":Prefix") + ": " + e.getMessage());
                    continue;
                }
                if (required != null) sb.required(required);
                if (include != null) b.apply(at + ":Include", () -> sb.include(include.toArray(new String[0])));
                if (exclude != null) b.apply(at + ":Exclude", () -> sb.exclude(exclude.toArray(new String[0])));
                McpServer server = sb.build();
                b.apply(at + ":Prefix", () -> {
                    Gateway.Builder check = Gateway.builder();
                    for (McpServer other : servers) check.server(other);
                    check.server(server); // a taken name or prefix, naming both servers
                });
                servers.add(server);
            }
        }

        private void federation() {
            String at = "Gateway:Federation";
            String separator = b.string(at + ":NameSeparator");
            if (separator != null) setting(at + ":NameSeparator", g -> g.nameSeparator(separator));
            Integer max = b.integer(at + ":MaxNameLength", 32, 128);
            if (max != null) setting(at + ":MaxNameLength", g -> g.maxNameLength(max));
            Duration timeout = b.duration(at + ":Timeout");
            if (timeout != null) setting(at + ":Timeout", g -> g.federationTimeout(timeout));
            Duration refresh = b.duration(at + ":CatalogRefresh");
            if (refresh != null) setting(at + ":CatalogRefresh", g -> g.catalogRefresh(refresh));
            Integer page = b.integer(at + ":ListPageSize", 1, 10_000);
            if (page != null) setting(at + ":ListPageSize", g -> g.listPageSize(page));
        }

        private @Nullable Backend backend(String at) {
            String url = b.string(at + ":Url");
            String name = b.string(at + ":Name");
            if (url == null) {
                b.errors.add(at + ":Url: missing: every backend needs the URL of its MCP endpoint ("
                        + Binder.envName(at + ":Url") + ")");
                b.skip(at);
                return null;
            }
            URI uri;
            try {
                uri = new URI(url.trim());
            } catch (URISyntaxException e) {
                b.errors.add(
                        at + ":Url = \"" + url + "\": expected an absolute http:// or https:// URL: " + e.getMessage());
                b.skip(at);
                return null;
            }
            if (name == null) {
                // The seed allows a backend without a name: take host:port, stable across reorderings.
                name = uri.getHost() == null ? at : uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
            }
            Backend.Builder bb;
            try {
                bb = Backend.builder(name, uri);
            } catch (IllegalArgumentException e) {
                b.errors.add(at + ":Url = \"" + url + "\": " + e.getMessage());
                b.skip(at);
                return null;
            }
            String hc = b.string(at + ":HealthCheckPath");
            if (hc != null) b.apply(at + ":HealthCheckPath", () -> bb.healthCheckPath(hc));
            Integer max = b.integer(at + ":MaxConnections", 1, 100_000);
            if (max != null) bb.maxConnections(max);
            Integer weight = b.integer(at + ":Weight", 1, 1000);
            if (weight != null) bb.weight(weight);
            Boolean h2c = b.bool(at + ":H2cPriorKnowledge");
            if (h2c != null) bb.h2cPriorKnowledge(h2c);
            for (Map.Entry<String, String> h : b.map(at + ":Headers").entrySet()) {
                b.apply(at + ":Headers:" + h.getKey(), () -> bb.header(h.getKey(), h.getValue()));
            }
            Boolean forward = b.bool(at + ":ForwardClientCredentials");
            if (forward != null) bb.forwardClientCredentials(forward);
            if (b.has(at + ":ClientCredentials")) {
                OAuthClientCredentials cc = clientCredentials(at + ":ClientCredentials");
                if (cc != null) bb.credentials(cc);
            }
            if (b.has(at + ":TlsOptions")) {
                BackendTls tls = tls(at + ":TlsOptions");
                if (tls != null) bb.tlsPolicy(tls);
            } else if (codeTls != null && "https".equalsIgnoreCase(uri.getScheme())) {
                bb.tlsPolicy(codeTls);
            }
            try {
                return bb.build();
            } catch (IllegalStateException e) {
                b.errors.add(at + ": " + e.getMessage());
                return null;
            }
        }

        private @Nullable BackendTls tls(String at) {
            BackendTls.Builder t = BackendTls.builder();
            int before = b.errors.size();
            Boolean validate = b.bool(at + ":ValidateCertificate");
            if (validate != null) t.validateCertificate(validate);
            List<String> thumbprints = b.strings(at + ":AllowedCertificateThumbprints");
            if (thumbprints != null)
                b.apply(at + ":AllowedCertificateThumbprints", () -> t.allowedThumbprints(thumbprints));
            List<String> pins = b.strings(at + ":Pins");
            if (pins != null) b.apply(at + ":Pins", () -> t.pins(pins));
            Path trust = b.file(at + ":TrustStore:Path");
            String trustPassword = b.secret(at + ":TrustStore:Password");
            if (trust != null) {
                String type = type(trust);
                b.apply(at + ":TrustStore:Path", () -> {
                    char[] pw = trustPassword == null ? new char[0] : trustPassword.toCharArray();
                    if (type.equals("PKCS12")) t.trustPkcs12(trust, pw);
                    else if (type.equals("JKS")) t.trustJks(trust, pw);
                    else t.trustPem(trust);
                });
            }
            Boolean roots = b.bool(at + ":IncludeSystemRoots");
            if (roots != null) t.includeSystemRoots(roots);
            Path cert = b.file(at + ":ClientCertificate:Path");
            Path key = b.file(at + ":ClientCertificate:KeyPath");
            String certPassword = b.secret(at + ":ClientCertificate:Password");
            if (cert != null) {
                boolean p12 = type(cert).equals("PKCS12");
                if (!p12 && key == null) {
                    b.errors.add(at + ":ClientCertificate:KeyPath: missing: a PEM certificate needs its PEM private key"
                            + " (or give a .p12/.pfx file as Path)");
                } else {
                    b.apply(at + ":ClientCertificate:Path", () -> {
                        char[] pw = certPassword == null ? null : certPassword.toCharArray();
                        if (p12) t.clientCertificatePkcs12(cert, pw == null ? new char[0] : pw);
                        else if (pw == null) t.clientCertificatePem(cert, requireNonNull(key)); // checked above
                        else t.clientCertificatePem(cert, requireNonNull(key), pw);
                    });
                }
            } else if (key != null) {
                b.errors.add(at + ":ClientCertificate:Path: missing: KeyPath is set but not the certificate");
            }
            List<String> protocols = b.strings(at + ":Protocols");
            if (protocols != null) b.apply(at + ":Protocols", () -> t.protocols(protocols.toArray(new String[0])));
            Duration reload = b.duration(at + ":ReloadCheckInterval");
            if (reload != null) b.apply(at + ":ReloadCheckInterval", () -> t.reloadCheckInterval(reload));
            if (b.errors.size() > before) {
                return null;
            }
            try {
                return t.build();
            } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
                b.errors.add(at + ": " + e.getMessage());
                return null;
            }
        }

        private static String type(Path file) {
            String n = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (n.endsWith(".p12") || n.endsWith(".pfx")) return "PKCS12";
            if (n.endsWith(".jks")) return "JKS";
            return "PEM";
        }

        /** The key {@code section:rest}: under the server ({@code own}) where set there, else the defaults'. */
        private String pick(String own, String defaults, String rest) {
            String mine = own + ":" + rest;
            return own.equals(defaults) || b.has(mine) ? mine : defaults + ":" + rest;
        }

        private void loadBalancing(BackendPool.Builder p, String own, String defaults) {
            String ownLb = own + ":LoadBalancing";
            String topLb = defaults + ":LoadBalancing";
            java.util.function.UnaryOperator<String> key = rest -> pick(ownLb, topLb, rest);
            boolean server = !own.equals(defaults);
            String strategyAt = key.apply("Strategy");
            String strategy = b.string(strategyAt);
            String hashKey = b.string(key.apply("HashKey"));
            if (server
                    && strategyAt.startsWith(topLb)
                    && strategy != null
                    && strategy.trim().equalsIgnoreCase("ToolBased")) {
                // A federation's ToolBased routes by tool across its servers; within each, replicas are balanced by
                // the server's own Strategy, PeakEwma unless it sets one.
                strategy = null;
            }
            if (strategy != null && codeBalancer != null) {
                b.errors.add(strategyAt + " = \"" + strategy
                        + "\": a LoadBalancer given in code also chooses this pool's" + " balancer: keep one of them");
            } else if (codeBalancer != null) {
                p.loadBalancer(codeBalancer);
                if (hashKey != null) {
                    b.errors.add(key.apply("HashKey") + ": only used with Strategy ConsistentHash");
                }
            } else if (strategy != null) {
                LoadBalancer lb =
                        strategy(strategy.trim(), hashKey, strategyAt.substring(0, strategyAt.lastIndexOf(':')));
                if (lb != null) p.loadBalancer(lb);
            } else if (hashKey != null) {
                b.errors.add(key.apply("HashKey") + ": only used with Strategy ConsistentHash");
            }
            HealthCheckPolicy.Builder hc = HealthCheckPolicy.builder();
            Duration seedInterval = b.duration(key.apply("HealthCheckInterval"));
            Duration interval = b.duration(key.apply("HealthCheck:Interval"));
            if (seedInterval != null && interval != null) {
                b.errors.add(key.apply("HealthCheck:Interval") + ": set either it or "
                        + key.apply("HealthCheckInterval") + " (the seed's key), not both");
            }
            Duration every = interval != null ? interval : seedInterval;
            if (every != null) {
                b.apply(
                        interval != null ? key.apply("HealthCheck:Interval") : key.apply("HealthCheckInterval"),
                        () -> hc.interval(every));
            }
            Boolean enabled = b.bool(key.apply("HealthCheck:Enabled"));
            if (enabled != null) hc.enabled(enabled);
            HealthCheckPolicy.Mode mode = b.choice(
                    key.apply("HealthCheck:Mode"),
                    Binder.options(
                            "Http",
                            HealthCheckPolicy.Mode.HTTP,
                            "McpPing",
                            HealthCheckPolicy.Mode.MCP_PING,
                            "McpToolsList",
                            HealthCheckPolicy.Mode.MCP_TOOLS_LIST));
            if (mode != null) hc.mode(mode);
            Duration timeout = b.duration(key.apply("HealthCheck:Timeout"));
            if (timeout != null) b.apply(key.apply("HealthCheck:Timeout"), () -> hc.timeout(timeout));
            Double jitter = b.decimal(key.apply("HealthCheck:Jitter"), 0, 0.5);
            if (jitter != null) b.apply(key.apply("HealthCheck:Jitter"), () -> hc.jitter(jitter));
            Integer down = b.integer(key.apply("HealthCheck:UnhealthyThreshold"), 1, 100);
            if (down != null) hc.unhealthyThreshold(down);
            Integer up = b.integer(key.apply("HealthCheck:HealthyThreshold"), 1, 100);
            if (up != null) hc.healthyThreshold(up);
            b.apply(key.apply("HealthCheck"), () -> p.healthCheck(hc.build()));

            CircuitBreakerPolicy.Builder cb = CircuitBreakerPolicy.builder();
            String c = key.apply("CircuitBreaker");
            Boolean cbOn = b.bool(c + ":Enabled");
            if (cbOn != null) cb.enabled(cbOn);
            Integer failures = b.integer(c + ":FailureThreshold", 1, 1000);
            if (failures != null) b.apply(c + ":FailureThreshold", () -> cb.failureThreshold(failures));
            Integer successes = b.integer(c + ":SuccessThreshold", 1, 1000);
            if (successes != null) b.apply(c + ":SuccessThreshold", () -> cb.successThreshold(successes));
            Duration open = b.duration(c + ":Timeout");
            if (open != null) b.apply(c + ":Timeout", () -> cb.openDuration(open));
            b.apply(c, () -> p.circuitBreaker(cb.build()));
        }

        /** The gateway-wide retry settings of {@code Gateway:LoadBalancing}. */
        private void retries() {
            String at = "Gateway:LoadBalancing";
            Integer attempts = b.integer(at + ":MaxAttempts", 1, 10);
            if (attempts != null) settings.add(g -> g.maxAttempts(attempts));
            Double ratio = b.decimal(at + ":RetryBudget:Ratio", 0, 1);
            Integer floor = b.integer(at + ":RetryBudget:MinRetriesPerSecond", 0, 10_000);
            if (ratio != null || floor != null) {
                double r = ratio != null ? ratio : Gateway.DEFAULT_RETRY_RATIO;
                int f = floor != null ? floor : Gateway.DEFAULT_MIN_RETRIES_PER_SECOND;
                settings.add(g -> g.retryBudget(r, f));
            }
        }

        private @Nullable LoadBalancer strategy(String name, @Nullable String hashKey, String at) {
            switch (name.toLowerCase(Locale.ROOT)) {
                case "roundrobin" -> {
                    return noHashKey(hashKey, at, LoadBalancer.roundRobin());
                }
                case "leastconnections" -> {
                    return noHashKey(hashKey, at, LoadBalancer.leastConnections());
                }
                case "peakewma" -> {
                    return noHashKey(hashKey, at, LoadBalancer.peakEwma());
                }
                case "toolbased" -> {
                    // The seed's ToolBased over replicas: the same tool keeps going to the same replica (warm caches).
                    return noHashKey(hashKey, at, LoadBalancer.consistentHash(GatewayRequest::toolName));
                }
                case "consistenthash" -> {
                    Function<GatewayRequest, String> key = hashKey(hashKey, at);
                    return key == null ? null : LoadBalancer.consistentHash(key);
                }
                default -> {
                    b.errors.add(at + ":Strategy = \"" + name + "\"" + b.origin(at + ":Strategy")
                            + ": expected one of RoundRobin, LeastConnections,"
                            + " PeakEwma, ToolBased, ConsistentHash");
                    return null;
                }
            }
        }

        private LoadBalancer noHashKey(@Nullable String hashKey, String at, LoadBalancer lb) {
            if (hashKey != null) {
                b.errors.add(at + ":HashKey: only used with Strategy ConsistentHash");
            }
            return lb;
        }

        private @Nullable Function<GatewayRequest, String> hashKey(@Nullable String key, String at) {
            if (key == null) {
                b.errors.add(at + ":HashKey: missing: ConsistentHash needs Tool, Caller, ClientAddress or"
                        + " Header:<name>");
                return null;
            }
            String k = key.trim();
            if (k.equalsIgnoreCase("Tool")) return GatewayRequest::toolName;
            if (k.equalsIgnoreCase("Caller")) return GatewayRequest::caller;
            if (k.equalsIgnoreCase("ClientAddress")) {
                return r -> r.clientAddress() == null
                        ? null
                        : r.clientAddress().getAddress().getHostAddress();
            }
            if (k.regionMatches(true, 0, "Header:", 0, 7) && k.length() > 7) {
                String header = k.substring(7).trim();
                return r -> r.header(header);
            }
            b.errors.add(at + ":HashKey = \"" + key + "\"" + b.origin(at + ":HashKey")
                    + ": expected Tool, Caller, ClientAddress or Header:<name>");
            return null;
        }

        private void outliers(BackendPool.Builder p) {
            String at = "Gateway:Pool:OutlierDetection";
            OutlierDetection.Builder o = OutlierDetection.builder();
            Boolean on = b.bool(at + ":Enabled");
            if (on != null) o.enabled(on);
            Integer failures = b.integer(at + ":ConsecutiveFailures", 1, 1000);
            if (failures != null) b.apply(at + ":ConsecutiveFailures", () -> o.consecutiveFailures(failures));
            Duration base = b.duration(at + ":BaseEjectionTime");
            if (base != null) b.apply(at + ":BaseEjectionTime", () -> o.baseEjectionTime(base));
            Duration max = b.duration(at + ":MaxEjectionTime");
            if (max != null) b.apply(at + ":MaxEjectionTime", () -> o.maxEjectionTime(max));
            Integer percent = b.integer(at + ":MaxEjectionPercent", 0, 100);
            if (percent != null) b.apply(at + ":MaxEjectionPercent", () -> o.maxEjectionPercent(percent));
            b.apply(at, () -> p.outlierDetection(o.build()));
        }

        // ---- security ----

        private void security() {
            String at = "Gateway:Security";
            SecurityPolicy.Builder s = SecurityPolicy.builder();
            Boolean https = b.bool(at + ":RequireHttps");
            if (https != null) s.requireHttps(https);
            SecurityPolicy.HttpsAction action = b.choice(
                    at + ":HttpsAction",
                    Binder.options(
                            "Redirect",
                            SecurityPolicy.HttpsAction.REDIRECT,
                            "Reject",
                            SecurityPolicy.HttpsAction.REJECT));
            if (action != null) s.httpsAction(action);
            Integer port = b.integer(at + ":HttpsPort", 1, 65535);
            if (port != null) {
                b.apply(at + ":HttpsPort", () -> s.httpsPort(port));
            } else {
                Integer kestrel = kestrelHttpsPort(b.section("Kestrel"));
                if (kestrel != null) s.httpsPort(kestrel); // as ASP.NET redirects to its configured HTTPS endpoint
            }
            Boolean trust = b.bool(at + ":TrustForwardedHeaders");
            if (trust != null) s.trustForwardedHeaders(trust);
            List<String> proxies = b.strings(at + ":TrustedProxies");
            if (proxies != null) b.apply(at + ":TrustedProxies", () -> s.trustedProxies(proxies));
            Boolean forward = b.bool(at + ":ForwardedHeadersToBackend");
            if (forward != null) s.forwardedHeadersToBackend(forward);
            List<String> origins = b.strings(at + ":AllowedOrigins");
            if (origins != null) b.apply(at + ":AllowedOrigins", () -> s.allowedOrigins(origins));
            List<String> hosts = b.strings(at + ":AllowedHosts");
            if (hosts != null) b.apply(at + ":AllowedHosts", () -> s.allowedHosts(hosts));
            String hsts = b.string(at + ":Hsts");
            if (hsts != null) b.apply(at + ":Hsts", () -> s.hsts(hsts.isBlank() ? null : hsts));
            for (Map.Entry<String, String> h : b.map(at + ":ResponseHeaders").entrySet()) {
                b.apply(
                        at + ":ResponseHeaders:" + h.getKey(),
                        () -> s.responseHeader(h.getKey(), h.getValue().isBlank() ? null : h.getValue()));
            }
            Duration maxAge = b.duration(at + ":CorsMaxAge");
            if (maxAge != null) b.apply(at + ":CorsMaxAge", () -> s.corsMaxAge(maxAge));
            List<String> headers = b.strings(at + ":CorsAllowedHeaders");
            if (headers != null) b.apply(at + ":CorsAllowedHeaders", () -> s.corsAllowedHeaders(headers));
            try {
                SecurityPolicy policy = s.build();
                settings.add(g -> g.security(policy));
            } catch (IllegalArgumentException | IllegalStateException e) {
                b.errors.add(at + ": " + e.getMessage());
            }
            boolean keys = apiKeys(at);
            if (b.has(at + ":OAuth")) {
                if (keys) {
                    b.errors.add(at + ":OAuth: set beside ApiKey/ApiKeys; a gateway has one authenticator, choose one");
                    b.skip(at + ":OAuth"); // one problem, not also each of its keys called unknown
                } else {
                    oauth(at + ":OAuth");
                }
            }
            rateLimits(at + ":RateLimiting");
        }

        /** Reads the API keys; returns whether any were configured. */
        private boolean apiKeys(String at) {
            ApiKeys.Builder keys = ApiKeys.builder();
            boolean any = false;
            String single = b.secret(at + ":ApiKey");
            if (single != null) {
                any = true;
                b.apply(at + ":ApiKey", () -> keys.key(DEFAULT_API_KEY_NAME, single));
            }
            int n = b.count(at + ":ApiKeys");
            for (int i = 0; i < n; i++) {
                String k = at + ":ApiKeys:" + i;
                String name = b.string(k + ":Name");
                String plain = b.secret(k + ":Key");
                String hash = b.string(k + ":KeyHash");
                if (name == null) {
                    b.errors.add(k + ":Name: missing: every API key needs a name (the caller's identity in logs,"
                            + " sessions and rate limits)");
                    continue;
                }
                if ((plain == null) == (hash == null)) {
                    b.errors.add(k + ": set exactly one of Key, KeyFile or KeyHash");
                    continue;
                }
                any = true;
                b.apply(plain != null ? k + ":Key" : k + ":KeyHash", () -> {
                    if (plain != null) keys.key(name, plain);
                    else keys.keyHash(name, hash);
                });
            }
            String header = b.string(at + ":ApiKeyHeader");
            if (header != null) b.apply(at + ":ApiKeyHeader", () -> keys.header(header));
            Boolean bearer = b.bool(at + ":AcceptBearer");
            if (bearer != null) keys.bearer(bearer);
            String realm = b.string(at + ":ApiKeyRealm");
            if (realm != null) b.apply(at + ":ApiKeyRealm", () -> keys.realm(realm));
            if (!any) {
                if (header != null || bearer != null || realm != null) {
                    b.errors.add(at + ":ApiKeyHeader/AcceptBearer/ApiKeyRealm: set, but there is no ApiKey or ApiKeys");
                }
                return false;
            }
            try {
                ApiKeys built = keys.build();
                settings.add(g -> g.authenticator(built));
            } catch (IllegalArgumentException | IllegalStateException e) {
                b.errors.add(at + ":ApiKeys: " + e.getMessage());
            }
            return true;
        }

        /** A backend's {@code ClientCredentials}: the gateway's own token for it (docs/oauth.md). */
        private @Nullable OAuthClientCredentials clientCredentials(String at) {
            String issuer = b.string(at + ":Issuer");
            String clientId = b.string(at + ":ClientId");
            String secret = b.secret(at + ":ClientSecret");
            if (issuer == null || clientId == null || secret == null) {
                b.errors.add(at + ": Issuer, ClientId and ClientSecret (or ClientSecretFile) are all required");
                b.skip(at);
                return null;
            }
            int before = b.errors.size();
            OAuthClientCredentials.Builder c;
            try {
                c = OAuthClientCredentials.builder(URI.create(issuer.trim()));
            } catch (IllegalArgumentException e) {
                b.errors.add(at + ":Issuer = \"" + issuer + "\": " + e.getMessage());
                b.skip(at);
                return null;
            }
            b.apply(at + ":ClientId", () -> c.client(clientId, secret));
            String tokenUri = b.string(at + ":TokenUri");
            if (tokenUri != null) b.apply(at + ":TokenUri", () -> c.tokenUri(URI.create(tokenUri.trim())));
            List<String> scopes = b.strings(at + ":Scopes");
            if (scopes != null) b.apply(at + ":Scopes", () -> c.scopes(scopes));
            String resource = b.string(at + ":Resource");
            if (resource != null) b.apply(at + ":Resource", () -> c.resource(URI.create(resource.trim())));
            Duration timeout = b.duration(at + ":Timeout");
            if (timeout != null) b.apply(at + ":Timeout", () -> c.timeout(timeout));
            if (b.errors.size() > before) {
                return null;
            }
            try {
                return c.build();
            } catch (IllegalArgumentException | IllegalStateException e) {
                b.errors.add(at + ": " + e.getMessage());
                return null;
            }
        }

        /** {@code Security:OAuth}: the gateway as an OAuth resource server (docs/oauth.md). */
        private void oauth(String at) {
            String resource = b.string(at + ":Resource");
            String issuer = b.string(at + ":Issuer");
            if (resource == null || issuer == null) {
                b.errors.add(at + ": Resource (the gateway's MCP URL, as clients address it) and Issuer (the"
                        + " authorization server) are both required");
                b.skip(at);
                return;
            }
            int before = b.errors.size();
            OAuthResourceServer.Builder o;
            try {
                o = OAuthResourceServer.builder(URI.create(resource.trim()));
            } catch (IllegalArgumentException e) {
                b.errors.add(at + ":Resource = \"" + resource + "\": " + e.getMessage());
                b.skip(at);
                return;
            }
            b.apply(at + ":Issuer", () -> o.issuer(URI.create(issuer.trim())));
            String jwks = b.string(at + ":JwksUri");
            if (jwks != null) b.apply(at + ":JwksUri", () -> o.jwksUri(URI.create(jwks.trim())));
            List<String> audiences = b.strings(at + ":Audiences");
            if (audiences != null) b.apply(at + ":Audiences", () -> o.audiences(audiences));
            List<String> required = b.strings(at + ":RequiredScopes");
            if (required != null) b.apply(at + ":RequiredScopes", () -> o.requiredScopes(required));
            List<String> supported = b.strings(at + ":ScopesSupported");
            if (supported != null) b.apply(at + ":ScopesSupported", () -> o.scopesSupported(supported));
            List<String> algorithms = b.strings(at + ":Algorithms");
            if (algorithms != null) b.apply(at + ":Algorithms", () -> o.algorithms(algorithms));
            Duration skew = b.duration(at + ":ClockSkew");
            if (skew != null) b.apply(at + ":ClockSkew", () -> o.clockSkew(skew));
            Duration refresh = b.duration(at + ":JwksRefreshInterval");
            if (refresh != null) b.apply(at + ":JwksRefreshInterval", () -> o.jwksRefreshInterval(refresh));
            Duration maxAge = b.duration(at + ":JwksMaxAge");
            if (maxAge != null) b.apply(at + ":JwksMaxAge", () -> o.jwksMaxAge(maxAge));
            Duration timeout = b.duration(at + ":Timeout");
            if (timeout != null) b.apply(at + ":Timeout", () -> o.timeout(timeout));
            String claim = b.string(at + ":IdentityClaim");
            if (claim != null) b.apply(at + ":IdentityClaim", () -> o.identityClaim(claim));
            String name = b.string(at + ":ResourceName");
            if (name != null) o.resourceName(name);
            String in = at + ":Introspection";
            if (b.has(in)) {
                String clientId = b.string(in + ":ClientId");
                String secret = b.secret(in + ":ClientSecret");
                if (clientId == null || secret == null) {
                    b.errors.add(in + ": ClientId and ClientSecret (or ClientSecretFile) are both required");
                } else {
                    b.apply(in + ":ClientId", () -> o.introspection(clientId, secret));
                }
                String uri = b.string(in + ":Uri");
                if (uri != null) b.apply(in + ":Uri", () -> o.introspectionUri(URI.create(uri.trim())));
            }
            Duration cacheFor = b.duration(at + ":CacheFor");
            Long size = b.longValue(at + ":CacheSize", 100, 10_000_000);
            if (cacheFor != null || size != null) {
                b.apply(
                        at + ":CacheFor",
                        () -> o.cache(
                                cacheFor != null ? cacheFor : OAuthResourceServer.DEFAULT_CACHE,
                                size != null ? size : OAuthResourceServer.DEFAULT_CACHE_SIZE));
            }
            if (b.errors.size() > before) {
                return; // each problem is reported already; building would only repeat one
            }
            try {
                OAuthResourceServer built = o.build();
                settings.add(g -> g.authenticator(built));
            } catch (IllegalArgumentException | IllegalStateException e) {
                b.errors.add(at + ": " + e.getMessage());
            }
        }

        private void rateLimits(String at) {
            if (!b.has(at)) {
                return;
            }
            Boolean enabled = b.bool(at + ":Enabled");
            Integer rpm = b.integer(at + ":RequestsPerMinute", 1, 1_000_000);
            Integer burst = b.integer(at + ":BurstSize", 1, 1_000_000);
            Long maxCallers = b.longValue(at + ":MaxCallers", 100, 100_000_000);
            RateLimits.Builder r = RateLimits.builder();
            b.apply(at, () -> r.perCaller(rpm != null ? rpm : 100, burst != null ? burst : 20));
            RedisRateLimits.Builder redis = b.has(at + ":Redis") ? redis(at + ":Redis") : null;
            if (redis != null) {
                b.apply(at, () -> redis.perCaller(rpm != null ? rpm : 100, burst != null ? burst : 20));
            }
            if (maxCallers != null) b.apply(at + ":MaxCallers", () -> r.maxCallers(maxCallers));
            int n = b.count(at + ":Tools");
            for (int i = 0; i < n; i++) {
                String t = at + ":Tools:" + i;
                String tool = b.string(t + ":Name");
                Integer trpm = b.integer(t + ":RequestsPerMinute", 1, 1_000_000);
                Integer tburst = b.integer(t + ":BurstSize", 1, 1_000_000);
                if (tool == null || trpm == null) {
                    b.errors.add(t + ": a tool limit needs Name and RequestsPerMinute (BurstSize defaults to 1)");
                    continue;
                }
                b.apply(t + ":Name", () -> r.tool(tool, trpm, tburst != null ? tburst : 1));
                if (redis != null) b.apply(t + ":Name", () -> redis.tool(tool, trpm, tburst != null ? tburst : 1));
            }
            if (Boolean.FALSE.equals(enabled)) {
                return;
            }
            try {
                if (redis != null) {
                    RedisRateLimits shared = redis.build();
                    settings.add(g -> g.rateLimiter(shared));
                } else {
                    RateLimits limits = r.build();
                    settings.add(g -> g.rateLimiter(limits));
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                b.errors.add(at + ": " + e.getMessage());
            }
        }

        /** {@code RateLimiting:Redis}: the buckets in Redis, shared by every instance (docs/security.md). */
        private RedisRateLimits.@Nullable Builder redis(String at) {
            String url = b.string(at + ":Url");
            if (url == null) {
                b.errors.add(at + ":Url: missing: redis://host:port (or rediss:// for TLS)");
                b.skip(at);
                return null;
            }
            int before = b.errors.size();
            RedisRateLimits.Builder r;
            try {
                r = RedisRateLimits.builder(URI.create(url.trim()));
            } catch (IllegalArgumentException e) {
                b.errors.add(at + ":Url = \"" + url + "\": " + e.getMessage());
                b.skip(at);
                return null;
            }
            String user = b.string(at + ":User");
            String password = b.secret(at + ":Password");
            if (password != null) b.apply(at + ":Password", () -> r.credentials(user, password));
            else if (user != null) b.errors.add(at + ":User: set, but there is no Password (or PasswordFile)");
            String prefix = b.string(at + ":KeyPrefix");
            if (prefix != null) b.apply(at + ":KeyPrefix", () -> r.keyPrefix(prefix));
            Duration timeout = b.duration(at + ":Timeout");
            if (timeout != null) b.apply(at + ":Timeout", () -> r.timeout(timeout));
            Duration retry = b.duration(at + ":RetryInterval");
            if (retry != null) b.apply(at + ":RetryInterval", () -> r.retryInterval(retry));
            Integer max = b.integer(at + ":MaxConnections", 1, 10_000);
            if (max != null) r.maxConnections(max);
            RedisRateLimits.FailurePolicy policy = b.choice(
                    at + ":FailurePolicy",
                    Binder.options(
                            "FailOpen",
                            RedisRateLimits.FailurePolicy.FAIL_OPEN,
                            "FailClosed",
                            RedisRateLimits.FailurePolicy.FAIL_CLOSED));
            if (policy != null) r.failurePolicy(policy);
            Path trust = b.file(at + ":TrustStore:Path");
            String trustPassword = b.secret(at + ":TrustStore:Password");
            if (trust != null) b.apply(at + ":TrustStore:Path", () -> r.trustStore(trust, trustPassword));
            return b.errors.size() > before ? null : r;
        }

        // ---- the rest ----

        private void sessions() {
            String at = "Gateway:Sessions";
            List<byte[]> keys = new ArrayList<>();
            int n = b.count(at + ":Keys");
            for (int i = 0; i < n; i++) {
                String k = b.secret(at + ":Keys:" + i);
                if (k != null) {
                    byte[] key = sessionKey(at + ":Keys:" + i, k);
                    if (key != null) keys.add(key);
                }
            }
            String file = b.string(at + ":KeysFile");
            if (file != null) {
                String text = b.readFile(at + ":KeysFile", file);
                if (text != null) {
                    String[] lines = text.split("\\R", -1);
                    for (int i = 0; i < lines.length; i++) {
                        String line = lines[i].trim();
                        if (line.isEmpty() || line.startsWith("#")) continue;
                        byte[] key = sessionKey(at + ":KeysFile (" + file + " line " + (i + 1) + ")", line);
                        if (key != null) keys.add(key);
                    }
                }
            }
            if (!keys.isEmpty()) {
                hasSessionKeys = true;
                setting(at + ":Keys", g -> g.sessionKeys(keys));
            }
            Duration ttl = b.duration(at + ":Ttl");
            if (ttl != null) setting(at + ":Ttl", g -> g.sessionTtl(ttl));
        }

        private byte @Nullable [] sessionKey(String where, String base64) {
            byte[] key;
            try {
                key = Base64.getDecoder().decode(base64.trim());
            } catch (IllegalArgumentException e) {
                b.errors.add(where + ": expected a base64-encoded 32-byte key (openssl rand -base64 32): not base64");
                return null;
            }
            if (key.length != 32) {
                b.errors.add(where + ": expected a base64-encoded 32-byte key (openssl rand -base64 32), decoded to "
                        + key.length + " bytes");
                return null;
            }
            return key;
        }

        private void timeouts() {
            String at = "Gateway:Timeouts";
            duration(at + ":Connect", (g, d) -> g.connectTimeout(d));
            duration(at + ":Response", (g, d) -> g.responseTimeout(d));
            duration(at + ":Request", (g, d) -> g.requestTimeout(d));
            duration(at + ":StreamIdle", (g, d) -> g.streamIdleTimeout(d));
            duration(at + ":StreamHeartbeat", (g, d) -> g.streamHeartbeat(d));
            duration(at + ":BackendKeepAlive", (g, d) -> g.backendKeepAlive(d));
            Duration drain = b.duration(at + ":Drain");
            if (drain != null) {
                if (drain.compareTo(Duration.ofHours(24)) > 0) {
                    b.errors.add(at + ":Drain = \"" + drain + "\": expected at most 24 hours");
                } else {
                    drainTimeout = drain;
                }
            }
        }

        private void duration(String path, java.util.function.BiConsumer<Gateway.Builder, Duration> set) {
            Duration d = b.duration(path);
            if (d != null) setting(path, g -> set.accept(g, d));
        }

        private void limits() {
            String at = "Gateway:Limits";
            Long body = b.longValue(at + ":MaxRequestBodyBytes", 1024, 1L << 30);
            if (body != null) settings.add(g -> g.maxRequestBodyBytes(body));
            Integer depth = b.integer(at + ":MaxJsonDepth", 2, 1000);
            if (depth != null) settings.add(g -> g.maxJsonDepth(depth));
            Integer strings = b.integer(at + ":MaxJsonStringLength", 0, 1 << 30);
            if (strings != null) setting(at + ":MaxJsonStringLength", g -> g.maxJsonStringLength(strings));
        }

        private void health() {
            String at = "Gateway:Health";
            if (b.has(at + ":Path")) {
                String path = b.string(at + ":Path");
                if (path != null) {
                    String p = path.isBlank() ? null : path.trim();
                    setting(at + ":Path", g -> g.healthPath(p));
                }
            }
            String service = b.string(at + ":ServiceName");
            if (service != null) setting(at + ":ServiceName", g -> g.serviceName(service));
            duration(at + ":CertificateExpiryWarning", (g, d) -> g.certificateExpiryWarning(d));
        }
    }
}
