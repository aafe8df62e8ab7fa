package io.openharbor.mcp.gateway.opentelemetry;

import io.openharbor.mcp.gateway.ExchangeListener;
import io.openharbor.mcp.gateway.GatewayRequest;
import io.openharbor.mcp.gateway.McpCall;
import io.openharbor.mcp.gateway.Outcome;
import io.openharbor.mcp.gateway.UpstreamAttempt;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.net.URI;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The spans of one exchange: its SERVER span, made at its first attempt or its end (whichever comes first, started at
 * the request's arrival), and a CLIENT span per attempt. A federation's fan-out reports attempts from several threads.
 */
final class TracedExchange implements ExchangeListener {
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("mcp.method.name");
    static final AttributeKey<String> TOOL = AttributeKey.stringKey("gen_ai.tool.name");
    static final AttributeKey<String> PROMPT = AttributeKey.stringKey("gen_ai.prompt.name");
    static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("jsonrpc.request.id");
    static final AttributeKey<String> PROTOCOL_VERSION = AttributeKey.stringKey("mcp.protocol.version");
    static final AttributeKey<String> SESSION = AttributeKey.stringKey("mcp.session.id");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<String> RPC_STATUS = AttributeKey.stringKey("rpc.response.status_code");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> NETWORK_PROTOCOL = AttributeKey.stringKey("network.protocol.name");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> GATEWAY_SERVER = AttributeKey.stringKey("openharbor.mcp.server");
    static final AttributeKey<String> GATEWAY_BACKEND = AttributeKey.stringKey("openharbor.mcp.backend");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("openharbor.mcp.attempt");

    private static final TextMapSetter<UpstreamHeaders> UPSTREAM = (headers, name, value) -> {
        if (headers != null) {
            headers.set(name, value);
        }
    };
    private static final TextMapGetter<Map<String, String>> META = new TextMapGetter<>() {
        @Override
        public @Nullable String get(@Nullable Map<String, String> meta, String key) {
            return meta == null ? null : meta.get(key);
        }
    };

    private final GatewayTelemetry telemetry;
    private final GatewayRequest request;
    private final Context current;
    private final long startEpochNanos;
    private final Map<UpstreamAttempt, Span> attempts = new ConcurrentHashMap<>();
    private @Nullable Span server;
    private @Nullable Context serverContext;

    TracedExchange(GatewayTelemetry telemetry, GatewayRequest request, Context current) {
        this.telemetry = telemetry;
        this.request = request;
        this.current = current;
        Instant now = Instant.now();
        this.startEpochNanos = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    }

    @Override
    public void attemptStart(McpCall call, UpstreamAttempt attempt, UpstreamHeaders headers) {
        Context parent = serverContext(call);
        AttributesBuilder a = Attributes.builder()
                .put(GATEWAY_SERVER, attempt.server())
                .put(GATEWAY_BACKEND, attempt.backend().name())
                .put(ATTEMPT, (long) attempt.number())
                .put(NETWORK_PROTOCOL, "http");
        named(a, attempt.method(), attempt.target());
        URI url = attempt.backend().url();
        if (url.getHost() != null) {
            a.put(SERVER_ADDRESS, url.getHost());
            a.put(SERVER_PORT, (long)
                    (url.getPort() >= 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80));
        }
        Span span = telemetry
                .tracer
                .spanBuilder(spanName(attempt.method(), attempt.target(), call.httpMethod()))
                .setParent(parent)
                .setSpanKind(SpanKind.CLIENT)
                .setAllAttributes(a.build())
                .startSpan();
        attempts.put(attempt, span);
        telemetry.propagator.inject(parent.with(span), headers, UPSTREAM);
    }

    @Override
    public void attemptEnd(McpCall call, UpstreamAttempt attempt, Outcome outcome) {
        Span span = attempts.remove(attempt);
        if (span != null) {
            ended(span, outcome);
            span.end();
        }
        DoubleHistogram h = telemetry.clientDuration;
        if (h != null) {
            AttributesBuilder a = Attributes.builder()
                    .put(GATEWAY_SERVER, attempt.server())
                    .put(GATEWAY_BACKEND, attempt.backend().name());
            bounded(a, attempt.metricMethod(), "tools/call".equals(attempt.method()) ? attempt.metricTarget() : null);
            putIfPresent(a, PROTOCOL_VERSION, call.metricProtocolVersion());
            putIfPresent(a, ERROR_TYPE, outcome.errorType());
            h.record(outcome.durationNanos() / 1e9, a.build());
        }
    }

    @Override
    public void exchangeEnd(McpCall call, Outcome outcome) {
        serverContext(call);
        Span span = server;
        if (span != null) {
            putIfPresent(span, SESSION, call.sessionHash());
            putIfPresent(span, GATEWAY_SERVER, call.server());
            if (call.backend() != null) {
                span.setAttribute(GATEWAY_BACKEND, call.backend().name());
            }
            ended(span, outcome);
            span.end();
        }
        DoubleHistogram h = telemetry.serverDuration;
        if (h != null && call.method() != null) {
            AttributesBuilder a = Attributes.builder();
            bounded(a, call.metricMethod(), "tools/call".equals(call.method()) ? call.metricTarget() : null);
            putIfPresent(a, PROTOCOL_VERSION, call.metricProtocolVersion());
            putIfPresent(a, ERROR_TYPE, outcome.errorType());
            putIfPresent(a, GATEWAY_SERVER, call.server());
            h.record(outcome.durationNanos() / 1e9, a.build());
        }
    }

    /** The SERVER span's context, made now if it is not yet. */
    private synchronized Context serverContext(McpCall call) {
        Context made = serverContext;
        if (made != null) {
            return made;
        }
        Context parent = parent(call);
        AttributesBuilder a =
                Attributes.builder().put(HTTP_METHOD, call.httpMethod()).put(NETWORK_PROTOCOL, "http");
        named(a, call.method(), call.target());
        String id = call.requestId();
        if (id != null) {
            a.put(REQUEST_ID, id.length() >= 2 && id.charAt(0) == '"' ? id.substring(1, id.length() - 1) : id);
        }
        putIfPresent(a, PROTOCOL_VERSION, call.protocolVersion());
        putIfPresent(a, SESSION, call.sessionHash());
        Span span = telemetry
                .tracer
                .spanBuilder(spanName(call.method(), call.target(), call.httpMethod()))
                .setParent(parent)
                .setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
                .setAllAttributes(a.build())
                .startSpan();
        server = span;
        made = parent.with(span);
        serverContext = made;
        return made;
    }

    /** The message's {@code _meta} trace context, else the request's HTTP one, else the context current on arrival. */
    private Context parent(McpCall call) {
        String traceparent = call.traceparent();
        if (traceparent != null) {
            Map<String, String> meta = new HashMap<>(2);
            meta.put("traceparent", traceparent);
            if (call.tracestate() != null) {
                meta.put("tracestate", call.tracestate());
            }
            Context fromMeta = W3CTraceContextPropagator.getInstance().extract(current, meta, META);
            SpanContext sc = Span.fromContext(fromMeta).getSpanContext();
            if (sc.isValid() && sc.isRemote()) {
                return fromMeta;
            }
        }
        return telemetry.propagator.extract(current, request, GatewayTelemetry.REQUEST_HEADERS);
    }

    private static String spanName(@Nullable String method, @Nullable String target, String httpMethod) {
        if (method == null) {
            return httpMethod;
        }
        return target == null ? method : method + " " + target;
    }

    /** The method and its target's attribute (the tool or the prompt). */
    private static void named(AttributesBuilder a, @Nullable String method, @Nullable String target) {
        if (method == null) {
            return;
        }
        a.put(METHOD, method);
        if (target != null && method.equals("tools/call")) {
            a.put(TOOL, target);
            a.put(OPERATION, "execute_tool");
        } else if (target != null && method.equals("prompts/get")) {
            a.put(PROMPT, target);
        }
    }

    private static void bounded(AttributesBuilder a, @Nullable String method, @Nullable String tool) {
        putIfPresent(a, METHOD, method);
        putIfPresent(a, TOOL, tool);
    }

    private static void ended(Span span, Outcome outcome) {
        if (outcome.status() > 0) {
            span.setAttribute(HTTP_STATUS, (long) outcome.status());
        }
        if (outcome.rpcErrorCode() != null) {
            span.setAttribute(RPC_STATUS, String.valueOf(outcome.rpcErrorCode()));
        }
        String error = outcome.errorType();
        if (error != null) {
            span.setAttribute(ERROR_TYPE, error);
            span.setStatus(StatusCode.ERROR, error);
        }
    }

    private static void putIfPresent(AttributesBuilder a, AttributeKey<String> key, @Nullable String value) {
        if (value != null) {
            a.put(key, value);
        }
    }

    private static void putIfPresent(Span span, AttributeKey<String> key, @Nullable String value) {
        if (value != null) {
            span.setAttribute(key, value);
        }
    }
}
