package io.openharbor.mcp.gateway.micrometer;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.CircuitState;
import io.openharbor.mcp.gateway.ExchangeListener;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.GatewayListener;
import io.openharbor.mcp.gateway.GatewayRequest;
import io.openharbor.mcp.gateway.McpCall;
import io.openharbor.mcp.gateway.Outcome;
import io.openharbor.mcp.gateway.UpstreamAttempt;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's meters in a Micrometer {@link MeterRegistry}:
 *
 * <pre>{@code
 * GatewayMeters meters = GatewayMeters.create(registry);
 * Gateway gateway = meters.addTo(Gateway.builder().pool(pool)).build();
 * meters.bindTo(gateway); // the gauges
 * }</pre>
 *
 * <ul>
 *   <li>{@code mcp.server.operation.duration}: a timer per JSON-RPC message the gateway served, tagged
 *       {@code mcp.method.name}, {@code gen_ai.tool.name}, {@code error.type}, {@code mcp.protocol.version} and
 *       {@code openharbor.mcp.server};
 *   <li>{@code mcp.client.operation.duration}: a timer per upstream attempt, with the same tags and
 *       {@code openharbor.mcp.backend};
 *   <li>counters {@code mcp.gateway.rejections} ({@code reason}), {@code mcp.gateway.retries},
 *       {@code mcp.gateway.ejections} and {@code mcp.gateway.circuit.transitions} ({@code state}), per backend;
 *   <li>gauges {@code mcp.gateway.exchanges.active}, {@code mcp.gateway.streams.active}, and per backend
 *       {@code mcp.gateway.backend.in_flight}, {@code .available}, {@code .healthy}, {@code .circuit.state}, and
 *       {@code mcp.gateway.certificate.expiry} (seconds left) per watched certificate.
 * </ul>
 *
 * <p>Tag values are of bounded variety whatever clients send: a method outside the MCP specification and a tool name
 * no backend listed are {@code _OTHER}; server and backend names come from the configuration; a tag without a value is
 * {@code none}. No session id, request id, URI, client address or key name is ever a tag.
 */
public final class GatewayMeters implements ExchangeListener.Factory {
    static final String NONE = "none";
    static final String SERVER = "openharbor.mcp.server";
    static final String BACKEND = "openharbor.mcp.backend";

    /** The semantic conventions' bucket boundaries for the two duration timers (0.01 s to 300 s). */
    private static final Duration[] BUCKETS = buckets(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300);

    final MeterRegistry registry;
    final String prefix;
    private final String serverDuration;
    private final String clientDuration;
    private final boolean histogram;
    final AtomicInteger activeExchanges = new AtomicInteger();
    final AtomicInteger activeStreams = new AtomicInteger();
    private final GatewayListener listener = new PoolEvents();

    private GatewayMeters(Builder b) {
        this.registry = b.registry;
        this.prefix = b.prefix;
        this.serverDuration = b.serverDuration;
        this.clientDuration = b.clientDuration;
        this.histogram = b.histogram;
        Gauge.builder(prefix + ".exchanges.active", activeExchanges, AtomicInteger::get)
                .description("Exchanges the gateway is serving, streams included")
                .strongReference(true)
                .register(registry);
        Gauge.builder(prefix + ".streams.active", activeStreams, AtomicInteger::get)
                .description("GET streams the gateway is relaying")
                .strongReference(true)
                .register(registry);
    }

    /**
     * The meters with the default names, in {@code registry}.
     *
     * @param registry where they go
     * @return the meters
     */
    public static GatewayMeters create(MeterRegistry registry) {
        return builder(registry).build();
    }

    /**
     * A builder, to rename the meters.
     *
     * @param registry where they go
     * @return the builder
     */
    public static Builder builder(MeterRegistry registry) {
        return new Builder(registry);
    }

    /**
     * Adds this factory and {@link #listener()} to a gateway builder.
     *
     * @param builder the gateway's builder
     * @return {@code builder}
     */
    public Gateway.Builder addTo(Gateway.Builder builder) {
        return builder.exchangeListener(this).listener(listener);
    }

    /** {@return the listener of pool events (retries, rejections, ejections, circuit transitions)} */
    public GatewayListener listener() {
        return listener;
    }

    /**
     * Registers the gauges of a built gateway's backends and certificates. They read its health report (made at most
     * once a second, by the registry's clock); backends added later get their gauges at the next such report.
     *
     * @param gateway the gateway
     */
    public void bindTo(Gateway gateway) {
        requireNonNull(gateway, "gateway");
        bindTo(() -> gateway);
    }

    /**
     * As {@link #bindTo(Gateway)}, for a gateway that is replaced while it runs (a {@code ReloadingGateway} is such a
     * supplier): the gauges read whichever gateway it supplies at the time. Bind once per registry.
     *
     * @param gateway supplies the current gateway
     */
    public void bindTo(Supplier<Gateway> gateway) {
        new BackendGauges(this, requireNonNull(gateway, "gateway")).register();
    }

