package io.openharbor.mcp.gateway;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The access log: one INFO line per exchange on the logger {@value #NAME}, with SLF4J 2 key-values for structured
 * back ends (logstash, JSON layouts): {@code http_method}, {@code method}, {@code tool}, {@code status},
 * {@code outcome}, {@code error_type}, {@code duration_ms}, {@code upstream_ms}, {@code attempts}, {@code server},
 * {@code backend}, {@code session}, {@code protocol}. Never arguments, results, tokens or addresses. Off unless
 * {@link Gateway.Builder#accessLog(boolean)} turns it on (and the logger is enabled at INFO).
 */
final class AccessLog implements ExchangeListener {
    /** The logger's name. */
    static final String NAME = "io.openharbor.mcp.gateway.access";

    private static final Logger log = LoggerFactory.getLogger(NAME);
    private static final AccessLog INSTANCE = new AccessLog();
    /** The factory {@link Gateway.Builder#accessLog(boolean)} adds: the one stateless listener, when INFO is on. */
    static final ExchangeListener.Factory FACTORY = request -> log.isInfoEnabled() ? INSTANCE : ExchangeListener.NONE;

    private AccessLog() {}

    @Override
    public void exchangeEnd(McpCall call, Outcome outcome) {
        String method = call.method() == null ? "-" : call.method();
        String target = call.target() == null ? "-" : call.target();
        String backend = call.backend() == null ? "-" : call.backend().name();
        String error = outcome.errorType();
        LoggingEventBuilder e = log.atInfo()
                .addKeyValue("http_method", call.httpMethod())
                .addKeyValue("method", method)
                .addKeyValue("tool", target)
                .addKeyValue("status", outcome.status())
                .addKeyValue("outcome", outcome.kind().name().toLowerCase(Locale.ROOT))
                .addKeyValue("error_type", error == null ? "-" : error)
                .addKeyValue("duration_ms", millis(outcome.durationNanos()))
                .addKeyValue("upstream_ms", millis(outcome.upstream().toNanos()))
                .addKeyValue("attempts", outcome.attempts())
                .addKeyValue("server", call.server() == null ? "-" : call.server())
                .addKeyValue("backend", backend);
        if (call.sessionHash() != null) {
            e = e.addKeyValue("session", call.sessionHash());
        }
        if (call.protocolVersion() != null) {
            e = e.addKeyValue("protocol", call.protocolVersion());
        }
        e.log(
                "{} {} {} {} {} {} ms (upstream {} ms, {} attempt(s), backend {})",
                call.httpMethod(),
                method,
                target,
                outcome.status(),
                error == null ? "ok" : error,
                millis(outcome.durationNanos()),
                millis(outcome.upstream().toNanos()),
                outcome.attempts(),
                backend);
    }

    /** Nanoseconds as milliseconds with one decimal, e.g. {@code 12.3}. */
    static String millis(long nanos) {
        long tenths = (nanos + 50_000) / 100_000;
        return (tenths / 10) + "." + (tenths % 10);
    }
}
