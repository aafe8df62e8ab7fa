package io.openharbor.mcp.gateway.examples;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.micrometer.GatewayMeters;
import io.openharbor.mcp.gateway.opentelemetry.GatewayTelemetry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.logging.LoggingSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the demo observes its gateway with: Micrometer meters in a Prometheus registry (served at {@code /metrics}),
 * and, for the demo's own servers, OpenTelemetry spans printed by the SDK's logging exporter and the access log. A
 * gateway run from a configuration file (a service) gets the meters only: its access log is its
 * {@code Gateway:AccessLog} setting, and a span per message on standard output is a demo's, not a service's. A host
 * does the same with its own registry and {@code OpenTelemetry}.
 */
final class DemoObservability implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final GatewayMeters meters = GatewayMeters.create(registry);
    private final @Nullable OpenTelemetrySdk otel;

    /** Meters, spans and the access log: the demo's. */
    DemoObservability() {
        this(true);
    }

    /** Meters, and spans with the access log when {@code printed}. */
    DemoObservability(boolean printed) {
        this.otel = printed
                ? OpenTelemetrySdk.builder()
                        .setTracerProvider(SdkTracerProvider.builder()
                                .addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create()))
                                .build())
                        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
                        .build()
                : null;
    }

    /** Adds the meters (and the spans and the access log, when printed) to a gateway's builder. */
    Gateway.Builder instrument(Gateway.Builder builder) {
        meters.addTo(builder);
        if (otel != null) {
            builder.exchangeListener(GatewayTelemetry.create(otel)).accessLog(true);
        }
        return builder;
    }

    /** {@return whether spans and the access log are printed} */
    boolean printed() {
        return otel != null;
    }

    /** The gauges of the gateway(s) {@code gateway} supplies. */
    void bind(Supplier<Gateway> gateway) {
        meters.bindTo(gateway);
    }

    /** {@return the metrics in the Prometheus text format, for {@code GET /metrics}} */
    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (otel != null) otel.close();
        registry.close();
    }
}