    @Override
    public ExchangeListener create(GatewayRequest request) {
        boolean stream = request.httpMethod().equals("GET");
        activeExchanges.incrementAndGet();
        if (stream) {
            activeStreams.incrementAndGet();
        }
        return new ExchangeListener() {
            @Override
            public void attemptEnd(McpCall call, UpstreamAttempt attempt, Outcome outcome) {
                if (attempt.method() == null) {
                    return; // a GET stream's or DELETE's attempt: no JSON-RPC message
                }
                Tags tags = Tags.of(
                        "mcp.method.name",
                        value(attempt.metricMethod()),
                        "gen_ai.tool.name",
                        value("tools/call".equals(attempt.method()) ? attempt.metricTarget() : null),
                        "error.type",
                        value(outcome.errorType()),
                        "mcp.protocol.version",
                        value(call.metricProtocolVersion()),
                        SERVER,
                        attempt.server(),
                        BACKEND,
                        attempt.backend().name());
                timer(clientDuration, "Duration of an upstream MCP request or notification", tags)
                        .record(outcome.durationNanos(), TimeUnit.NANOSECONDS);
            }

            @Override
            public void exchangeEnd(McpCall call, Outcome outcome) {
                activeExchanges.decrementAndGet();
                if (stream) {
                    activeStreams.decrementAndGet();
                }
                if (call.method() == null) {
                    return;
                }
                Tags tags = Tags.of(
                        "mcp.method.name",
                        value(call.metricMethod()),
                        "gen_ai.tool.name",
                        value("tools/call".equals(call.method()) ? call.metricTarget() : null),
                        "error.type",
                        value(outcome.errorType()),
                        "mcp.protocol.version",
                        value(call.metricProtocolVersion()),
                        SERVER,
                        value(call.server()));
                timer(serverDuration, "Duration of an MCP request or notification the gateway served", tags)
                        .record(outcome.durationNanos(), TimeUnit.NANOSECONDS);
            }
        };
    }

    private Timer timer(String name, String description, Tags tags) {
        Timer.Builder b = Timer.builder(name).description(description).tags(tags);
        if (histogram) {
            b = b.serviceLevelObjectives(BUCKETS);
        }
        return b.register(registry);
    }

    private static Duration[] buckets(double... seconds) {
        Duration[] d = new Duration[seconds.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
        }
        return d;
    }

    static String value(@Nullable String v) {
        return v == null ? NONE : v;
    }

    /** The counters of pool events. */
    private final class PoolEvents extends GatewayListener {
        @Override
        public void rejected(GatewayRequest request, Rejection reason) {
            Counter.builder(prefix + ".rejections")
                    .description("Requests (or further attempts) the gateway refused, by reason")
                    .tag("reason", reason.name().toLowerCase(Locale.ROOT))
                    .register(registry)
                    .increment();
        }

        @Override
        public void retry(GatewayRequest request, Backend failed, int nextAttempt, Throwable cause) {
            Counter.builder(prefix + ".retries")
                    .description("Requests sent to another backend after a failed attempt, by the failed backend")
                    .tag(BACKEND, failed.name())
                    .register(registry)
                    .increment();
        }

        @Override
        public void backendEjected(Backend backend, Duration duration, int timesEjected) {
            Counter.builder(prefix + ".ejections")
                    .description("Backends ejected by outlier detection")
                    .tag(BACKEND, backend.name())
                    .register(registry)
                    .increment();
        }

        @Override
        public void circuitStateChanged(Backend backend, CircuitState state) {
            Counter.builder(prefix + ".circuit.transitions")
                    .description("Circuit breaker transitions, by the state entered")
                    .tag(BACKEND, backend.name())
                    .tag("state", state.name().toLowerCase(Locale.ROOT))
                    .register(registry)
                    .increment();
        }
    }

    /** Configures {@link GatewayMeters}. */
    public static final class Builder {
        private final MeterRegistry registry;
        private String prefix = "mcp.gateway";
        private String serverDuration = "mcp.server.operation.duration";
        private String clientDuration = "mcp.client.operation.duration";
        private boolean histogram = true;

        private Builder(MeterRegistry registry) {
            this.registry = requireNonNull(registry, "registry");
        }

        /**
         * The prefix of the counters and gauges (default {@code mcp.gateway}).
         *
         * @param prefix a meter-name prefix
         * @return this builder
         */
        public Builder prefix(String prefix) {
            this.prefix = requireName(prefix, "prefix");
            return this;
        }

        /**
         * The name of the per-message timer (default {@code mcp.server.operation.duration}).
         *
         * @param name a meter name
         * @return this builder
         */
        public Builder serverDurationName(String name) {
            this.serverDuration = requireName(name, "name");
            return this;
        }

        /**
         * The name of the per-attempt timer (default {@code mcp.client.operation.duration}).
         *
         * @param name a meter name
         * @return this builder
         */
        public Builder clientDurationName(String name) {
            this.clientDuration = requireName(name, "name");
            return this;
        }

        /**
         * Whether the timers publish the semantic conventions' buckets (0.01 s to 300 s; default true).
         *
         * @param enabled whether to
         * @return this builder
         */
        public Builder histogram(boolean enabled) {
            this.histogram = enabled;
            return this;
        }

        /** {@return the meters, with their gauges of active exchanges registered} */
        public GatewayMeters build() {
            return new GatewayMeters(this);
        }

        private static String requireName(String name, String what) {
            requireNonNull(name, what);
            if (name.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return name;
        }
    }
}
