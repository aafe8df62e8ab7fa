package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's transport: plain-HTTP/1.1 backends go through {@link Http1Transport}, {@code https} and HTTP/2 ones
 * through {@link OkHttpTransport}. The system property {@value #PROPERTY} ({@code http1}, the default, or
 * {@code okhttp}) sends plain backends through OkHttp as well, for comparison.
 */
final class Transports implements Transport {
    static final String PROPERTY = "io.openharbor.mcp.gateway.transport";

    private final @Nullable Http1Transport http1;
    private final OkHttpTransport okhttp;

    Transports(@Nullable Http1Transport http1, OkHttpTransport okhttp) {
        this.http1 = http1;
        this.okhttp = okhttp;
    }

    /** Whether plain backends use the HTTP/1.1 transport (the property is read when a gateway is built). */
    static boolean http1ForPlainBackends() {
        return !"okhttp".equalsIgnoreCase(System.getProperty(PROPERTY, "http1"));
    }

    @Override
    public Route route(Backend backend, @Nullable CertificateWatch certificates) {
        Route route = http1 != null && Http1Transport.serves(backend)
                ? http1.route(backend, certificates)
                : okhttp.route(backend, certificates);
        return backend.headerPairs.length == 0 && !backend.forwardsClientCredentials() && backend.credentials() == null
                ? route
                : new BackendHeaders(route, backend);
    }

    /** A route that sends its backend's configured headers and own credentials (or, if it takes them, the client's). */
    private static final class BackendHeaders implements Route {
        private final Route route;
        private final Backend backend;

        BackendHeaders(Route route, Backend backend) {
            this.route = route;
            this.backend = backend;
        }

        @Override
        public Attempt attempt(Outbound request) {
            return route.attempt(request.forBackend(backend));
        }

        @Override
        public Inbound probe(Outbound request, Duration timeout) throws IOException {
            return route.probe(request.forBackend(backend), timeout);
        }

        @Override
        public void dropIdleConnections() {
            route.dropIdleConnections();
        }

        @Override
        public void cancelAll() {
            route.cancelAll();
        }

        @Override
        public @Nullable CertificateWatch certificates() {
            return route.certificates();
        }

        @Override
        public int connectionsInUse() {
            return route.connectionsInUse();
        }
    }

    @Override
    public void forEachEarlyAnswer(Consumer<EarlyAnswer> action) {
        if (http1 != null) {
            http1.forEachEarlyAnswer(action);
        }
        okhttp.forEachEarlyAnswer(action);
    }

    @Override
    public void close() {
        if (http1 != null) {
            http1.close();
        }
        okhttp.close();
    }
}
