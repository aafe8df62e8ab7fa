package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The health of a gateway's pool at one moment, from {@link Gateway#health()} and served as JSON at the gateway's
 * health path. It keeps the seed's shape ({@code status}, {@code service}, {@code backends[]} with {@code name},
 * {@code healthy}, {@code lastCheck}) and adds what an operator needs to see why a backend gets no traffic.
 *
 * @param status {@code Healthy} when every backend is available, {@code Degraded} when some are,
 *     {@code Unhealthy} when none is (then the endpoint answers 503)
 * @param service the configured service name
 * @param pool the pool's name
 * @param timestamp when the report was made
 * @param panic whether the pool is in panic mode
 * @param backends one entry per backend, in configuration order
 * @param certificates the host's own certificates registered with
 *     {@link Gateway.Builder#serverCertificate(String, java.util.function.Supplier)}, with their expiry
 * @param servers of a federation: one entry per server, whose backends appear in {@code backends} as
 *     {@code server/replica}; empty for a gateway with one pool
 */
public record HealthReport(
        Status status,
        String service,
        String pool,
        Instant timestamp,
        boolean panic,
        List<BackendHealth> backends,
        List<CertificateInfo> certificates,
        List<ServerHealth> servers) {

    /**
     * The report of a gateway with one pool.
     *
     * @param status the overall verdict
     * @param service the service name
     * @param pool the pool's name
     * @param timestamp when the report was made
     * @param panic whether the pool is in panic mode
     * @param backends one entry per backend
     * @param certificates the host's own certificates
     */
    public HealthReport(
            Status status,
            String service,
            String pool,
            Instant timestamp,
            boolean panic,
            List<BackendHealth> backends,
            List<CertificateInfo> certificates) {
        this(status, service, pool, timestamp, panic, backends, certificates, List.of());
    }

    /**
     * One server of a federation.
     *
     * @param name the server's id
     * @param prefix the prefix of its exposed names
     * @param required whether the federation needs it
     * @param status its pool's verdict
     * @param panic whether its pool is in panic mode
     * @param backends the names of its replicas, as in the report's {@code backends} ({@code server/replica})
     */
    public record ServerHealth(
            String name, String prefix, boolean required, Status status, boolean panic, List<String> backends) {
        /**
         * Checks and copies the components.
         *
         * @param name the server's id
         * @param prefix its prefix
         * @param required whether it is required
         * @param status its verdict
         * @param panic whether its pool is in panic
         * @param backends its replicas' names in the report
         */
        public ServerHealth {
            requireNonNull(name, "name");
            requireNonNull(prefix, "prefix");
            requireNonNull(status, "status");
            backends = List.copyOf(backends);
        }
    }

    /** The overall verdict. */
    public enum Status {
        /** Every backend is available. */
        HEALTHY("Healthy"),
        /** Some backends are unavailable; the others carry the traffic. */
        DEGRADED("Degraded"),
        /** No backend is available. */
        UNHEALTHY("Unhealthy");

        private final String label;

        Status(String label) {
            this.label = label;
        }

        /** {@return the seed's spelling: {@code Healthy}, {@code Degraded}, {@code Unhealthy}} */
        public String label() {
            return label;
        }
    }

    /**
     * One backend's state.
     *
     * @param name the backend's name
     * @param healthy the active health checks' verdict (true until the first check says otherwise)
     * @param lastCheck when the last active check finished, or null before the first
     * @param lastCheckProblem why the last check failed, or null
     * @param available whether new requests may go to it (healthy, not ejected, breaker not open, not draining)
     * @param draining whether it is being drained: it takes no new requests and leaves the pool once the ones in
     *     flight have ended
     * @param circuit the breaker's state
     * @param inFlight requests in flight, streams included
     * @param maxConnections its bulkhead limit
     * @param latency peak-EWMA of time to response headers, decayed to now (zero before the first answer)
     * @param successRate share of successes among roughly the last 20 answers
     * @param consecutiveFailures failures in a row, up to now
     * @param ejected whether outlier detection has ejected it
     * @param ejectionRemaining time left of the ejection (zero when not ejected)
     * @param timesEjected recent ejections, which lengthen the next one
     * @param weight configured weight
     * @param effectiveWeight weight after slow start
     * @param certificate the leaf certificate the backend presented on the latest TLS handshake, or null (plain
     *     {@code http}, or no connection made yet)
     */
    public record BackendHealth(
            String name,
            boolean healthy,
            @Nullable Instant lastCheck,
            @Nullable String lastCheckProblem,
            boolean available,
            boolean draining,
            CircuitState circuit,
            int inFlight,
            int maxConnections,
            Duration latency,
            double successRate,
            int consecutiveFailures,
            boolean ejected,
            Duration ejectionRemaining,
            int timesEjected,
            int weight,
            double effectiveWeight,
            @Nullable CertificateInfo certificate) {}

    /**
     * A certificate's identity and expiry, as of the report.
     *
     * @param name the backend's name, or the name the host's certificate was registered under
     * @param subject the subject's distinguished name (RFC 2253)
     * @param notAfter the end of its validity
     * @param daysLeft whole days from the report until {@code notAfter}; negative once expired
     */
    public record CertificateInfo(String name, String subject, Instant notAfter, long daysLeft) {
        /**
         * Checks the components.
         *
         * @param name the backend's or certificate's name
         * @param subject the subject's distinguished name
         * @param notAfter the end of its validity
         * @param daysLeft whole days left, negative once expired
         */
        public CertificateInfo {
            requireNonNull(name, "name");
            requireNonNull(subject, "subject");
            requireNonNull(notAfter, "notAfter");
        }
    }

    /**
     * Checks and copies the components.
     *
     * @param status the overall verdict
     * @param service the service name
     * @param pool the pool's name
     * @param timestamp when the report was made
     * @param panic whether the pool is in panic mode
     * @param backends one entry per backend
     * @param certificates the host's own certificates
     * @param servers a federation's servers, or empty
     */
    public HealthReport {
        requireNonNull(status, "status");
        requireNonNull(service, "service");
        requireNonNull(pool, "pool");
        requireNonNull(timestamp, "timestamp");
        backends = List.copyOf(backends);
        certificates = List.copyOf(certificates);
        servers = List.copyOf(servers);
    }

    /** {@return the HTTP status the health endpoint answers with: 200, or 503 when {@link Status#UNHEALTHY}} */
    public int httpStatus() {
        return status == Status.UNHEALTHY ? 503 : 200;
    }

    /** {@return the report as the JSON document the health endpoint serves} */
    public String toJson() {
        StringBuilder sb = new StringBuilder(256 + 320 * backends.size());
        sb.append("{\"status\":\"").append(status.label()).append("\",\"service\":");
        JsonRpcErrors.quote(sb, service).append(",\"pool\":");
        JsonRpcErrors.quote(sb, pool)
                .append(",\"timestamp\":\"")
                .append(timestamp)
                .append("\",\"panic\":")
                .append(panic)
                .append(",\"backends\":[");
        for (int i = 0; i < backends.size(); i++) {
            BackendHealth b = backends.get(i);
            sb.append(i > 0 ? ",{\"name\":" : "{\"name\":");
            JsonRpcErrors.quote(sb, b.name())
                    .append(",\"healthy\":")
                    .append(b.healthy())
                    .append(",\"lastCheck\":");
            if (b.lastCheck() == null) {
                sb.append("null");
            } else {
                sb.append('"').append(b.lastCheck()).append('"');
            }
            sb.append(",\"lastCheckProblem\":");
            if (b.lastCheckProblem() == null) {
                sb.append("null");
            } else {
                JsonRpcErrors.quote(sb, b.lastCheckProblem());
            }
            sb.append(",\"available\":")
                    .append(b.available())
                    .append(",\"draining\":")
                    .append(b.draining())
                    .append(",\"circuit\":\"")
                    .append(b.circuit().name().toLowerCase(Locale.ROOT))
                    .append('"')
                    .append(",\"inFlight\":")
                    .append(b.inFlight())
                    .append(",\"maxConnections\":")
                    .append(b.maxConnections())
                    .append(",\"latencyMs\":")
                    .append(round(b.latency().toNanos() / 1e6))
                    .append(",\"successRate\":")
                    .append(round(b.successRate()))
                    .append(",\"consecutiveFailures\":")
                    .append(b.consecutiveFailures())
                    .append(",\"ejected\":")
                    .append(b.ejected())
                    .append(",\"ejectionRemainingMs\":")
                    .append(b.ejectionRemaining().toMillis())
                    .append(",\"timesEjected\":")
                    .append(b.timesEjected())
                    .append(",\"weight\":")
                    .append(b.weight())
                    .append(",\"effectiveWeight\":")
                    .append(round(b.effectiveWeight()))
                    .append(",\"certificate\":");
            certificate(sb, b.certificate(), false).append('}');
        }
        sb.append("],\"certificates\":[");
        for (int i = 0; i < certificates.size(); i++) {
            certificate(sb.append(i > 0 ? "," : ""), certificates.get(i), true);
        }
        sb.append(']');
        if (!servers.isEmpty()) {
            sb.append(",\"servers\":[");
            for (int i = 0; i < servers.size(); i++) {
                ServerHealth s = servers.get(i);
                JsonRpcErrors.quote(sb.append(i > 0 ? ",{\"name\":" : "{\"name\":"), s.name())
                        .append(",\"prefix\":");
                JsonRpcErrors.quote(sb, s.prefix())
                        .append(",\"required\":")
                        .append(s.required())
                        .append(",\"status\":\"")
                        .append(s.status().label())
                        .append("\",\"panic\":")
                        .append(s.panic())
                        .append(",\"backends\":[");
                for (int j = 0; j < s.backends().size(); j++) {
                    JsonRpcErrors.quote(
                            sb.append(j > 0 ? "," : ""), s.backends().get(j));
                }
                sb.append("]}");
            }
            sb.append(']');
        }
        return sb.append('}').toString();
    }

    private static StringBuilder certificate(StringBuilder sb, @Nullable CertificateInfo c, boolean named) {
        if (c == null) {
            return sb.append("null");
        }
        sb.append('{');
        if (named) {
            JsonRpcErrors.quote(sb.append("\"name\":"), c.name()).append(',');
        }
        JsonRpcErrors.quote(sb.append("\"subject\":"), c.subject())
                .append(",\"notAfter\":\"")
                .append(c.notAfter())
                .append("\",\"daysLeft\":")
                .append(c.daysLeft());
        return sb.append('}');
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
