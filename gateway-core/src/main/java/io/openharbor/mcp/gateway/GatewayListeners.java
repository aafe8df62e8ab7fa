package io.openharbor.mcp.gateway;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Several listeners as one, each called in turn (each already a {@link SafeListener}). */
final class GatewayListeners extends GatewayListener {
    private final GatewayListener[] all;

    private GatewayListeners(List<GatewayListener> all) {
        this.all = all.toArray(new GatewayListener[0]);
    }

    /** The listeners as one: {@link GatewayListener#NONE} for none, each guarded by a {@link SafeListener}. */
    static GatewayListener of(List<GatewayListener> listeners) {
        if (listeners.isEmpty()) return GatewayListener.NONE;
        if (listeners.size() == 1) return new SafeListener(listeners.get(0));
        return new GatewayListeners(listeners.stream()
                .map(l -> (GatewayListener) new SafeListener(l))
                .toList());
    }

    @Override
    public void requestStart(GatewayRequest request) {
        for (GatewayListener l : all) l.requestStart(request);
    }

    @Override
    public void backendSelected(GatewayRequest request, Backend backend, int attempt) {
        for (GatewayListener l : all) l.backendSelected(request, backend, attempt);
    }

    @Override
    public void requestEnd(GatewayRequest request, int status, Duration elapsed, @Nullable Throwable failure) {
        for (GatewayListener l : all) l.requestEnd(request, status, elapsed, failure);
    }

    @Override
    public void retry(GatewayRequest request, Backend failed, int nextAttempt, Throwable cause) {
        for (GatewayListener l : all) l.retry(request, failed, nextAttempt, cause);
    }

    @Override
    public void rejected(GatewayRequest request, Rejection reason) {
        for (GatewayListener l : all) l.rejected(request, reason);
    }

    @Override
    public void circuitStateChanged(Backend backend, CircuitState state) {
        for (GatewayListener l : all) l.circuitStateChanged(backend, state);
    }

    @Override
    public void backendEjected(Backend backend, Duration duration, int timesEjected) {
        for (GatewayListener l : all) l.backendEjected(backend, duration, timesEjected);
    }

    @Override
    public void backendRestored(Backend backend) {
        for (GatewayListener l : all) l.backendRestored(backend);
    }

    @Override
    public void healthChanged(Backend backend, boolean healthy, @Nullable String reason) {
        for (GatewayListener l : all) l.healthChanged(backend, healthy, reason);
    }

    @Override
    public void panicModeChanged(String poolName, boolean panic, int available, int total) {
        for (GatewayListener l : all) l.panicModeChanged(poolName, panic, available, total);
    }

    @Override
    public void certificateExpiring(HealthReport.CertificateInfo certificate, @Nullable Backend backend) {
        for (GatewayListener l : all) l.certificateExpiring(certificate, backend);
    }

    @Override
    public void catalogRefreshed(String server, String list, int entries) {
        for (GatewayListener l : all) l.catalogRefreshed(server, list, entries);
    }

    @Override
    public void federatedServerChanged(String server, boolean inView, @Nullable String reason) {
        for (GatewayListener l : all) l.federatedServerChanged(server, inView, reason);
    }
}
