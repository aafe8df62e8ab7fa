package io.openharbor.mcp.gateway.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.openharbor.mcp.gateway.CircuitState;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthReport;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * The gauges of one gateway's backends and certificates, read from its health report, which is made at most once a
 * second (by the registry's clock) however many gauges a scrape reads. A backend or certificate that appears in a
 * later report gets its gauges then; one that left reads NaN.
 */
final class BackendGauges {
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final GatewayMeters meters;
    private final Supplier<Gateway> gateway;
    private final Set<String> backends = ConcurrentHashMap.newKeySet();
    private final Set<String> certificates = ConcurrentHashMap.newKeySet();
    private volatile @Nullable Snapshot snapshot;

    BackendGauges(GatewayMeters meters, Supplier<Gateway> gateway) {
        this.meters = meters;
        this.gateway = gateway;
    }

    /** The report's backends and certificates by name, and when it was made. */
    private record Snapshot(
            long madeAt,
            Map<String, HealthReport.BackendHealth> backends,
            Map<String, HealthReport.CertificateInfo> certificates,
            long epochSecond) {}

    /** Reads the first report, which registers the gauges of what it holds. */
    void register() {
        snapshot();
    }

    private Snapshot snapshot() {
        long now = meters.registry.config().clock().monotonicTime();
        Snapshot s = snapshot;
        if (s != null && now - s.madeAt < REFRESH_NANOS) {
            return s;
        }
        // Outside any lock of ours: health() may deliver pool events to listeners. Two scrapes at once may both read.
        s = read(now);
        snapshot = s;
        registerNew(s);
        return s;
    }

    private Snapshot read(long now) {
        HealthReport report = gateway.get().health();
        Map<String, HealthReport.BackendHealth> byName = new HashMap<>();
        Map<String, HealthReport.CertificateInfo> certs = new HashMap<>();
        for (HealthReport.BackendHealth b : report.backends()) {
            byName.put(b.name(), b);
            if (b.certificate() != null) {
                certs.put(b.name(), b.certificate());
            }
        }
        for (HealthReport.CertificateInfo c : report.certificates()) {
            certs.put(c.name(), c);
        }
        return new Snapshot(now, byName, certs, report.timestamp().getEpochSecond());
    }

    private void registerNew(Snapshot s) {
        for (String name : s.backends.keySet()) {
            if (backends.add(name)) {
                backendGauge(
                        name,
                        ".backend.in_flight",
                        "Requests in flight to the backend, streams included",
                        HealthReport.BackendHealth::inFlight);
                backendGauge(
                        name,
                        ".backend.available",
                        "1 when new requests may go to the backend, else 0",
                        b -> b.available() ? 1 : 0);
                backendGauge(
                        name, ".backend.healthy", "1 when active health checks pass, else 0", b -> b.healthy() ? 1 : 0);
                backendGauge(
                        name,
                        ".backend.circuit.state",
                        "Circuit breaker: 0 closed, 1 half-open, 2 open",
                        b -> b.circuit() == CircuitState.OPEN ? 2 : b.circuit() == CircuitState.HALF_OPEN ? 1 : 0);
            }
        }
        for (String name : s.certificates.keySet()) {
            if (certificates.add(name)) {
                Gauge.builder(meters.prefix + ".certificate.expiry", this, g -> g.secondsLeft(name))
                        .description("Seconds until the certificate expires (negative once expired)")
                        .baseUnit("seconds")
                        .strongReference(true) // nothing else holds this object
                        .tags(Tags.of("name", name))
                        .register(meters.registry);
            }
        }
    }

    private void backendGauge(
            String name, String suffix, String description, ToDoubleFunction<HealthReport.BackendHealth> value) {
        Gauge.builder(meters.prefix + suffix, this, g -> {
                    HealthReport.BackendHealth b = g.snapshot().backends.get(name);
                    return b == null ? Double.NaN : value.applyAsDouble(b);
                })
                .description(description)
                .tags(Tags.of(GatewayMeters.BACKEND, name))
                .strongReference(true) // nothing else holds this object
                .register(meters.registry);
    }

    private double secondsLeft(String name) {
        Snapshot s = snapshot();
        HealthReport.CertificateInfo c = s.certificates.get(name);
        return c == null ? Double.NaN : c.notAfter().getEpochSecond() - s.epochSecond;
    }
}
