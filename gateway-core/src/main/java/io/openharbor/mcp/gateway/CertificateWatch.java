package io.openharbor.mcp.gateway;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the leaf certificate a backend (or, with a supplier, the host's own listener) presents and warns once per
 * certificate when it is close to expiry. For a backend the transport tells it what each handshake presented, so it sees
 * what every new connection (requests and health probes alike) was actually shown, whatever the TLS policy.
 */
final class CertificateWatch {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);

    private final String name;
    private final @Nullable Backend backend;
    private final @Nullable Supplier<X509Certificate> source;
    private final Clock clock;
    private final Duration warnBefore;
    private final GatewayListener listener;
    private volatile @Nullable X509Certificate current;
    private final AtomicReference<X509Certificate> warned = new AtomicReference<>();

    /** For a backend: the certificate comes from handshakes. */
    CertificateWatch(Backend backend, Clock clock, Duration warnBefore, GatewayListener listener) {
        this(backend.name(), backend, null, clock, warnBefore, listener);
    }

    /** For one of the host's own certificates, read from {@code source} whenever it is needed. */
    CertificateWatch(
            String name, Supplier<X509Certificate> source, Clock clock, Duration warnBefore, GatewayListener listener) {
        this(name, null, source, clock, warnBefore, listener);
    }

    private CertificateWatch(
            String name,
            @Nullable Backend backend,
            @Nullable Supplier<X509Certificate> source,
            Clock clock,
            Duration warnBefore,
            GatewayListener listener) {
        this.name = name;
        this.backend = backend;
        this.source = source;
        this.clock = clock;
        this.warnBefore = warnBefore;
        this.listener = listener;
    }

    /** The transport saw a handshake in which the backend presented {@code leaf}. */
    void presented(Certificate leaf) {
        if (leaf instanceof X509Certificate x509Certificate) {
            seen(x509Certificate);
        }
    }

    /** Records the certificate now in use and warns if it expires within the threshold (once per certificate). */
    void seen(X509Certificate leaf) {
        X509Certificate before = current;
        if (leaf.equals(before)) {
            if (leaf.equals(warned.get())) {
                return;
            }
        } else {
            current = leaf;
            log.debug(
                    "{} {} presents {} (expires {})",
                    backend != null ? "backend" : "certificate",
                    name,
                    leaf.getSubjectX500Principal().getName(),
                    leaf.getNotAfter().toInstant());
        }
        HealthReport.CertificateInfo info = info(leaf);
        X509Certificate last = warned.get();
        if (Duration.between(clock.instant(), info.notAfter()).compareTo(warnBefore) < 0
                && !leaf.equals(last)
                && warned.compareAndSet(last, leaf)) { // one thread warns, once per certificate
            if (info.daysLeft() < 0) {
                log.warn(
                        "{} {}: certificate {} EXPIRED on {}",
                        backend != null ? "backend" : "certificate",
                        name,
                        info.subject(),
                        info.notAfter());
            } else {
                log.warn(
                        "{} {}: certificate {} expires on {} ({} days left)",
                        backend != null ? "backend" : "certificate",
                        name,
                        info.subject(),
                        info.notAfter(),
                        info.daysLeft());
            }
            listener.certificateExpiring(info, backend);
        }
    }

    /** The certificate as last seen (for a supplier, as supplied now), or null. */
    HealthReport.@Nullable CertificateInfo info() {
        X509Certificate leaf = current;
        if (source != null) {
            X509Certificate now;
            try {
                now = source.get();
            } catch (RuntimeException e) {
                log.warn("certificate {}: its supplier threw; reporting the last one seen", name, e);
                now = leaf;
            }
            if (now != null) {
                seen(now);
                leaf = now;
            }
        } else if (leaf != null) {
            seen(leaf); // time moves: a certificate seen long ago may have crossed the threshold since
        }
        return leaf == null ? null : info(leaf);
    }

    private HealthReport.CertificateInfo info(X509Certificate leaf) {
        Instant notAfter = leaf.getNotAfter().toInstant();
        long seconds = Duration.between(clock.instant(), notAfter).toSeconds();
        long days = Math.floorDiv(seconds, 86_400L);
        return new HealthReport.CertificateInfo(
                name, leaf.getSubjectX500Principal().getName(), notAfter, days);
    }
}
