package io.openharbor.mcp.gateway.tls;

import io.openharbor.mcp.gateway.Ticker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps material loaded from files current without a thread of its own: whoever needs it (a TLS handshake, a health
 * report) calls {@link #get()}, which at most once per check interval looks at the files' modification time, size and
 * identity (an atomic rename, as Kubernetes does for mounted secrets, changes the identity) and reloads when one
 * changed. A new version that fails to load is logged and the old one stays in use; the next check tries again.
 */
final class Reloader<T> implements java.util.function.Supplier<T> {
    private static final Logger log = LoggerFactory.getLogger(Reloader.class);

    private final String what;
    private final List<Path> files;
    private final Supplier<T> loader;
    private final long intervalNanos;
    private final Ticker ticker;
    private volatile T current;
    private List<Object> stamps;
    private volatile long nextCheck;
    private @Nullable String lastProblem;

    /** A valid {@code reloadCheckInterval}: not null, not negative (zero checks on every new connection). */
    static java.time.Duration checkInterval(java.time.Duration interval) {
        java.util.Objects.requireNonNull(interval, "reloadCheckInterval");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("reloadCheckInterval must not be negative, was: " + interval);
        }
        return interval;
    }

    /** Loads once now; a failure here is the caller's start-up error. */
    Reloader(String what, List<Path> files, Supplier<T> loader, long intervalNanos, Ticker ticker) {
        this.what = what;
        this.files = List.copyOf(files);
        this.loader = loader;
        this.intervalNanos = intervalNanos;
        this.ticker = ticker;
        this.stamps = stamps();
        this.current = loader.get();
        this.nextCheck = ticker.read() + intervalNanos;
    }

    /** The current material, reloaded first if a check is due and the files changed. */
    @Override
    public T get() {
        if (files.isEmpty() || ticker.read() - nextCheck < 0) {
            return current;
        }
        reloadIfChanged();
        return current;
    }

    /** Checks the files now; true when new material was loaded. */
    synchronized boolean reloadIfChanged() {
        nextCheck = ticker.read() + intervalNanos;
        List<Object> now = stamps();
        if (now.equals(stamps)) {
            return false;
        }
        T loaded;
        try {
            loaded = loader.get();
        } catch (RuntimeException e) {
            String problem = e.getMessage();
            if (!Objects.equals(problem, lastProblem)) {
                log.warn(
                        "{} changed on disk but cannot be loaded; still using the previous version: {}", what, problem);
                lastProblem = problem;
            }
            return false;
        }
        stamps = now;
        lastProblem = null;
        current = loaded;
        log.info("reloaded {} after a change of {}", what, files);
        return true;
    }

    private List<Object> stamps() {
        List<Object> out = new ArrayList<>(files.size() * 3);
        for (Path f : files) {
            try {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                out.add(a.lastModifiedTime());
                out.add(a.size());
                out.add(a.fileKey());
            } catch (IOException e) {
                out.add("missing");
                out.add(-1L);
                out.add(null);
            }
        }
        return out;
    }
}
