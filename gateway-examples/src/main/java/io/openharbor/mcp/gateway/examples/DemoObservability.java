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

/**
 * What the demo observes its gateway with: Micrometer meters in a Prometheus registry (served at {@code /metrics}),
 * OpenTelemetry spans printed by the SDK's logging exporter, and the access log. A host does the same with its own
 * registry and {@code OpenTelemetry}.
 */
final class DemoObservability implements AutoCloseable {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final GatewayMeters meters = GatewayMeters.create(registry);
    private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(LoggingSpanExporter.create()))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();

    /** Adds the meters, the spans and the access log to a gateway's builder. */
    Gateway.Builder instrument(Gateway.Builder builder) {
        return meters.addTo(builder)
                .exchangeListener(GatewayTelemetry.create(otel))
                .accessLog(true);
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
        otel.close();
        registry.close();
    }
}
