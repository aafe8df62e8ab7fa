package io.openharbor.mcp.gateway.config;

import static java.util.Objects.requireNonNull;

import io.openharbor.mcp.gateway.Gateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway built from a configuration file and replaced whole when the file changes: an atomic swap. Mount it with
 * the adapters' {@code Supplier<Gateway>} constructors, which ask for the current gateway on every request.
 *
 * <pre>{@code
 * ReloadingGateway gateway = ReloadingGateway.start(GatewayConfig.loader().file(Path.of("gateway.json")));
 * server.createContext("/mcp", new GatewayHttpHandler(gateway));      // gateway::get per request
 * }</pre>
 *
 * <p>A reload reads and validates the file (and the secret and certificate files it names) again; if anything is
 * wrong it logs every problem and the running gateway stays, untouched. Otherwise a new gateway is built, swapped in
 * for new requests, and the old one closes once the exchanges it is serving have ended (at the latest after
 * {@code Gateway:Timeouts:Drain}). Sessions carry over: tokens are stateless, so the new gateway opens them as long
 * as the session keys, the pool name and the backend's name stay (with no session key configured, one random key is
 * made once and kept across reloads). Backends missing from the new file get no new requests; their sessions get 404
 * and re-initialize elsewhere. What the old gateway had learned (latency averages, breaker states, ejections, health
 * verdicts) starts afresh; the first health check runs at once.
 *
 * <p>With {@code Gateway:Reload:OnChange} true the files are compared (SHA-256 of their bytes, so editors' atomic
 * renames and Kubernetes' symlink swaps are seen) every {@code Gateway:Reload:CheckInterval}; {@link #reload()}
 * reloads on demand, for a SIGHUP handler or an admin endpoint.
 */
public final class ReloadingGateway implements Supplier<Gateway>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ReloadingGateway.class);

    private final GatewayConfig.Loader loader;
    private final Consumer<Gateway.Builder> customizer;
    private final byte[] fallbackSessionKey;
    private final AtomicLong generation = new AtomicLong(1);
    private volatile Gateway current;
    private volatile GatewayConfig config;
    private volatile byte[] digest;
    private volatile @Nullable String lastError;
    private @Nullable ScheduledExecutorService watcher;
    private boolean closed;

    private ReloadingGateway(GatewayConfig.Loader loader, Consumer<Gateway.Builder> customizer) {
        this.loader = loader;
        this.customizer = customizer;
        this.fallbackSessionKey = new byte[32];
        new SecureRandom().nextBytes(fallbackSessionKey);
        GatewayConfig first = loader.load(); // invalid at start: the ConfigException propagates
        this.config = first;
        this.digest = digest(first.files());
        this.current = build(first);
        if (!first.hasSessionKeys()) {
            log.info("No session key configured: a random key was made for this process and is kept across reloads."
                    + " Sessions will not survive a restart or move between instances; set Gateway:Sessions:Keys.");
        }
        schedule();
    }

    /**
     * Loads the configuration and builds the first gateway.
     *
     * @param loader where the configuration comes from
     * @return the running holder
     * @throws ConfigException if the configuration is invalid: start-up fails
     */
    public static ReloadingGateway start(GatewayConfig.Loader loader) {
        return start(loader, b -> {});
    }

    /**
     * Like {@link #start(GatewayConfig.Loader)}, with {@code customizer} applied to every gateway's builder after the
     * configuration (a listener, an authenticator, a clock: what a file cannot hold).
     *
     * @param loader where the configuration comes from
     * @param customizer applied to each gateway's builder before it is built
     * @return the running holder
     */
    public static ReloadingGateway start(GatewayConfig.Loader loader, Consumer<Gateway.Builder> customizer) {
        return new ReloadingGateway(requireNonNull(loader, "loader"), requireNonNull(customizer, "customizer"));
    }

    /** The gateway serving new requests now. */
    @Override
    public Gateway get() {
        return current;
    }

    /** {@return the configuration of the current gateway} */
    public GatewayConfig config() {
        return config;
    }

    /** {@return how many configurations have been put in service, the first included} */
    public long generation() {
        return generation.get();
    }

    /**
     * Why the latest reload was refused, or null if it succeeded (or none was tried).
     *
     * @return the reason, or null
     */
    public @Nullable String lastError() {
        return lastError;
    }

    /**
     * Reads the configuration again and, if it is valid, swaps a new gateway in.
     *
     * @return true if a new gateway now serves; false if the configuration was refused (logged; the running gateway
     *     stays)
     */
    public synchronized boolean reload() {
        if (closed) {
            return false;
        }
        GatewayConfig next;
        Gateway built;
        try {
            next = loader.load();
            built = build(next);
        } catch (ConfigException e) {
            lastError = e.getMessage();
            log.error("configuration reload refused; the running configuration stays. {}", e.getMessage());
            digest = digest(config.files()); // do not retry the same broken file every tick
            return false;
        } catch (RuntimeException e) {
            lastError = e.toString();
            log.error(
                    "configuration reload refused (the gateway could not be built); the running configuration"
                            + " stays: {}",
                    e.toString());
            digest = digest(config.files());
            return false;
        }
        Gateway old = current;
        GatewayConfig oldConfig = config;
        current = built;
        config = next;
        digest = digest(next.files());
        lastError = null;
        long g = generation.incrementAndGet();
        log.info(
                "configuration reloaded (generation {}): {} backends {}",
                g,
                next.backendNames().size(),
                next.backendNames());
        // The old gateway closes on its own once idle (or at the drain deadline); nothing waits for it.
        @SuppressWarnings("FutureReturnValueIgnored")
        Object unused = old.closeWhenIdle(oldConfig.drainTimeout());
        if (next.reloadOnChange() != oldConfig.reloadOnChange()
                || !next.reloadCheckInterval().equals(oldConfig.reloadCheckInterval())) {
            schedule();
        }
        return true;
    }

    /**
     * Reloads if the configuration file, or a file it names, changed since the last load or refusal.
     *
     * @return whether a new gateway now serves
     */
    public boolean reloadIfChanged() {
        byte[] now = digest(config.files());
        if (Arrays.equals(now, digest)) {
            return false;
        }
        return reload();
    }

    private Gateway build(GatewayConfig c) {
        Gateway.Builder b = c.toBuilder();
        if (!c.hasSessionKeys()) {
            b.sessionKeys(List.of(fallbackSessionKey));
        }
        customizer.accept(b);
        return b.build();
    }

    private synchronized void schedule() {
        if (watcher != null) {
            watcher.shutdownNow();
            watcher = null;
        }
        GatewayConfig c = config;
        if (closed || !c.reloadOnChange() || loader.file() == null) {
            return;
        }
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "mcp-gateway-config-watch");
            thread.setDaemon(true);
            return thread;
        });
        long every = c.reloadCheckInterval().toNanos();
        // Not kept: close() shuts the watcher down, and a failing check is logged here, so the schedule never dies.
        @SuppressWarnings("FutureReturnValueIgnored")
        Object unused = t.scheduleWithFixedDelay(
                () -> {
                    try {
                        reloadIfChanged();
                    } catch (RuntimeException e) {
                        log.error("configuration check failed", e);
                    }
                },
                every,
                every,
                TimeUnit.NANOSECONDS);
        watcher = t;
        log.info("watching {} for changes every {}", loader.file(), Duration.ofNanos(every));
    }

    private static byte[] digest(List<Path> files) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        for (Path p : files) {
            md.update(p.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            try {
                md.update(Files.readAllBytes(p));
            } catch (IOException e) {
                md.update((byte) 0xFF); // missing or unreadable: a change too
            }
        }
        return md.digest();
    }

    /** Stops watching and closes the current gateway (cancelling what it has in flight). */
    @Override
    public synchronized void close() {
        closed = true;
        if (watcher != null) {
            watcher.shutdownNow();
        }
        current.close();
    }
}
