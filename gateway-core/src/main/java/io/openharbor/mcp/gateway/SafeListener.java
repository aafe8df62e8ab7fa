package io.openharbor.mcp.gateway;

import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a user listener so that a throwing callback is logged and ignored. Callbacks run on the thread that made the
 * event (see {@link GatewayListener}), never under a lock of the gateway's.
 */
final class SafeListener extends GatewayListener {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);

    private final GatewayListener delegate;

    SafeListener(GatewayListener delegate) {
        this.delegate = delegate;
    }

    @Override
    public void requestStart(GatewayRequest request) {
        try {
            delegate.requestStart(request);
        } catch (RuntimeException e) {
            log.warn("GatewayListener.requestStart threw; ignored", e);
        }
    }

    @Override
    public void backendSelected(GatewayRequest request, Backend backend, int attempt) {
        try {
            delegate.backendSelected(request, backend, attempt);
        } catch (RuntimeException e) {
            log.warn("GatewayListener.backendSelected threw; ignored", e);
        }
    }

    @Override
    public void requestEnd(GatewayRequest request, int status, Duration elapsed, @Nullable Throwable failure) {
        try {
            delegate.requestEnd(request, status, elapsed, failure);
        } catch (RuntimeException e) {
            log.warn("GatewayListener.requestEnd threw; ignored", e);
        }
    }

    @Override
    public void retry(GatewayRequest request, Backend failed, int nextAttempt, Throwable cause) {
        guard("retry", () -> delegate.retry(request, failed, nextAttempt, cause));
    }

    @Override
    public void rejected(GatewayRequest request, Rejection reason) {
        guard("rejected", () -> delegate.rejected(request, reason));
    }

    @Override
    public void circuitStateChanged(Backend backend, CircuitState state) {
        guard("circuitStateChanged", () -> delegate.circuitStateChanged(backend, state));
    }

    @Override
    public void backendEjected(Backend backend, Duration duration, int timesEjected) {
        guard("backendEjected", () -> delegate.backendEjected(backend, duration, timesEjected));
    }

    @Override
    public void backendRestored(Backend backend) {
        guard("backendRestored", () -> delegate.backendRestored(backend));
    }

    @Override
    public void healthChanged(Backend backend, boolean healthy, @Nullable String reason) {
        guard("healthChanged", () -> delegate.healthChanged(backend, healthy, reason));
    }

    @Override
    public void panicModeChanged(String poolName, boolean panic, int available, int total) {
        guard("panicModeChanged", () -> delegate.panicModeChanged(poolName, panic, available, total));
    }

    @Override
    public void certificateExpiring(HealthReport.CertificateInfo certificate, @Nullable Backend backend) {
        guard("certificateExpiring", () -> delegate.certificateExpiring(certificate, backend));
    }

    @Override
    public void catalogRefreshed(String server, String list, int entries) {
        guard("catalogRefreshed", () -> delegate.catalogRefreshed(server, list, entries));
    }

    @Override
    public void federatedServerChanged(String server, boolean inView, @Nullable String reason) {
        guard("federatedServerChanged", () -> delegate.federatedServerChanged(server, inView, reason));
    }

    /** Runs one of the rarer callbacks (their lambda allocation does not matter), logging what it throws. */
    private static void guard(String callback, Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("GatewayListener.{} threw; ignored", callback, e);
        }
    }
}
