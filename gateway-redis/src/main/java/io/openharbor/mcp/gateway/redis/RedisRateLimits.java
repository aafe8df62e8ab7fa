package io.openharbor.mcp.gateway.redis;

import static java.util.Objects.requireNonNull;

import io.openharbor.mcp.gateway.RateLimiter;
import io.openharbor.mcp.gateway.RateLimits;
import io.openharbor.mcp.gateway.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * Rate limits that hold across every gateway instance sharing one Redis: the same limits as {@link RateLimits} (per
 * caller, and per caller and tool, requests per minute with a burst), but each bucket lives in Redis and each
 * decision is one round trip to a Lua script (GCRA) that reads Redis's clock, so N instances admit one limit's worth,
 * not N.
 *
 * <pre>{@code
 * RedisRateLimits limits = RedisRateLimits.builder(URI.create("redis://redis.internal:6379"))
 *         .perCaller(100, 20)
 *         .tool("search", 10, 2)
 *         .timeout(Duration.ofMillis(20))
 *         .failurePolicy(RedisRateLimits.FailurePolicy.FAIL_OPEN)
 *         .build();
 * Gateway gateway = Gateway.builder().pool(pool).rateLimiter(limits).build();
 * }</pre>
 *
 * <p>Each key ({@code prefix + "c:" + caller}, {@code prefix + "t:" + tool + ":" + caller}) expires by itself once its
 * bucket is full again, so idle callers leave nothing behind.
 *
 * <p>When Redis does not answer within {@link Builder#timeout(Duration)} (default 20 ms) or refuses the connection,
 * the decision follows the {@link FailurePolicy}: {@code FAIL_OPEN} (the default) decides with buckets in this
 * process ({@link RateLimits} of the same limits: each instance then enforces the limit on its own), {@code
 * FAIL_CLOSED} refuses (429, {@code Retry-After: 1}). Redis is then left alone for {@link Builder#retryInterval} (1 s)
 * before the next request tries it again, so a dead Redis costs one timeout per interval, not one per request; when
 * it answers again, shared limiting resumes without a restart. Each change is logged (WARN when Redis is lost, INFO
 * when it is back) and reported to the {@link Listener}. Close it with the gateway: it holds a connection pool.
 */
public final class RedisRateLimits implements RateLimiter, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisRateLimits.class);
    private static final String SCRIPT = script();
    private static final String SHA = sha1(SCRIPT);
    /** What a refusal under {@code FAIL_CLOSED} tells the client to wait. */
    private static final Duration CLOSED_RETRY = Duration.ofSeconds(1);

    /** What to decide when Redis cannot be asked. */
    public enum FailurePolicy {
        /** Decide with this instance's own buckets (the limit then holds per instance, not across them). */
        FAIL_OPEN,
        /** Refuse: 429 with {@code Retry-After: 1}. */
        FAIL_CLOSED
    }

    /** Hears when Redis is lost and when it is back; called on a request thread, outside any lock. */
    public interface Listener {
        /**
         * Redis could not be asked; decisions follow the failure policy until it answers again.
         *
         * @param reason what went wrong (no secrets)
         */
        default void redisUnavailable(String reason) {}

        /** Redis answered again: shared limiting has resumed. */
        default void redisRecovered() {}
    }

    private record Limit(int perMinute, int burst, String interval, String tolerance) {
        static Limit of(int perMinute, int burst) {
            if (perMinute < 1 || perMinute > 1_000_000 || burst < 1 || burst > 1_000_000) {
                throw new IllegalArgumentException(
                        "a limit needs 1 to 1000000 requests per minute and a burst of 1 to 1000000, was " + perMinute
                                + "/min burst " + burst);
            }
            long micros = 60_000_000L / perMinute;
            return new Limit(perMinute, burst, Long.toString(micros), Long.toString(micros * burst));
        }
    }

    private final UnifiedJedis redis;
    private final String prefix;
    private final Limit perCaller;
    private final Map<String, Limit> tools;
    private final FailurePolicy policy;
    private final @Nullable RateLimits local;
    private final Listener listener;
    private final Ticker ticker;
    private final long retryNanos;
    private final @Nullable LongSupplier nowMicros;
    private final String target;

    /** When Redis failed last; requests go to the policy until {@link #retryNanos} later. Guarded by {@code this}. */
    private long downSince;

    private boolean down;

    @SuppressWarnings("deprecation") // Jedis 8 deprecates this UnifiedJedis constructor; it is the one 6 and 7 have too
    private RedisRateLimits(Builder b) {
        this.prefix = b.prefix;
        this.perCaller = b.perCaller;
        this.tools = Map.copyOf(b.tools);
        this.policy = b.policy;
        this.listener = b.listener;
        this.ticker = b.ticker;
        this.retryNanos = b.retryInterval.toNanos();
        this.nowMicros = b.nowMicros;
        this.target = b.uri.getHost() + ":" + port(b.uri);
        if (policy == FailurePolicy.FAIL_OPEN) {
            RateLimits.Builder r = RateLimits.builder()
                    .perCaller(perCaller.perMinute(), perCaller.burst())
                    .ticker(ticker);
            tools.forEach((name, l) -> r.tool(name, l.perMinute(), l.burst()));
            this.local = r.build();
        } else {
            this.local = null;
        }
        int millis = (int) Math.max(1, b.timeout.toMillis());
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis)
                .blockingSocketTimeoutMillis(millis)
                .clientName("mcp-gateway")
                .database(database(b.uri));
        if (b.user != null) config.user(b.user);
        if (b.password != null) config.password(b.password);
        if (isTls(b.uri)) {
            Path store = b.trustStore;
            config.sslOptions(
                    store == null
                            ? SslOptions.builder()
                                    .sslVerifyMode(SslVerifyMode.FULL)
                                    .build() // the JVM's roots
                            : SslOptions.builder()
                                    .truststore(store.toFile(), b.trustStorePassword)
                                    .trustStoreType(isPkcs12(store) ? "PKCS12" : "JKS")
                                    .sslVerifyMode(SslVerifyMode.FULL)
                                    .build());
        }
        GenericObjectPoolConfig<Connection> pool = new GenericObjectPoolConfig<>();
        pool.setMaxTotal(b.maxConnections);
        pool.setMaxIdle(b.maxConnections);
        pool.setMaxWait(b.timeout); // a request never queues for a connection longer than it would wait for Redis
        pool.setJmxEnabled(false);
        // UnifiedJedis over a pooled provider, one attempt: the API Jedis 6, 7 and 8 share (Spring Boot 3.5 and 4
        // manage Jedis 6 and 7, so an application on Boot's dependency management gets those).
        this.redis = new UnifiedJedis(
                new PooledConnectionProvider(new HostAndPort(b.uri.getHost(), port(b.uri)), config.build(), pool),
                1,
                b.timeout);
    }

    /**
     * A builder for limits kept in the Redis at {@code uri}.
     *
     * @param uri {@code redis://host:port[/db]} or {@code rediss://...} for TLS; credentials are given apart
     *     ({@link Builder#credentials}), never in the URI
     * @return the builder
     */
    public static Builder builder(URI uri) {
        return new Builder(uri);
    }

    @Override
    public Duration acquire(String caller, @Nullable String tool) {
        Limit limit;
        String key;
        if (tool == null) {
            limit = perCaller;
            key = prefix + "c:" + caller;
        } else {
            limit = tools.get(tool);
            if (limit == null) {
                return Duration.ZERO;
            }
            key = prefix + "t:" + tool + ":" + caller;
        }
        if (!mayAsk()) {
            return fallback(caller, tool);
        }
        long waitMicros;
        try {
            waitMicros = decide(key, limit);
        } catch (JedisException e) {
            lost(e);
            return fallback(caller, tool);
        }
        back();
        return waitMicros <= 0 ? Duration.ZERO : Duration.ofNanos(waitMicros * 1000);
    }

    private long decide(String key, Limit limit) {
        List<String> keys = List.of(key);
        List<String> args = List.of(
                limit.interval(), limit.tolerance(), nowMicros == null ? "" : Long.toString(nowMicros.getAsLong()));
        Object answer;
        try {
            answer = redis.evalsha(SHA, keys, args);
        } catch (JedisNoScriptException e) {
            answer = redis.eval(SCRIPT, keys, args); // loads it: the next evalsha finds it
        }
        if (!(answer instanceof Long wait)) {
            throw new JedisException("unexpected answer from the rate-limit script: " + answer);
        }
        return wait;
    }

    private Duration fallback(String caller, @Nullable String tool) {
        RateLimits l = local;
        return l == null ? CLOSED_RETRY : l.acquire(caller, tool);
    }

    /** Whether Redis may be asked now: it is up, or it has been down for the retry interval (one request probes). */
    private synchronized boolean mayAsk() {
        if (!down) return true;
        long now = ticker.read();
        if (now - downSince < retryNanos) return false;
        downSince = now; // this request probes; the others keep to the policy for another interval
        return true;
    }

    private void lost(JedisException e) {
        boolean first;
        synchronized (this) {
            first = !down;
            down = true;
            downSince = ticker.read();
        }
        if (first) {
            String reason = e.getClass().getSimpleName() + ": " + e.getMessage();
            log.warn(
                    "Redis at {} cannot be asked ({}); rate limits now {}, retried every {} ms",
                    target,
                    reason,
                    policy == FailurePolicy.FAIL_OPEN ? "per instance (fail open)" : "refuse (fail closed)",
                    retryNanos / 1_000_000);
            listener.redisUnavailable(reason);
        }
    }

    private void back() {
        boolean recovered;
        synchronized (this) {
            recovered = down;
            down = false;
        }
        if (recovered) {
            log.info("Redis at {} answers again: rate limits are shared across instances again", target);
            listener.redisRecovered();
        }
    }

    /** Releases the connection pool. */
    @Override
    public void close() {
        redis.close();
    }

    @Override
    public String toString() {
        return "RedisRateLimits[" + target + ", " + perCaller.perMinute() + "/min burst " + perCaller.burst()
                + (tools.isEmpty() ? "" : ", " + tools.size() + " tool limit(s)") + ", " + policy + "]";
    }

    private static int port(URI uri) {
        return uri.getPort() == -1 ? 6379 : uri.getPort();
    }

    private static boolean isPkcs12(Path p) {
        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".p12") || name.endsWith(".pfx");
    }

    private static boolean isTls(URI uri) {
        return "rediss".equalsIgnoreCase(uri.getScheme());
    }

    private static int database(URI uri) {
        String path = uri.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) return 0;
        try {
            return Integer.parseInt(path.substring(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("the Redis URI's path must be a database number, was '" + path + "'");
        }
    }

    private static String script() {
        try (InputStream in = RedisRateLimits.class.getResourceAsStream("gcra.lua")) {
            if (in == null) throw new IllegalStateException("gcra.lua is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    /** Builds {@link RedisRateLimits}; setters check their argument. */
    public static final class Builder {
        private final URI uri;
        private @Nullable String user;
        private @Nullable String password;
        private @Nullable Path trustStore;
        private char[] trustStorePassword = new char[0];
        private String prefix = "mcp-gateway:rl:";
        private Limit perCaller = Limit.of(RateLimits.DEFAULT_REQUESTS_PER_MINUTE, RateLimits.DEFAULT_BURST);
        private final Map<String, Limit> tools = new LinkedHashMap<>();
        private Duration timeout = Duration.ofMillis(20);
        private Duration retryInterval = Duration.ofSeconds(1);
        private int maxConnections = 64;
        private FailurePolicy policy = FailurePolicy.FAIL_OPEN;
        private Listener listener = new Listener() {};
        private Ticker ticker = Ticker.system();
        private @Nullable LongSupplier nowMicros;

        private Builder(URI uri) {
            requireNonNull(uri, "uri");
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("redis") || scheme.equals("rediss")) || uri.getHost() == null) {
                throw new IllegalArgumentException(
                        "the Redis URI must be redis://host:port or rediss://host:port, was '" + uri.getScheme() + "://"
                                + uri.getHost() + "'");
            }
            if (uri.getRawUserInfo() != null) {
                throw new IllegalArgumentException(
                        "give Redis credentials with credentials(user, password), not in" + " the URI (it is logged)");
            }
            database(uri);
            this.uri = uri;
        }

        /**
         * Redis ACL credentials (default none).
         *
         * @param user the user, or null for {@code default} (a password alone, {@code requirepass})
         * @param password the password
         * @return this builder
         */
        public Builder credentials(@Nullable String user, String password) {
            this.user = user;
            this.password = requireNonNull(password, "password");
            return this;
        }

        /**
         * The trust store for a {@code rediss://} URI (default the JVM's roots), e.g. a private CA's: a PKCS#12
         * ({@code .p12}, {@code .pfx}) or JKS file. The server's host name is verified either way.
         *
         * @param file the trust store
         * @param password its password, or null for none
         * @return this builder
         */
        public Builder trustStore(Path file, @Nullable String password) {
            this.trustStore = requireNonNull(file, "file");
            this.trustStorePassword = password == null ? new char[0] : password.toCharArray();
            return this;
        }

        /**
         * The prefix of every key (default {@code mcp-gateway:rl:}), to share a Redis with other users.
         *
         * @param prefix a key prefix
         * @return this builder
         */
        public Builder keyPrefix(String prefix) {
            this.prefix = requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * Each caller's limit (default the seed's 100 per minute, bursts of 20), as {@link RateLimits.Builder}.
         *
         * @param requestsPerMinute 1 to 1000000
         * @param burst 1 to 1000000
         * @return this builder
         */
        public Builder perCaller(int requestsPerMinute, int burst) {
            this.perCaller = Limit.of(requestsPerMinute, burst);
            return this;
        }

        /**
         * A per-caller limit on one tool's calls, beside the caller's own.
         *
         * @param tool the tool name, as clients call it
         * @param requestsPerMinute 1 to 1000000
         * @param burst 1 to 1000000
         * @return this builder
         */
        public Builder tool(String tool, int requestsPerMinute, int burst) {
            if (requireNonNull(tool, "tool").isBlank()) throw new IllegalArgumentException("blank tool name");
            tools.put(tool, Limit.of(requestsPerMinute, burst));
            return this;
        }

        /**
         * The longest a decision waits for Redis (connect, answer, a pooled connection): default 20 ms.
         *
         * @param timeout 1 ms to 5 s
         * @return this builder
         */
        public Builder timeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofSeconds(5)) > 0) {
                throw new IllegalArgumentException("timeout must be between 1 ms and 5 s, was " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * How long Redis is left alone after it failed before a request tries it again (default 1 s).
         *
         * @param interval 10 ms to 1 minute
         * @return this builder
         */
        public Builder retryInterval(Duration interval) {
            requireNonNull(interval, "interval");
            if (interval.compareTo(Duration.ofMillis(10)) < 0 || interval.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("retryInterval must be between 10 ms and 1 minute, was " + interval);
            }
            this.retryInterval = interval;
            return this;
        }

        /**
         * The most connections to Redis at once (default 64).
         *
         * @param max 1 to 10000
         * @return this builder
         */
        public Builder maxConnections(int max) {
            if (max < 1 || max > 10_000) throw new IllegalArgumentException("maxConnections must be 1 to 10000");
            this.maxConnections = max;
            return this;
        }

        /**
         * What to decide when Redis cannot be asked (default {@link FailurePolicy#FAIL_OPEN}).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder failurePolicy(FailurePolicy policy) {
            this.policy = requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Who hears when Redis is lost and back (default nobody; the log has it either way).
         *
         * @param listener the listener
         * @return this builder
         */
        public Builder listener(Listener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The monotonic time of the retry interval and of the fail-open buckets (default {@link Ticker#system()}).
         *
         * @param ticker the ticker
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /** Tests only: the script's "now" from here (microseconds) instead of Redis's clock. */
        Builder nowMicros(LongSupplier now) {
            this.nowMicros = requireNonNull(now, "now");
            return this;
        }

        /** {@return the limits; connects lazily, so a Redis that is down now does not stop the gateway from starting} */
        public RedisRateLimits build() {
            return new RedisRateLimits(this);
        }
    }
}
