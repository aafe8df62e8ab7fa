package io.openharbor.mcp.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of a federation to one of its servers whose answer the gateway reads rather than relays (initialize, list
 * pages, fanned-out notifications, DELETE): it goes through that server's {@link Forwarder} (its balancer, retries,
 * session pinning, breaker) into a {@link BufferedExchange}, and the JSON-RPC answer is taken from a JSON body or from
 * the events of a stream (notifications before the answer are dropped). Cancellable from another thread, which is how
 * a fan-out's deadline ends the calls still running.
 */
final class UpstreamCall {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);
    private static final JsonFactory JSON = new JsonFactory();

    /** What came back: the HTTP status, the JSON-RPC answer (or null), the replica and the session id it gave. */
    record Reply(
            int status,
            @Nullable String message,
            @Nullable BackendRuntime backend,
            @Nullable String sessionId,
            @Nullable String problem) {
        /** Whether a JSON-RPC answer came back (a result or an error). */
        boolean answered() {
            return message != null;
        }
    }

    /**
     * Lets another thread end a call: the attempt in flight, and any attempt started after. The reason is how the
     * attempt's outcome is reported: a fan-out's deadline ({@code TIMEOUT}), a merged stream whose client left
     * ({@code CLIENT_GONE}) or that the gateway ended ({@code GATEWAY_CLOSED}), never as the backend's failure.
     */
    static final class Cancellation {
        private volatile Transport.@Nullable Attempt current;
        private volatile Outcome.@Nullable Kind reason;

        void attempt(Transport.Attempt attempt) {
            current = attempt;
            if (reason != null) {
                attempt.cancel();
            }
        }

        void cancel(Outcome.Kind why) {
            reason = why;
            Transport.Attempt a = current;
            if (a != null) {
                a.cancel();
            }
        }

        /** {@return why the call was cancelled, or null while it is not} */
        Outcome.@Nullable Kind reason() {
            return reason;
        }
    }

    private UpstreamCall() {}

    /**
     * Makes the call.
     *
     * @param client the client's request (its headers, caller and address are the call's)
     * @param chain the server's stages
     * @param part the server's part of the client's session, or null before there is one
     * @param token the client's session token, or null
     * @param method POST or DELETE
     * @param body the JSON-RPC message to send (POST), or null
     * @param overrides headers in place of the client's, or null
     * @param maxBytes the largest answer read
     * @param cancellation how a deadline ends the call
     */
    static Reply call(
            RequestState client,
            ServerChain chain,
            SessionTokens.@Nullable Part part,
            @Nullable String token,
            String method,
            byte @Nullable [] body,
            String @Nullable [] overrides,
            int maxBytes,
            RandomGenerator random,
            Cancellation cancellation) {
        BufferedExchange ex = new BufferedExchange(client.ex, method, maxBytes);
        RequestState sub = subRequest(client, ex, chain, part, token, overrides, cancellation, random);
        if (sub == null) {
            return new Reply(404, null, null, null, "the session's replica has left the pool");
        }
        if (body != null) {
            sub.peek = McpPeek.of(body, body.length);
        }
        boolean retrySafe = body == null || (sub.peek != null && sub.peek.allReadOnly);
        try {
            chain.forwarder.forward(sub, body, retrySafe);
        } catch (IOException | RuntimeException e) {
            return new Reply(ex.status(), null, sub.answeredBy, sub.answeredSession, e.toString());
        }
        int status = ex.status();
        byte[] answer = ex.body();
        String message = null;
        String problem = null;
        if (status == 200 && answer.length > 0) {
            message = ex.eventStream() ? answerInStream(answer) : new String(answer, StandardCharsets.UTF_8);
            if (message == null) {
                problem = "the stream ended without an answer";
            }
        } else if (status >= 400) {
            problem = "HTTP " + status;
            if (answer.length > 0 && answer.length < 4096) {
                String text = new String(answer, StandardCharsets.UTF_8);
                // the gateway's own error (503, 404, ...) or the server's: a JSON-RPC error says why
                message = isAnswer(text) ? text : null;
            }
        }
        if (problem != null) {
            log.debug("server {}: {} {} answered {}", chain.pool.name(), method, sub.rpcMethod(), problem);
        }
        return new Reply(status, message, sub.answeredBy, sub.answeredSession, problem);
    }

    /**
     * A request of the gateway's own to one server on the client's behalf: the client's caller and address, the
     * headers in place of the client's ({@link #standardHeaders}), cancellable, and pinned to the replica that holds
     * the server's part of the session when there is one.
     *
     * @return the request, or null when that replica has left the pool
     */
    static @Nullable RequestState subRequest(
            RequestState client,
            BufferedExchange ex,
            ServerChain chain,
            SessionTokens.@Nullable Part part,
            @Nullable String token,
            String @Nullable [] overrides,
            Cancellation cancellation,
            RandomGenerator random) {
        RequestState sub = new RequestState(ex, client.client, chain.runtime, random);
        sub.caller = client.caller;
        sub.events = client.events; // its attempts are the client's exchange's
        sub.serverKnown = true;
        sub.headerOverrides = standardHeaders(ex.method(), overrides);
        sub.cancellation = cancellation;
        if (part != null && !part.backend().isEmpty()) {
            BackendRuntime br = chain.runtime.members().byName.get(part.backend());
            if (br == null) {
                return null;
            }
            sub.pinned = br;
            sub.upstreamSession = part.upstreamSessionId();
            sub.clientToken = token == null ? "" : token;
        }
        return sub;
    }

    /**
     * The headers of a fan-out call in place of the client's: what a POST of JSON needs (the client's request may be a
     * GET or a DELETE), no {@code Last-Event-ID} (the client's names the federated stream), then {@code overrides}.
     */
    static String[] standardHeaders(String method, String @Nullable [] overrides) {
        List<String> h = new ArrayList<>(8);
        if (method.equals("POST")) {
            h.addAll(List.of("accept", "application/json, text/event-stream", "content-type", "application/json"));
        }
        h.addAll(List.of("last-event-id", ""));
        if (overrides != null) {
            h.addAll(List.of(overrides));
        }
        return h.toArray(new String[0]);
    }

    /** The last JSON-RPC answer among the events of a stream, or null. */
    static @Nullable String answerInStream(byte[] stream) {
        String text = new String(stream, StandardCharsets.UTF_8);
        String found = null;
        StringBuilder data = new StringBuilder();
        for (String line : text.split("\r\n|\r|\n", -1)) {
            if (line.isEmpty()) {
                if (data.length() > 0 && isAnswer(data.toString())) {
                    found = data.toString();
                }
                data.setLength(0);
            } else if (line.startsWith("data:")) {
                if (data.length() > 0) data.append('\n');
                data.append(line, line.startsWith("data: ") ? 6 : 5, line.length());
            }
        }
        if (data.length() > 0 && isAnswer(data.toString())) {
            found = data.toString();
        }
        return found;
    }

    /** Whether a message is a JSON-RPC answer: an object with {@code result} or {@code error} and no {@code method}. */
    static boolean isAnswer(String json) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            boolean answer = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (name.equals("method")) {
                    return false;
                }
                if (name.equals("result") || name.equals("error")) {
                    answer = true;
                }
                p.nextToken();
                p.skipChildren();
            }
            return answer;
        } catch (IOException e) {
            return false;
        }
    }
}
