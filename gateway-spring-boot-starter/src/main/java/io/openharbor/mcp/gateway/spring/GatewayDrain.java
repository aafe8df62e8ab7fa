package io.openharbor.mcp.gateway.spring;

import io.openharbor.mcp.gateway.Gateway;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Shutdown: the gateway ends its GET streams (they carry no request; clients open the next one elsewhere), lets the
 * requests in flight, streamed answers included, run to their end within the drain timeout, then closes (what is left
 * is cancelled). It stops in the phase of the web server's graceful shutdown, so both run together: the server takes
 * no new connections while the gateway finishes what it has.
 */
final class GatewayDrain implements SmartLifecycle {
    /** The phase of Boot's {@code WebServerGracefulShutdownLifecycle}. */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    private final Gateway gateway;
    private final Duration timeout;
    private volatile boolean running;

    GatewayDrain(Gateway gateway, Duration timeout) {
        this.gateway = gateway;
        this.timeout = timeout;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        gateway.closeWhenIdle(timeout).join();
        running = false;
    }

    @Override
    public void stop(Runnable callback) {
        var unused = gateway.closeWhenIdle(timeout).whenComplete((ignored, failure) -> {
            running = false;
            callback.run();
        });
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
