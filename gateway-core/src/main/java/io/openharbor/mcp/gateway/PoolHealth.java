package io.openharbor.mcp.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Assembles the {@link HealthReport} of a pool from its live state and the host's certificates. */
final class PoolHealth {
    private final PoolRuntime pool;
    private final String serviceName;
    private final String poolName;
    private final Clock clock;
    private final Ticker ticker;
    private final List<CertificateWatch> serverCertificates;

    PoolHealth(
            PoolRuntime pool,
            String serviceName,
            String poolName,
            Clock clock,
            Ticker ticker,
            List<CertificateWatch> serverCertificates) {
        this.pool = pool;
        this.serviceName = serviceName;
        this.poolName = poolName;
        this.clock = clock;
        this.ticker = ticker;
        this.serverCertificates = serverCertificates;
    }

    HealthReport report() {
        PoolRuntime.Snapshot snap = pool.snapshot();
        BackendRuntime[] members = pool.members().list;
        List<HealthReport.BackendHealth> list = new ArrayList<>(members.length);
        long now = ticker.read();
        for (BackendRuntime br : members) {
            boolean ejected = br.ejected;
            CertificateWatch watch = br.route.certificates();
            list.add(new HealthReport.BackendHealth(
                    br.backend.name(),
                    br.healthy,
                    br.lastCheck,
                    br.lastCheckProblem,
                    snap.available.holds(br),
                    br.draining,
                    br.circuitState(),
                    br.inFlight.get(),
                    br.backend.maxConnections(),
                    Duration.ofNanos((long) br.latencyNanos()),
                    br.successRate(),
                    br.consecutiveFailures.get(),
                    ejected,
                    ejected ? Duration.ofNanos(Math.max(0, br.ejectedUntil - now)) : Duration.ZERO,
                    br.timesEjected,
                    br.backend.weight(),
                    br.effectiveWeight(),
                    watch == null ? null : watch.info()));
        }
        List<HealthReport.CertificateInfo> own = new ArrayList<>(serverCertificates.size());
        for (CertificateWatch w : serverCertificates) {
            HealthReport.CertificateInfo info = w.info();
            if (info != null) {
                own.add(info);
            }
        }
        int up = snap.available.size();
        HealthReport.Status status = up > 0 && up == snap.all.size()
                ? HealthReport.Status.HEALTHY
                : up > 0 ? HealthReport.Status.DEGRADED : HealthReport.Status.UNHEALTHY;
        return new HealthReport(status, serviceName, poolName, clock.instant(), snap.panic, list, own);
    }
}
