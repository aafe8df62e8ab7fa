package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embeddable MCP gateway: one Streamable HTTP endpoint in front of a pool of MCP server replicas.
 *
 * <p>The host application keeps its own HTTP server and hands each request on its MCP path to
 * {@link #handle(GatewayExchange)}, usually through one of the bundled adapters. The gateway checks the request, peeks
 * at the JSON-RPC message, routes it (new work is balanced; a session stays on the replica that owns it), forwards the
 * original bytes, and relays the answer as it arrives: JSON is copied, server-sent events are passed on event by event
 * and never buffered.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .pool(BackendPool.builder("tools")
 *         .backend(Backend.of("replica-1", "http://10.0.0.5:8080/mcp"))
 *         .backend(Backend.of("replica-2", "http://10.0.0.6:8080/mcp"))
 *         .build())
 *     .sessionKeys(List.of(keyFromYourSecretStore))   // 32 bytes; share it between instances
 *     .build();
 *
 * HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 8080), 0);
 * server.createContext("/mcp", new GatewayHttpHandler(gateway));
 * server.setExecutor(Gateway.newRequestExecutor("mcp-"));
 * server.start();
 * }</pre>
 *
 * <p><b>Sessions without state.</b> When a backend opens an MCP session, the gateway replaces the backend's
 * {@code Mcp-Session-Id} with a token sealed with AES-256-GCM that names the pool, the backend, the backend's own session
 * id, the issue time and the caller. The gateway stores nothing per session, so any instance holding the same key can
 * serve the next request. An invalid, expired or foreign token is answered with 404, the MCP signal for a client to
 * start a new session.
 *
 * <p><b>Threads.</b> {@code handle} blocks the calling thread for the life of the exchange (for an SSE stream, until
 * it ends). Hosts should run requests on virtual threads on Java 21+ ({@link #newRequestExecutor(String)} does so).
 *
 * <p>A gateway is thread-safe. {@link #close()} cancels calls in flight and releases connections.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);

    static {
        // The JDK HttpServer reads this once, when the first server of the JVM is created, and without it stalls every
        // keep-alive answer ~40 ms (Nagle against delayed ACKs). Any use of the gateway starts here, so a host that
        // builds its gateway before its server (as every example does) gets it whatever order it mounts things in.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    /** Default for {@link Builder#maxRequestBodyBytes(long)}: 4 MiB. */
    public static final long DEFAULT_MAX_REQUEST_BODY_BYTES = 4L * 1024 * 1024;
    /** Default for {@link Builder#sessionTtl(Duration)}: 24 hours. */
    public static final Duration DEFAULT_SESSION_TTL = Duration.ofHours(24);
    /** Default for {@link Builder#connectTimeout(Duration)}: 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default for {@link Builder#responseTimeout(Duration)}: 120 seconds. */
    public static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofMinutes(2);
    /** Default for {@link Builder#streamIdleTimeout(Duration)}: 5 minutes. */
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Default for {@link Builder#streamHeartbeat(Duration)}: 2 seconds. */
    public static final Duration DEFAULT_STREAM_HEARTBEAT = Duration.ofSeconds(2);
    /** Default for {@link Builder#backendKeepAlive(Duration)}: 4 seconds. */
    public static final Duration DEFAULT_BACKEND_KEEP_ALIVE = Duration.ofSeconds(4);
    /** Default for {@link Builder#maxAttempts(int)}: {@value}. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** Default for {@link Builder#requestTimeout(Duration)}: 5 minutes. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);
    /** Default for {@link Builder#healthPath(String)}: {@value}. */
    public static final String DEFAULT_HEALTH_PATH = "/health";
    /** Default for {@link Builder#serviceName(String)}, the seed's: {@value}. */
    public static final String DEFAULT_SERVICE_NAME = "MCP Gateway";
    /** Default ratio for {@link Builder#retryBudget(double, int)}: {@value}. */
    public static final double DEFAULT_RETRY_RATIO = 0.2;
    /** Default floor for {@link Builder#retryBudget(double, int)}: {@value} retries per second. */
    public static final int DEFAULT_MIN_RETRIES_PER_SECOND = 10;
    /** Default for {@link Builder#maxJsonDepth(int)}: {@value}. */
    public static final int DEFAULT_MAX_JSON_DEPTH = 64;
    /** Default for {@link Builder#certificateExpiryWarning(Duration)}: 30 days. */
    public static final Duration DEFAULT_CERTIFICATE_EXPIRY_WARNING = Duration.ofDays(30);
    /** Default for {@link Builder#federationTimeout(Duration)}: 10 seconds. */
    public static final Duration DEFAULT_FEDERATION_TIMEOUT = Duration.ofSeconds(10);
    /** Default for {@link Builder#catalogRefresh(Duration)}: 30 seconds. */
    public static final Duration DEFAULT_CATALOG_REFRESH = Duration.ofSeconds(30);
    /** The {@code Retry-After} of a 503. */
    private static final int RETRY_AFTER_SECONDS = 1;

    /** The pool as built: its name and policies (members change at run time: see {@link PoolRuntime#members()}). */
    private final BackendPool pool;

    final PoolRuntime poolRuntime;
    /** One per pool: the single pool, or each federated server's. */
    final List<ServerChain> chains;
    /** A federation's state on this instance, or null. */
    private final @Nullable Federation federation;
    /** A federation's servers as built, or empty. */
    private final List<McpServer> servers;

    private final Transport transport;
    private final ExecutorService executor;
    final @Nullable HealthChecker healthChecker;
    /** Beats SSE streams to find clients that left, and commits early answers; null when heartbeats are off. */
    private final @Nullable Heartbeats heartbeats;

    private final RequestPath path;
    private final Supplier<HealthReport> health;
    private final @Nullable String healthPath;
    private final List<String> metadataPaths;
    /** Exchanges inside {@link #handle}, for {@link #closeWhenIdle(Duration)}. */
    private final AtomicInteger active = new AtomicInteger();

    private volatile @Nullable CompletableFuture<Void> idle;
    /** Set by {@link #close()}: requests get 503 and no failed call is retried on another backend. */
    private volatile boolean closed;

    private Gateway(Builder b) {
        this.healthPath = b.healthPath;
        this.servers = List.copyOf(b.servers);
        GatewayListener listener = GatewayListeners.of(b.listeners);
        List<CertificateWatch> server = new ArrayList<>(b.serverCertificates.size());
        for (Map.Entry<String, Supplier<X509Certificate>> e : b.serverCertificates.entrySet()) {
            server.add(new CertificateWatch(e.getKey(), e.getValue(), b.clock, b.certificateExpiryWarning, listener));
        }
        List<byte[]> keys = b.sessionKeys;
        if (keys.isEmpty()) {
            keys = List.of(SessionTokens.randomKey(b.secureRandom));
            log.info("No session key configured: generated a random key for this process. Sessions will not survive a"
                    + " restart and cannot move between gateway instances; configure Gateway.Builder.sessionKeys(...)"
                    + " with a shared 32-byte key for multi-instance deployments.");
        }
        SessionTokens tokens = new SessionTokens(keys, b.clock, b.sessionTtl, b.secureRandom);
        List<BackendPool> pools = new ArrayList<>();
        if (b.pool != null) {
            pools.add(b.pool);
        }
        for (McpServer s : b.servers) {
            pools.add(s.pool());
        }
        this.pool = pools.get(0);

        this.executor = Threads.newExecutor("mcp-gateway-" + pool.name() + "-", b.virtualThreads);
        this.transport = new Transports(
                Transports.http1ForPlainBackends()
                        ? new Http1Transport(
                                Ticker.system(),
                                b.connectTimeout,
                                b.responseTimeout,
                                b.requestTimeout.toMillis(),
                                b.backendKeepAlive.toMillis())
                        : null,
                new OkHttpTransport(
                        executor,
                        b.connectTimeout,
                        b.responseTimeout,
                        b.requestTimeout.toMillis(),
                        b.backendKeepAlive.toMillis()));
        this.heartbeats = b.streamHeartbeat.isZero()
                ? null
                : new Heartbeats(
                        b.streamHeartbeat.toNanos(), executor, b.ticker, pool.name(), transport::forEachEarlyAnswer);
        Answers answers = new Answers(listener, RETRY_AFTER_SECONDS);
        Edge edge = new Edge(b.security, b.authenticator, b.rateLimiter, answers);
        List<CertificateWatch> ownCertificates = List.copyOf(server);
        List<ServerChain> built = new ArrayList<>(pools.size());
        for (BackendPool p : pools) {
            built.add(chain(b, p, listener, tokens, answers, edge, ownCertificates));
        }
        this.chains = List.copyOf(built);
        ServerChain first = chains.get(0);
        this.poolRuntime = first.runtime;
        this.healthChecker = first.healthChecker;
        this.health = b.servers.isEmpty()
                ? first.health::report
                : new FederationHealth(b.servers, chains, b.serviceName, b.clock)::report;

        this.federation = b.servers.isEmpty() ? null : federation(b, tokens, listener);
        McpPeek.Limits jsonLimits = b.maxJsonDepth == McpPeek.Limits.DEFAULT_DEPTH && b.maxJsonStringLength == 0
                ? McpPeek.Limits.DEFAULT
                : new McpPeek.Limits(b.maxJsonDepth, b.maxJsonStringLength);
        WellKnown wellKnown = b.authenticator == null
                ? null
                : b.authenticator
                        .resourceMetadata()
                        .map(m -> new WellKnown(m, answers))
                        .orElse(null);
        this.metadataPaths = wellKnown == null ? List.of() : wellKnown.paths();
        this.path = new RequestPath(
                edge,
                new BodyReader(b.maxRequestBodyBytes, answers),
                jsonLimits,
                first.sessions,
                first.forwarder,
                answers,
                listener,
                poolRuntime,
                b.random,
                b.healthPath,
                health,
                wellKnown,
                heartbeats,
                federation == null ? null : new FederatedPath(federation, answers, heartbeats),
                ExchangeListeners.of(b.exchangeListeners));
        for (CertificateWatch w : server) {
            w.info(); // warns at start-up when a listener certificate is already close to expiry
        }
    }

    private Federation federation(Builder b, SessionTokens tokens, GatewayListener listener) {
        List<Federation.Member> members = new ArrayList<>(b.servers.size());
        for (int i = 0; i < b.servers.size(); i++) {
            members.add(new Federation.Member(b.servers.get(i), chains.get(i)));
        }
        return new Federation(
                members,
                new FederatedNames(b.nameSeparator, b.maxNameLength),
                b.accessPolicy,
                executor,
                b.ticker,
                b.random,
                tokens,
                b.federationTimeout.toNanos(),
                b.catalogRefresh.toNanos(),
                b.streamHeartbeat.toNanos(),
                b.listPageSize,
                b.serviceName,
                () -> closed,
                listener);
    }

    /** The stages of one pool: its runtime, session route, forwarder and health, its health checks started. */
    private ServerChain chain(
            Builder b,
            BackendPool p,
            GatewayListener listener,
            SessionTokens tokens,
            Answers answers,
            Edge edge,
            List<CertificateWatch> ownCertificates) {
        Duration warnBefore = b.certificateExpiryWarning;
        PoolRuntime runtime = new PoolRuntime(
                p,
                b.ticker,
                listener,
                backend -> transport.route(
                        backend,
                        "https".equalsIgnoreCase(backend.url().getScheme()) && !backend.h2cPriorKnowledge()
                                ? new CertificateWatch(backend, b.clock, warnBefore, listener)
                                : null));
        PoolHealth poolHealth = new PoolHealth(runtime, b.serviceName, p.name(), b.clock, b.ticker, ownCertificates);
        SessionRoute sessions = new SessionRoute(tokens, runtime, p.name(), answers);
        ResponseRelay relay = new ResponseRelay(edge, sessions, tokens, heartbeats, b.streamIdleTimeout.toMillis());
        Forwarder forwarder = new Forwarder(
                new Router(runtime, p, answers),
                relay,
                answers,
                runtime,
                edge,
                new RetryBudget(b.ticker, b.retryRatio, b.minRetriesPerSecond),
                listener,
                b.ticker,
                b.maxAttempts,
                () -> closed);
        HealthChecker checker = null;
        if (p.healthCheck().enabled()) {
            checker = new HealthChecker(runtime, p.healthCheck(), b.clock, b.random, executor);
            if (b.autoHealthChecks) {
                checker.start();
            }
        }
        HealthChecker joinChecks = checker;
        runtime.onMembershipChange(
                br -> {
                    if (joinChecks != null) {
                        joinChecks.joined(br);
                    }
                },
                br -> br.route.cancelAll());
        return new ServerChain(p, runtime, sessions, forwarder, poolHealth, checker);
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Serves one HTTP exchange on the MCP endpoint: POST, GET and DELETE per the Streamable HTTP transport; other methods
     * get 405. Blocks until the answer is complete. Never throws: every failure becomes an HTTP error with a JSON-RPC
     * error body and a log line.
     *
     * @param exchange the host's request and the way to answer it
     */
    public void handle(GatewayExchange exchange) {
        requireNonNull(exchange, "exchange");
        active.incrementAndGet();
        try {
            path.handle(exchange);
        } finally {
            if (active.decrementAndGet() == 0) {
                CompletableFuture<Void> f = idle;
                if (f != null) {
                    f.complete(null);
                }
            }
        }
    }

    /** {@return the path of the health report ({@link Builder#healthPath(String)}), or empty when the report is off} */
    public Optional<String> healthPath() {
        return Optional.ofNullable(healthPath);
    }

    /**
     * The paths the gateway serves its {@link Authenticator#resourceMetadata() protected-resource metadata} at (most
     * specific first), or empty when its authenticator has none. A host routes these to the gateway beside its MCP path
     * (for the JDK server: a context {@code /.well-known/oauth-protected-resource} with the same handler).
     *
     * @return the metadata paths, possibly empty
     */
    public List<String> resourceMetadataPaths() {
        return metadataPaths;
    }

    /**
     * {@return the pool this gateway serves, with its members as they are now (backends are added and drained at run
     * time)}
     *
     * @throws IllegalStateException in a federation, which has a pool per server: see {@link #servers()}
     */
    public BackendPool pool() {
        requireOnePool("pool()");
        return poolRuntime.pool();
    }

    /**
     * {@return the servers of a federation, each with its pool as it is now; empty for a gateway with one pool}
     */
    public List<McpServer> servers() {
        List<McpServer> out = new ArrayList<>(servers.size());
        for (int i = 0; i < servers.size(); i++) {
            McpServer s = servers.get(i);
            BackendPool now = chains.get(i).runtime.pool();
            McpServer.Builder b = McpServer.builder(s.prefix(), now).required(s.required());
            if (!s.include().isEmpty()) b.include(s.include().toArray(new String[0]));
            if (!s.exclude().isEmpty()) b.exclude(s.exclude().toArray(new String[0]));
            out.add(b.build());
        }
        return out;
    }

    private void requireOnePool(String method) {
        if (!servers.isEmpty()) {
            throw new IllegalStateException(
                    "a federated gateway has a pool per server: use the " + method + " that takes the server's id");
        }
    }

    private PoolRuntime runtimeOf(String server) {
        requireNonNull(server, "server");
        for (int i = 0; i < servers.size(); i++) {
            if (servers.get(i).id().equals(server)) return chains.get(i).runtime;
        }
        throw new IllegalArgumentException("the federation has no server '" + server + "'");
    }

    /**
     * Adds a backend to one server of a federation while traffic flows, as {@link #addBackend(Backend)} does for a
     * gateway with one pool.
     *
     * @param server the server's id
     * @param backend a backend whose name and URL are new to that server's pool
     * @throws IllegalArgumentException if there is no such server, or the name is taken
     */
    public void addBackend(String server, Backend backend) {
        runtimeOf(server).add(requireNonNull(backend, "backend"));
    }

    /**
     * Drains a backend out of one server of a federation, as {@link #drainBackend(String, Duration)} does for a
     * gateway with one pool.
     *
     * @param server the server's id
     * @param name the backend's name
     * @param timeout the longest the drain waits for requests in flight
     * @return completes when the backend has left the pool
     * @throws IllegalArgumentException if there is no such server or backend
     */
    public CompletableFuture<Void> drainBackend(String server, String name, Duration timeout) {
        return drain(runtimeOf(server), server, name, timeout);
    }

    /**
     * Adds a backend to the pool while traffic flows. It takes new requests at once, its share ramping up over the
     * pool's slow start, and is health-checked from now on (first check at once).
     *
     * @param backend a backend whose name and URL are new to the pool
     * @throws IllegalArgumentException if the pool already has a backend of that name (a draining one included: wait
     *     for its drain to end, or add the new one under another name)
     * @throws IllegalStateException in a federation: use {@link #addBackend(String, Backend)}
     */
    public void addBackend(Backend backend) {
        requireOnePool("addBackend");
        poolRuntime.add(requireNonNull(backend, "backend"));
    }

    /**
     * Drains a backend out of the pool while traffic flows: from now on it takes no new request (new work goes to the
     * other backends; requests of its sessions get 404, on which an MCP client initializes a new session elsewhere),
     * the requests it has in flight, open SSE streams included, run to their end, and then it leaves the pool. At the
     * deadline it leaves anyway and what it still has in flight is cancelled (a stream's client sees it end and
     * reconnects).
     *
     * @param timeout the longest the drain waits for requests in flight ({@link Duration#ZERO}: remove at once)
     * @param name the backend's name
     * @return completes when the backend has left the pool; the same future for a backend already draining
     * @throws IllegalArgumentException if the pool has no backend of that name
     * @throws IllegalStateException in a federation: use {@link #drainBackend(String, String, Duration)}
     */
    public CompletableFuture<Void> drainBackend(String name, Duration timeout) {
        requireOnePool("drainBackend");
        return drain(poolRuntime, pool.name(), name, timeout);
    }

    private static CompletableFuture<Void> drain(PoolRuntime runtime, String poolName, String name, Duration timeout) {
        requireNonNull(name, "name");
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("drain timeout must not be negative, was: " + timeout);
        }
        PoolRuntime.Drain d = runtime.drain(name, timeout);
        if (d == null) {
            throw new IllegalArgumentException("pool '" + poolName + "' has no backend named '" + name + "'");
        }
        return d.done.copy();
    }

    /**
     * Removes a backend at once: {@code drainBackend(name, Duration.ZERO)}. Requests it has in flight are cancelled;
     * prefer {@link #drainBackend(String, Duration)}.
     *
     * @param name the backend's name
     * @throws IllegalArgumentException if the pool has no backend of that name
     */
    public void removeBackend(String name) {
        // Nothing to wait for: with no drain time the backend leaves now, and the future only reports that.
        @SuppressWarnings("FutureReturnValueIgnored")
        Object unused = drainBackend(name, Duration.ZERO);
    }

    /**
     * The health of the pool now: the seed's {@code /health} report ({@code status}, {@code service},
     * {@code backends[]} with {@code name}, {@code healthy}, {@code lastCheck}) with circuit state, load, latency and
     * ejection of every backend. The same report is served as JSON at {@link Builder#healthPath(String)}.
     *
     * @return the report, as of now
     */
    public HealthReport health() {
        return health.get();
    }

    /**
     * An executor for the host's HTTP server: a new virtual thread per task on Java 21+, otherwise a cached pool of
     * platform daemon threads. Virtual threads make thousands of open SSE streams cheap.
     *
     * @param threadNamePrefix the prefix of its threads' names
     * @return a new executor; the host shuts it down
     */
    public static ExecutorService newRequestExecutor(String threadNamePrefix) {
        return Threads.newExecutor(requireNonNull(threadNamePrefix, "threadNamePrefix"), true);
    }

    /**
     * Closes the gateway once no exchange is inside {@link #handle} any more, or at the deadline: what a host does
     * with the old gateway after swapping in a new one (a configuration reload), or on shutdown. Health checks stop at
     * once, and so do GET streams, which carry no request (their clients open the next one, to the new
     * gateway or another instance); new GET streams get 503 with {@code Retry-After}. Requests in flight, streamed
     * answers included, run to their end.
     *
     * @param timeout the longest to wait for exchanges in flight
     * @return completes when the gateway is closed
     */
    public CompletableFuture<Void> closeWhenIdle(Duration timeout) {
        requireNonNull(timeout, "timeout");
        stopHealthChecks();
        path.endListeningStreams();
        if (federation != null) {
            federation.close(); // its merged GET streams end, as a single pool's do
        }
        CompletableFuture<Void> f = new CompletableFuture<>();
        idle = f;
        if (active.get() == 0) {
            f.complete(null);
        } else {
            CompletableFuture.delayedExecutor(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    .execute(() -> {
                        if (f.complete(null)) {
                            log.warn("gateway closed at its deadline with {} exchanges still in flight", active.get());
                        }
                    });
        }
        return f.thenRun(this::close);
    }

    /**
     * The connections to this gateway's backends that carry an exchange now; idle pooled connections are not counted.
     * Once traffic has stopped it returns to zero: a test that finds it above zero has found a leaked connection
     * ({@code io.openharbor.mcp.gateway.testing.GatewayLeakCheck} asserts exactly that).
     *
     * @return the number of backend connections in use, summed over the pool's current members
     */
    public int backendConnectionsInUse() {
        int n = 0;
        for (ServerChain c : chains) {
            n += c.connectionsInUse();
        }
        return n;
    }

    /**
     * Cancels every backend call in flight (their clients see the stream end) and releases connections and threads.
     * Requests that still arrive get 503 with {@code Retry-After}; a call cancelled by the close is not retried.
     */
    @Override
    public void close() {
        closed = true;
        path.closed = true;
        if (federation != null) {
            federation.close();
        }
        stopHealthChecks();
        if (heartbeats != null) {
            heartbeats.close();
        }
        transport.close();
        for (ServerChain c : chains) {
            for (BackendRuntime br : c.runtime.members().list) {
                br.route.dropIdleConnections();
            }
        }
        executor.shutdown();
    }

    private void stopHealthChecks() {
        for (ServerChain c : chains) {
            if (c.healthChecker != null) {
                c.healthChecker.close();
            }
        }
    }

    /**
     * Builds a {@link Gateway}. Setters validate their argument; {@link #build()} copies the configuration, so a built
     * gateway never changes when the builder does.
     */
    public static final class Builder {
        private @Nullable BackendPool pool;
        private List<byte[]> sessionKeys = List.of();
        private Duration sessionTtl = DEFAULT_SESSION_TTL;
        private long maxRequestBodyBytes = DEFAULT_MAX_REQUEST_BODY_BYTES;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration responseTimeout = DEFAULT_RESPONSE_TIMEOUT;
        private Duration streamIdleTimeout = DEFAULT_STREAM_IDLE_TIMEOUT;
        private Duration streamHeartbeat = DEFAULT_STREAM_HEARTBEAT;
        private Duration backendKeepAlive = DEFAULT_BACKEND_KEEP_ALIVE;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private final List<GatewayListener> listeners = new ArrayList<>();
        private final List<ExchangeListener.Factory> exchangeListeners = new ArrayList<>();
        private Clock clock = Clock.systemUTC();
        private RandomGenerator random =
                () -> java.util.concurrent.ThreadLocalRandom.current().nextLong();
        private Ticker ticker = Ticker.system();
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private double retryRatio = DEFAULT_RETRY_RATIO;
        private int minRetriesPerSecond = DEFAULT_MIN_RETRIES_PER_SECOND;
        private @Nullable String healthPath = DEFAULT_HEALTH_PATH;
        private String serviceName = DEFAULT_SERVICE_NAME;
        /** Tests in this package turn the health-check timer off and run checks by hand. */
        boolean autoHealthChecks = true;

        private SecureRandom secureRandom = new SecureRandom();
        private boolean virtualThreads = true;
        private Duration certificateExpiryWarning = DEFAULT_CERTIFICATE_EXPIRY_WARNING;
        private final Map<String, Supplier<X509Certificate>> serverCertificates = new java.util.LinkedHashMap<>();
        private SecurityPolicy security = SecurityPolicy.defaults();
        private @Nullable Authenticator authenticator;
        private @Nullable RateLimiter rateLimiter;
        private int maxJsonDepth = DEFAULT_MAX_JSON_DEPTH;
        private int maxJsonStringLength;
        private final List<McpServer> servers = new ArrayList<>();
        private AccessPolicy accessPolicy = AccessPolicy.ALLOW_ALL;
        private String nameSeparator = FederatedNames.DEFAULT_SEPARATOR;
        private int maxNameLength = FederatedNames.DEFAULT_MAX_LENGTH;
        private Duration federationTimeout = DEFAULT_FEDERATION_TIMEOUT;
        private Duration catalogRefresh = DEFAULT_CATALOG_REFRESH;
        private int listPageSize = FederatedPages.DEFAULT_PAGE_SIZE;

        private Builder() {}

        /**
         * Adds a server to a federation: the gateway then fronts every server added (instead of one
         * {@link #pool(BackendPool)}), exposing their tools and prompts as {@code prefix + separator + name} and their
         * resources as {@code prefix+uri}, routing each request by that name to its server and, within it, by the
         * server's balancer to a replica. See {@code docs/federation.md}.
         *
         * @param server a server whose id (its pool's name) and prefix are new to the federation
         * @return this builder
         * @throws IllegalArgumentException naming both servers if the id or the prefix is taken
         */
        public Builder server(McpServer server) {
            requireNonNull(server, "server");
            for (McpServer other : servers) {
                if (other.id().equals(server.id())) {
                    throw new IllegalArgumentException("two federated servers have the id '" + server.id() + "'");
                }
                if (other.prefix().equals(server.prefix())) {
                    throw new IllegalArgumentException("federated servers '" + other.id() + "' and '" + server.id()
                            + "' both have the prefix '" + server.prefix() + "'");
                }
            }
            servers.add(server);
            return this;
        }

        /**
         * Decides what each caller of a federation may see and use (default {@link AccessPolicy#ALLOW_ALL}).
         *
         * @param policy the tool-access policy
         * @return this builder
         */
        public Builder accessPolicy(AccessPolicy policy) {
            this.accessPolicy = requireNonNull(policy, "accessPolicy");
            return this;
        }

        /**
         * The separator between a federated server's prefix and a name (default {@code _}).
         *
         * @param separator one or two of {@code _} and {@code -}
         * @return this builder
         * @throws IllegalArgumentException for any other separator
         */
        public Builder nameSeparator(String separator) {
            new FederatedNames(requireNonNull(separator, "separator"), maxNameLength); // validates
            this.nameSeparator = separator;
            return this;
        }

        /**
         * The longest exposed tool or prompt name of a federation (default 64, the limit of the OpenAI and Anthropic
         * APIs); a longer name is cut and given a stable hash suffix.
         *
         * @param length 32 to 128
         * @return this builder
         * @throws IllegalArgumentException outside that range
         */
        public Builder maxNameLength(int length) {
            new FederatedNames(nameSeparator, length); // validates
            this.maxNameLength = length;
            return this;
        }

        /**
         * How long a federation waits for its servers when it fans a request out (initialize, lists): a server that
         * has not answered by then is left out if optional, and fails the request if required (default 10 seconds).
         *
         * @param timeout a positive duration
         * @return this builder
         */
        public Builder federationTimeout(Duration timeout) {
            this.federationTimeout = positive(timeout, "federationTimeout");
            return this;
        }

        /**
         * How long a federated server's lists (tools, prompts, resources, templates) are served from this instance's
         * catalog before they are read again (default 30 seconds). Lists are also read again when the server says
         * they changed.
         *
         * @param refresh a positive duration
         * @return this builder
         */
        public Builder catalogRefresh(Duration refresh) {
            this.catalogRefresh = positive(refresh, "catalogRefresh");
            return this;
        }

        /**
         * How many entries one page of a federated list holds (default 100).
         *
         * @param size 1 to 10,000
         * @return this builder
         */
        public Builder listPageSize(int size) {
            if (size < 1 || size > 10_000) {
                throw new IllegalArgumentException("listPageSize must be 1 to 10000, was: " + size);
            }
            this.listPageSize = size;
            return this;
        }

        /**
         * The edge rules: HTTPS enforcement, trusted proxies, security headers, allowed origins and hosts, CORS
         * (default {@link SecurityPolicy#defaults()}).
         *
         * @param policy the edge-security settings
         * @return this builder
         */
        public Builder security(SecurityPolicy policy) {
            this.security = requireNonNull(policy, "security");
            return this;
        }

        /**
         * Authenticates every request to the MCP endpoint (default none: everyone is the same anonymous caller). The
         * identity binds sessions, keys rate limits and names the caller in logs; the authenticator's
         * {@link Authenticator#credentialHeaders() credential headers} are never forwarded. See {@link ApiKeys}.
         *
         * @param authenticator how callers are identified
         * @return this builder
         */
        public Builder authenticator(Authenticator authenticator) {
            this.authenticator = requireNonNull(authenticator, "authenticator");
            return this;
        }

        /**
         * Limits each caller's requests (default none); see {@link RateLimits} for the seed's token buckets
         * ({@code RateLimits.seedDefaults()}: 100 per minute, bursts of 20).
         *
         * @param limiter how callers' requests are limited
         * @return this builder
         */
        public Builder rateLimiter(RateLimiter limiter) {
            this.rateLimiter = requireNonNull(limiter, "rateLimiter");
            return this;
        }

        /**
         * Deepest nesting of JSON objects and arrays accepted in a POST body (default
         * {@value #DEFAULT_MAX_JSON_DEPTH}; 2 to 1000). Deeper bodies get 400 before anything is forwarded, which
         * protects backends whose JSON parsers recurse.
         *
         * @param depth the deepest nesting of a request body
         * @return this builder
         */
        public Builder maxJsonDepth(int depth) {
            this.maxJsonDepth = Durations.count(depth, "maxJsonDepth", 2, 1000);
            return this;
        }

        /**
         * Longest JSON string or member name accepted in a POST body, in characters (default 0: no limit besides
         * {@link #maxRequestBodyBytes(long)}; otherwise 64 to 1073741824). Longer ones get 400. Bodies shorter than the
         * limit are not measured, so it costs nothing on small messages.
         *
         * @param chars the longest string or member name, or 0 for no limit
         * @return this builder
         */
        public Builder maxJsonStringLength(int chars) {
            if (chars != 0 && chars < 64) {
                throw new IllegalArgumentException("maxJsonStringLength must be 0 (off) or at least 64, was: " + chars);
            }
            this.maxJsonStringLength = chars;
            return this;
        }

        /**
         * How long before a certificate's expiry the gateway warns (default 30 days): a log line and
         * {@link GatewayListener#certificateExpiring} once per certificate, for the leaf certificates backends present
         * on TLS handshakes and for the host's certificates registered with
         * {@link #serverCertificate(String, Supplier)}. Days left are always in {@link Gateway#health()}.
         *
         * @param threshold how long before expiry to warn
         * @return this builder
         */
        public Builder certificateExpiryWarning(Duration threshold) {
            this.certificateExpiryWarning = positive(threshold, "certificateExpiryWarning");
            return this;
        }

        /**
         * Adds one of the host's own certificates (typically its HTTPS listener's, for example
         * {@code serverTls::certificate} from the {@code gateway-tls} module) to the health report and the expiry
         * warnings. The supplier is asked whenever a report is made, so a rotated certificate shows at once; it may
         * return null when there is none.
         *
         * @param name how the certificate is named in the report, unique
         * @param current the certificate in use now, read whenever it is reported
         * @return this builder
         */
        public Builder serverCertificate(String name, Supplier<X509Certificate> current) {
            requireNonNull(name, "name");
            requireNonNull(current, "current");
            if (name.isBlank()) {
                throw new IllegalArgumentException("certificate name must not be blank");
            }
            if (serverCertificates.putIfAbsent(name, current) != null) {
                throw new IllegalArgumentException("a certificate named '" + name + "' is already registered");
            }
            return this;
        }

        /**
         * The pool of replicas to serve (required).
         *
         * @param pool the pool of backends
         * @return this builder
         */
        public Builder pool(BackendPool pool) {
            this.pool = requireNonNull(pool, "pool");
            return this;
        }

        /**
         * AES-256 keys for session tokens, 32 bytes each: the first seals new tokens, all open them, so a key can be
         * rotated in by putting it first and retired by removing it after {@link #sessionTtl(Duration)}. Without keys,
         * a random key is generated per process (and logged as such): fine for one instance, wrong for several.
         *
         * @param keys 32-byte keys, the first one in use
         * @return this builder
         * @throws IllegalArgumentException if a key is not 32 bytes long
         */
        public Builder sessionKeys(List<byte[]> keys) {
            requireNonNull(keys, "keys");
            List<byte[]> copy = new ArrayList<>(keys.size());
            for (int i = 0; i < keys.size(); i++) {
                byte[] k = requireNonNull(keys.get(i), "keys[" + i + "]");
                if (k.length != SessionTokens.KEY_BYTES) {
                    throw new IllegalArgumentException(
                            "sessionKeys[" + i + "] must be 32 bytes (AES-256), was " + k.length + " bytes");
                }
                copy.add(k.clone());
            }
            this.sessionKeys = List.copyOf(copy);
            return this;
        }

        /**
         * How long a session token stays valid after it was issued (default 24 hours; at least 1 minute).
         *
         * @param ttl how long a session token stays valid
         * @return this builder
         */
        public Builder sessionTtl(Duration ttl) {
            requireNonNull(ttl, "ttl");
            if (ttl.compareTo(Duration.ofMinutes(1)) < 0) {
                throw new IllegalArgumentException("sessionTtl must be at least 1 minute, was: " + ttl);
            }
            this.sessionTtl = ttl;
            return this;
        }

        /**
         * Largest POST body accepted; larger ones get 413 (default 4 MiB; 1 KiB to 1 GiB).
         *
         * @param bytes the largest request body
         * @return this builder
         */
        public Builder maxRequestBodyBytes(long bytes) {
            if (bytes < 1024 || bytes > (1L << 30)) {
                throw new IllegalArgumentException(
                        "maxRequestBodyBytes must be between 1024 and 1073741824, was: " + bytes);
            }
            this.maxRequestBodyBytes = bytes;
            return this;
        }

        /**
         * Time to open a connection to a backend (default 5 s).
         *
         * @param timeout the longest a connection to a backend may take
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * Longest wait for a backend's response headers, and for each read of a JSON body; exceeding it gets 504
         * (default 120 s).
         *
         * @param timeout the longest wait for a backend's answer
         * @return this builder
         */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = positive(timeout, "responseTimeout");
            return this;
        }

        /**
         * Longest silence between bytes of an SSE stream before the gateway ends it (default 5 minutes;
         * {@link Duration#ZERO} for no limit). A client reconnects a cut stream (with {@code Last-Event-ID} where the
         * server supports resumption).
         *
         * @param timeout the longest silence of a stream
         * @return this builder
         */
        public Builder streamIdleTimeout(Duration timeout) {
            this.streamIdleTimeout = notNegative(timeout, "streamIdleTimeout");
            return this;
        }

        /**
         * How often a relayed SSE stream on which nothing was written for a whole interval gets an SSE comment line
         * ({@code ":"}, ignored by every SSE parser) between events (default 2 s; {@link Duration#ZERO} for none). A
         * client that has gone away is noticed only when the gateway writes to it: the heartbeat makes that happen
         * within two intervals (the first write after a close is still accepted by the network), and the backend
         * call is then cancelled and its connection and slot released. It also keeps idle-timeout proxies between the
         * client and the gateway from cutting quiet streams. A request (other than {@code initialize}) or GET stream
         * whose backend sends no response headers within one interval is answered with a {@code text/event-stream} of
         * the gateway's own, so that it can be heartbeaten too; the backend's answer then arrives inside it (a non-200
         * status as a JSON-RPC error event). {@link Duration#ZERO} turns both off.
         *
         * @param interval the time between two heartbeats
         * @return this builder
         */
        public Builder streamHeartbeat(Duration interval) {
            this.streamHeartbeat = notNegative(interval, "streamHeartbeat");
            return this;
        }

        /**
         * How long an idle backend connection is kept for reuse (default 4 s). Keep it below the backends' own idle
         * timeout (uvicorn closes after 5 s, Jetty after 30 s): a request written to a connection the backend has just
         * closed cannot be retried safely when it may be a {@code tools/call}.
         *
         * @param keepAlive how long an idle backend connection is kept
         * @return this builder
         */
        public Builder backendKeepAlive(Duration keepAlive) {
            this.backendKeepAlive = positive(keepAlive, "backendKeepAlive");
            return this;
        }

        /**
         * Most backends tried for one request when the first cannot be reached (default {@value #DEFAULT_MAX_ATTEMPTS};
         * 1 disables failover). Only requests that provably did not reach a backend, or read-only requests that got no
         * answer, are tried again.
         *
         * @param attempts the most backends one request may try
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1 || attempts > 10) {
                throw new IllegalArgumentException("maxAttempts must be between 1 and 10, was: " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Adds callbacks on requests and on pool events (default none); each listener added is called in turn.
         *
         * @param listener the events' receiver
         * @return this builder
         */
        public Builder listener(GatewayListener listener) {
            requireNonNull(listener, "listener");
            if (listener != GatewayListener.NONE) {
                listeners.add(listener);
            }
            return this;
        }

        /**
         * Adds a factory of per-exchange listeners: metrics, traces, access logs (default none; without one, the
         * gateway builds no event views and scans no answer). Each factory added is asked in turn.
         *
         * @param factory makes each exchange's listener
         * @return this builder
         */
        public Builder exchangeListener(ExchangeListener.Factory factory) {
            exchangeListeners.add(requireNonNull(factory, "factory"));
            return this;
        }

        /**
         * Writes one line per exchange to the logger {@code io.openharbor.mcp.gateway.access} at INFO, with SLF4J
         * key-values ({@code method}, {@code tool}, {@code status}, {@code outcome}, {@code duration_ms},
         * {@code upstream_ms}, {@code server}, {@code backend}, {@code attempts}, ...); default off.
         *
         * @param enabled whether to write it
         * @return this builder
         */
        public Builder accessLog(boolean enabled) {
            exchangeListeners.removeIf(f -> f == AccessLog.FACTORY);
            if (enabled) {
                exchangeListeners.add(AccessLog.FACTORY);
            }
            return this;
        }

        /**
         * The clock for session-token issue and expiry times and health-check times (default the system UTC clock).
         *
         * @param clock the wall clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Longest a request answered with JSON may take as a whole, from sending it to the backend to the last byte of
         * the answer (default 5 minutes). Over time before the answer starts: 504. An answer that turns out to be an
         * SSE stream is not subject to it: a long tool call that keeps streaming progress is limited only by
         * {@link #streamIdleTimeout(Duration)}.
         *
         * @param timeout the longest a whole request may take
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * The retry budget: failovers may add at most {@code ratio} of the requests of the last ten seconds, plus
         * {@code minRetriesPerSecond} per second (defaults 0.2 and 10, Finagle's). A request whose retry finds the
         * budget spent gets the failure of its last attempt.
         *
         * @param ratio the share of requests that may be retried
         * @param minRetriesPerSecond the retries allowed per second whatever the ratio
         * @return this builder
         * @throws IllegalArgumentException if the ratio is not between 0 and 1 or the floor not between 0 and 10000
         */
        public Builder retryBudget(double ratio, int minRetriesPerSecond) {
            if (!(ratio >= 0 && ratio <= 1)) {
                throw new IllegalArgumentException("retry budget ratio must be between 0 and 1, was: " + ratio);
            }
            this.minRetriesPerSecond = Durations.count(minRetriesPerSecond, "minRetriesPerSecond", 0, 10_000);
            this.retryRatio = ratio;
            return this;
        }

        /**
         * The path on which {@link Gateway#handle} answers GET with the health report instead of proxying (default
         * {@value #DEFAULT_HEALTH_PATH}; {@code null} turns it off). Mount the adapter on this path as well as on the
         * MCP path for the host to serve it.
         *
         * @param path the path, starting with /, or null
         * @return this builder
         */
        public Builder healthPath(@Nullable String path) {
            if (path != null && !path.startsWith("/")) {
                throw new IllegalArgumentException("healthPath must start with '/', was: " + path);
            }
            this.healthPath = path;
            return this;
        }

        /**
         * The {@code service} name in the health report (default {@value #DEFAULT_SERVICE_NAME}).
         *
         * @param name the name in the health report
         * @return this builder
         */
        public Builder serviceName(String name) {
            this.serviceName = requireNonNull(name, "serviceName");
            return this;
        }

        /**
         * The time source for latency averages, breaker and ejection periods, slow start and the retry budget
         * (default {@link Ticker#system()}). Tests inject a fake one.
         *
         * @param ticker the time source of durations
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * The random generator handed to load balancers and used for health-check jitter (default: the calling
         * thread's {@link java.util.concurrent.ThreadLocalRandom}). It is called from many threads at once.
         *
         * @param random the source of balancing and jitter choices
         * @return this builder
         */
        public Builder random(RandomGenerator random) {
            this.random = requireNonNull(random, "random");
            return this;
        }

        /**
         * The source of token nonces and of the per-process key (default a new {@link SecureRandom}).
         *
         * @param secureRandom the source of nonces and generated keys
         * @return this builder
         */
        public Builder secureRandom(SecureRandom secureRandom) {
            this.secureRandom = requireNonNull(secureRandom, "secureRandom");
            return this;
        }

        /**
         * Whether threads the gateway owns are virtual where the JVM has them, Java 21+ (default true).
         *
         * @param virtualThreads whether to use virtual threads where the JVM has them
         * @return this builder
         */
        public Builder virtualThreads(boolean virtualThreads) {
            this.virtualThreads = virtualThreads;
            return this;
        }

        /**
         * Builds the gateway.
         *
         * @return the gateway, started
         * @throws IllegalStateException if no pool was set
         */
        public Gateway build() {
            if (pool == null && servers.isEmpty()) {
                throw new IllegalStateException("Gateway.Builder.pool(...) or server(...) is required");
            }
            if (pool != null && !servers.isEmpty()) {
                throw new IllegalStateException("a gateway has either one pool(...) or federated server(...)s, not"
                        + " both: make pool '" + pool.name() + "' a server of the federation");
            }
            return new Gateway(this);
        }

        private static Duration notNegative(Duration d, String name) {
            requireNonNull(d, name);
            if (d.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative, was: " + d);
            }
            return d;
        }

        private static Duration positive(Duration d, String name) {
            requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was: " + d);
            }
            return d;
        }
    }
}
