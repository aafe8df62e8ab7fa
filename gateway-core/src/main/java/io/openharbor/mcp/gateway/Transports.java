package io.openharbor.mcp.gateway;

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
        return http1 != null && Http1Transport.serves(backend)
                ? http1.route(backend, certificates)
                : okhttp.route(backend, certificates);
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
