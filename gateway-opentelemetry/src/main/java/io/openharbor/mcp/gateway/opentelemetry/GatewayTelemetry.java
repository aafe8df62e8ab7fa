package io.openharbor.mcp.gateway.opentelemetry;

import static java.util.Objects.requireNonNull;

import io.openharbor.mcp.gateway.ExchangeListener;
import io.openharbor.mcp.gateway.GatewayRequest;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Traces (and optionally metrics) of the gateway on the OpenTelemetry MCP semantic conventions, from the host's own
 * {@link OpenTelemetry}. Add it to the gateway with {@link io.openharbor.mcp.gateway.Gateway.Builder#exchangeListener}:
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .pool(pool)
 *     .exchangeListener(GatewayTelemetry.create(openTelemetry))
 *     .build();
 * }</pre>
 *
 * <p>Each exchange is a SERVER span named {@code {mcp.method.name} {target}} ({@code tools/call add}), or the HTTP
 * method for a GET stream or a DELETE. Its parent is the message's {@code params._meta.traceparent} when it has a valid
 * one, else the request's HTTP trace context (the host's propagators read it), else the context current on the
 * request's thread when it arrived. Each upstream attempt is a CLIENT span under it, and the trace context sent
 * upstream (the propagators' headers, and {@code _meta.traceparent} overwritten in place when the message has one) is
 * that CLIENT span's, so the backend's spans are its children. A failover shows as two CLIENT spans under one SERVER
 * span. Tool arguments and results are never recorded; the session appears only as a hash.
 */
public final class GatewayTelemetry implements ExchangeListener.Factory {
    /** The instrumentation scope's name. */
    public static final String INSTRUMENTATION_NAME = "io.openharbor.mcp.gateway";

    static final List<Double> DURATION_BUCKETS =
            List.of(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0);

    static final TextMapGetter<GatewayRequest> REQUEST_HEADERS = new TextMapGetter<>() {
        @Override
        public @Nullable String get(@Nullable GatewayRequest request, String key) {
            return request == null ? null : request.header(key);
        }
    };

    final Tracer tracer;
    final TextMapPropagator propagator;
    final @Nullable DoubleHistogram serverDuration;
    final @Nullable DoubleHistogram clientDuration;

    private GatewayTelemetry(Builder b) {
        this.tracer = b.openTelemetry.getTracer(INSTRUMENTATION_NAME);
        this.propagator = b.openTelemetry.getPropagators().getTextMapPropagator();
        if (b.metrics) {
            Meter meter = b.openTelemetry.getMeter(INSTRUMENTATION_NAME);
            this.serverDuration = meter.histogramBuilder("mcp.server.operation.duration")
                    .setUnit("s")
                    .setDescription("Duration of the MCP request or notification as observed on the receiver")
                    .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
                    .build();
            this.clientDuration = meter.histogramBuilder("mcp.client.operation.duration")
                    .setUnit("s")
                    .setDescription("Duration of the MCP request or notification as observed on the sender")
                    .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
                    .build();
        } else {
            this.serverDuration = null;
            this.clientDuration = null;
        }
    }

    /**
     * Traces only, with the host's tracer provider and propagators.
     *
     * @param openTelemetry the host's
     * @return the factory to add to the gateway
     */
    public static GatewayTelemetry create(OpenTelemetry openTelemetry) {
        return builder(openTelemetry).build();
    }

    /**
     * A builder, for metrics as well.
     *
     * @param openTelemetry the host's
     * @return the builder
     */
    public static Builder builder(OpenTelemetry openTelemetry) {
        return new Builder(openTelemetry);
    }

    @Override
    public ExchangeListener create(GatewayRequest request) {
        return new TracedExchange(this, request, Context.current());
    }

    /** Configures a {@link GatewayTelemetry}. */
    public static final class Builder {
        private final OpenTelemetry openTelemetry;
        private boolean metrics;

        private Builder(OpenTelemetry openTelemetry) {
            this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
        }

        /**
         * Whether to record {@code mcp.server.operation.duration} and {@code mcp.client.operation.duration} with the
         * host's meter provider as well (default false: a host on Micrometer uses {@code gateway-micrometer}).
         *
         * @param enabled whether to record them
         * @return this builder
         */
        public Builder metrics(boolean enabled) {
            this.metrics = enabled;
            return this;
        }

        /** {@return the factory} */
        public GatewayTelemetry build() {
            return new GatewayTelemetry(this);
        }
    }
}
