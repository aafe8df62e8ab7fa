package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks: one timer thread the gateway owns schedules a check per backend (first at start, then every
 * interval ± jitter); checks themselves run on the gateway's executor, so a slow backend delays nobody else's check.
 * Verdicts go to {@link PoolRuntime#healthChanged} with the thresholds of the pool's {@link HealthCheckPolicy}.
 */
final class HealthChecker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);
    static final String PROBE_PROTOCOL_VERSION = "2025-06-18";
    /** The revision without sessions, probed with {@link #DISCOVER} when a server refuses {@code initialize}. */
    static final String STATELESS_PROTOCOL_VERSION = "2026-07-28";

    static final String DISCOVER = "server/discover";
    private static final String INITIALIZE_REFUSED = "initialize refused: ";

    private final PoolRuntime pool;
    private final HealthCheckPolicy policy;
    private final Clock clock;
    private final RandomGenerator random;
    private final Executor executor;
    private @Nullable ScheduledExecutorService timer;
    private volatile boolean closed;

    HealthChecker(PoolRuntime pool, HealthCheckPolicy policy, Clock clock, RandomGenerator random, Executor executor) {
        this.pool = pool;
        this.policy = policy;
        this.clock = clock;
        this.random = random;
        this.executor = executor;
    }

    /** A backend joined the pool: checked at once, then on the schedule. */
    void joined(BackendRuntime br) {
        if (timer != null) {
            schedule(br, 0);
        }
    }

    /** Starts the schedule: a first check of every backend now. */
    void start() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "mcp-gateway-health-" + pool.pool().name());
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        timer = t;
        for (BackendRuntime br : pool.members().list) {
            schedule(br, 0);
        }
    }

    private void schedule(BackendRuntime br, long delayNanos) {
        if (closed || br.removed) {
            return;
        }
        try {
            // The future is not kept: close() shuts the timer down, and a check's failures are its own verdict.
            @SuppressWarnings("FutureReturnValueIgnored")
            Object unused = requireNonNull(timer, "scheduled only once started")
                    .schedule(
                            () -> executor.execute(() -> {
                                check(br);
                                schedule(br, nextDelayNanos());
                            }),
                            delayNanos,
                            TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // closing
        }
    }

    long nextDelayNanos() {
        double stretch = 1 + policy.jitter() * (2 * random.nextDouble() - 1);
        return (long) (policy.interval().toNanos() * stretch);
    }

    /** Checks every backend now, on the calling thread. */
    void checkAll() {
        for (BackendRuntime br : pool.members().list) {
            check(br);
        }
    }

    /** Runs one check of {@code br} and applies the verdict. */
    void check(BackendRuntime br) {
        if (closed || br.removed) {
            return;
        }
        @Nullable String problem;
        try {
            problem = policy.mode() == HealthCheckPolicy.Mode.HTTP ? httpCheck(br) : mcpCheck(br);
        } catch (IOException | RuntimeException e) {
            problem = e.toString();
        }
        record(br, problem);
        pool.dispatch(); // healthChanged, queued under our lock
    }

    private synchronized void record(BackendRuntime br, @Nullable String problem) {
        boolean first = !br.checked;
        br.checked = true;
        br.lastCheck = clock.instant();
        br.lastCheckProblem = problem;
        if (problem == null) {
            br.checkPasses++;
            br.checkFailures = 0;
            if (!br.healthy && (first || br.checkPasses >= policy.healthyThreshold())) {
                pool.healthChanged(br, true, null);
            }
        } else {
            br.checkFailures++;
            br.checkPasses = 0;
            log.debug("health check of {} failed: {}", br.backend.name(), problem);
            if (br.healthy && (first || br.checkFailures >= policy.unhealthyThreshold())) {
                pool.healthChanged(br, false, problem);
            }
        }
    }

    /** GET of the health path on the backend's origin: any 2xx is up. Returns the problem, or null. */
    private @Nullable String httpCheck(BackendRuntime br) throws IOException {
        Outbound get = new Outbound("GET", null, br.backend.healthCheckPath(), null, null, 0);
        Transport.Inbound r;
        try {
            r = br.route.probe(get, policy.timeout());
        } catch (IllegalArgumentException e) {
            return "health check path " + br.backend.healthCheckPath() + " does not resolve";
        }
        try (r) {
            if (r.code() >= 200 && r.code() < 300) {
                return null;
            }
            String problem = "GET " + br.backend.healthCheckPath() + " answered " + r.code();
            return r.code() == 404
                    ? problem + " (no health endpoint there: set the backend's health check path"
                            + " (HealthCheckPath in a configuration file, Backend.Builder.healthCheckPath in code), or probe"
                            + " with MCP (HealthCheck:Mode McpPing, HealthCheckPolicy.Mode.MCP_PING))"
                    : problem;
        }
    }

    /**
     * The MCP probe. A server that speaks 2025 revisions gets initialize, notifications/initialized, ping or
     * tools/list, DELETE. One that refuses {@code initialize} (a 2026-07-28 server has no sessions and answers 400) is
     * probed the stateless way: {@code server/discover} (and {@code tools/list} for that mode) with the
     * {@code MCP-Protocol-Version} and {@code Mcp-Method} headers, and is probed that way first from then on. Returns
     * the problem, or null.
     */
    private @Nullable String mcpCheck(BackendRuntime br) throws IOException {
        if (br.statelessProbe) {
            String problem = statelessCheck(br);
            if (problem == null) {
                return null;
            }
            br.statelessProbe = false; // it may have been replaced by a 2025 server: try the handshake again
            String handshake = sessionCheck(br);
            if (handshake != null) {
                br.statelessProbe = true;
                return problem;
            }
            return null;
        }
        String problem = sessionCheck(br);
        if (problem == null || !problem.startsWith(INITIALIZE_REFUSED)) {
            return problem;
        }
        String stateless = statelessCheck(br);
        if (stateless == null) {
            br.statelessProbe = true;
            log.debug(
                    "backend {} refuses initialize and answers {}: probed as a {} server from now on",
                    br.backend.name(),
                    DISCOVER,
                    STATELESS_PROTOCOL_VERSION);
            return null;
        }
        return problem + "; " + stateless;
    }

    /** server/discover, then tools/list in that mode, as a 2026-07-28 client sends them. */
    private @Nullable String statelessCheck(BackendRuntime br) throws IOException {
        String[] methods = policy.mode() == HealthCheckPolicy.Mode.MCP_TOOLS_LIST
                ? new String[] {DISCOVER, "tools/list"}
                : new String[] {DISCOVER};
        for (int i = 0; i < methods.length; i++) {
            String json = "{\"jsonrpc\":\"2.0\",\"id\":" + (i + 1) + ",\"method\":\"" + methods[i] + "\"}";
            Outbound request = post(json, null, STATELESS_PROTOCOL_VERSION).header("Mcp-Method", methods[i]);
            try (Transport.Inbound r = br.route.probe(request, policy.timeout())) {
                ProbeAnswer a = ProbeAnswer.of(r, i + 1);
                if (a.problem != null) {
                    return methods[i] + ": " + a.problem;
                }
            }
        }
        return null;
    }

    /** initialize, notifications/initialized, ping or tools/list, DELETE. Returns the problem, or null. */
    private @Nullable String sessionCheck(BackendRuntime br) throws IOException {
        String init = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
                + PROBE_PROTOCOL_VERSION + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"openharbor-mcp-gateway"
                + "-health\",\"version\":\"1\"}}}";
        String session;
        String version;
        try (Transport.Inbound r = br.route.probe(post(init, null, null), policy.timeout())) {
            ProbeAnswer a = ProbeAnswer.of(r, 1);
            if (a.problem != null) {
                return ((r.code() >= 400 && r.code() < 500) || a.problem.startsWith("JSON-RPC error")
                                ? INITIALIZE_REFUSED
                                : "initialize: ")
                        + a.problem;
            }
            session = r.header("Mcp-Session-Id");
            version = a.protocolVersion != null ? a.protocolVersion : PROBE_PROTOCOL_VERSION;
        }
        try {
            try (Transport.Inbound r = br.route.probe(
                    post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", session, version),
                    policy.timeout())) {
                if (r.code() < 200 || r.code() >= 300) {
                    return "notifications/initialized answered " + r.code();
                }
            }
            String method = policy.mode() == HealthCheckPolicy.Mode.MCP_TOOLS_LIST ? "tools/list" : "ping";
            try (Transport.Inbound r = br.route.probe(
                    post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"" + method + "\"}", session, version),
                    policy.timeout())) {
                ProbeAnswer a = ProbeAnswer.of(r, 2);
                return a.problem == null ? null : method + ": " + a.problem;
            }
        } finally {
            if (session != null) {
                Outbound delete = new Outbound("DELETE", null, null, null, null, 2)
                        .header("Mcp-Session-Id", session)
                        .header("MCP-Protocol-Version", version);
                try {
                    br.route
                            .probe(delete, policy.timeout())
                            .close(); // any answer will do: a server may refuse with 405
                } catch (IOException e) {
                    log.debug("health probe could not end its session on {}: {}", br.backend.name(), e.toString());
                }
            }
        }
    }

    private static Outbound post(String json, @Nullable String session, @Nullable String version) {
        Outbound out = new Outbound("POST", null, null, json.getBytes(StandardCharsets.UTF_8), null, 5)
                .header("Accept", "application/json, text/event-stream")
                .header("Content-Type", "application/json");
        if (session != null) out.header("Mcp-Session-Id", session);
        if (version != null) out.header("MCP-Protocol-Version", version);
        return out;
    }

    @Override
    public void close() {
        closed = true;
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** What a probe learned from one JSON-RPC answer (JSON or the first matching SSE event). */
    static final class ProbeAnswer {
        final @Nullable String problem;
        final @Nullable String protocolVersion;

        private ProbeAnswer(@Nullable String problem, @Nullable String protocolVersion) {
            this.problem = problem;
            this.protocolVersion = protocolVersion;
        }

        static ProbeAnswer of(Transport.Inbound r, int id) throws IOException {
            if (r.code() < 200 || r.code() >= 300) {
                return new ProbeAnswer("HTTP " + r.code(), null);
            }
            String body = r.body().readUtf8();
            if (r.eventStream()) {
                for (String event : body.split("\r?\n\r?\n", -1)) {
                    StringBuilder data = new StringBuilder();
                    for (String line : event.split("\r?\n", -1)) {
                        if (line.startsWith("data:")) {
                            data.append(line.substring(line.startsWith("data: ") ? 6 : 5))
                                    .append('\n');
                        }
                    }
                    if (data.length() > 0) {
                        ProbeAnswer a = parse(data.toString(), id);
                        if (a != null) return a;
                    }
                }
                return new ProbeAnswer("no answer with id " + id + " in the event stream", null);
            }
            ProbeAnswer a = parse(body, id);
            return a != null ? a : new ProbeAnswer("no answer with id " + id, null);
        }

        /** The verdict on one JSON-RPC message, or null when it is not the answer to {@code id}. */
        static @Nullable ProbeAnswer parse(String json, int id) throws IOException {
            boolean idMatches = false;
            boolean hasResult = false;
            String error = null;
            String version = null;
            try (JsonParser p = McpPeek.Limits.DEFAULT.factory.createParser(json)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return new ProbeAnswer("answer is not a JSON object", null);
                }
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken t = p.nextToken();
                    if (field.equals("id")) {
                        idMatches = t == JsonToken.VALUE_NUMBER_INT && p.getIntValue() == id;
                    } else if (field.equals("error")) {
                        error = "JSON-RPC error " + readError(p, t);
                    } else if (field.equals("result") && t == JsonToken.START_OBJECT) {
                        hasResult = true;
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            JsonToken v = p.nextToken();
                            if (name.equals("protocolVersion") && v == JsonToken.VALUE_STRING) {
                                version = p.getText();
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return new ProbeAnswer("malformed JSON answer: " + e.getOriginalMessage(), null);
            }
            if (!idMatches) {
                return null;
            }
            if (error != null) {
                return new ProbeAnswer(error, null);
            }
            return hasResult ? new ProbeAnswer(null, version) : new ProbeAnswer("answer has no result", null);
        }

        private static String readError(JsonParser p, JsonToken t) throws IOException {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                return "(malformed)";
            }
            String code = "?";
            String message = "";
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("code")) {
                    code = p.getText();
                } else if (name.equals("message")) {
                    message = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            return code + " " + message;
        }
    }
}
