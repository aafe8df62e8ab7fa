package io.openharbor.mcp.gateway;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * The backend transport: how a request leaves the gateway and its answer comes back. This is the seam between the
 * request path, which decides what to send where, and the HTTP client that sends it. The request path sees only these
 * types; {@link OkHttpTransport}, the one implementation, is the only class in core that imports OkHttp (request
 * building, execution, failure classification, timeouts, attempt tracking, certificate capture). A response body is an
 * okio {@link BufferedSource}, okio being the byte-buffer library the relay copies with; a transport built on another
 * client would hand its {@code InputStream} over through {@code Okio.buffer(Okio.source(in))}.
 *
 * <p>Threads: {@link Attempt#execute()} runs the exchange on the calling thread (the request's); {@link Attempt#cancel()}
 * may be called from any thread (a heartbeat that found the client gone, a drain, a close).
 */
interface Transport extends AutoCloseable {
    /** The way to one backend, with its own connections; {@code certificates} watches its TLS handshakes (or null). */
    Route route(Backend backend, @Nullable CertificateWatch certificates);

    /** Hands {@code action} the early answer of every attempt in flight that carries one (the heartbeat sweep). */
    void forEachEarlyAnswer(Consumer<EarlyAnswer> action);

    /** Cancels every attempt in flight and drops every connection. */
    @Override
    void close();

    /** The way to one backend. */
    interface Route {
        /** An attempt to send {@code request} within the whole-request limit; nothing is sent before execute. */
        Attempt attempt(Outbound request);

        /** Sends a health probe and reads its answer whole (small bodies), all within {@code timeout}. */
        Inbound probe(Outbound request, Duration timeout) throws IOException;

        /** Drops the idle connections to the backend: it showed a sign of being gone. */
        void dropIdleConnections();

        /** Cancels the attempts in flight to the backend (it left the pool) and drops its connections. */
        void cancelAll();

        /** The backend's certificate watch (https backends), or null. */
        @Nullable
        CertificateWatch certificates();

        /** Connections to the backend that carry an exchange now (idle pooled ones are not counted). */
        int connectionsInUse();
    }

    /** One attempt of one request on one backend. */
    interface Attempt {
        /**
         * Sends the request and returns once the response headers are in.
         *
         * @throws AttemptFailure how far it got and why it failed
         */
        Inbound execute() throws AttemptFailure;

        /** Cancels the attempt from any thread: a blocked {@link #execute()} or body read fails at once. */
        void cancel();
    }

    /** A backend's answer: status, headers and a body read as it arrives. Closing it releases the connection. */
    interface Inbound extends Closeable {
        int code();

        int headerCount();

        String headerName(int index);

        String headerValue(int index);

        /** The last value of a header, or null. */
        @Nullable
        String header(String name);

        List<String> headers(String name);

        /** The declared body length, or -1. */
        long contentLength();

        /** Whether the body is {@code text/event-stream}. */
        boolean eventStream();

        /** Whether the body is JSON ({@code application/json} or another {@code +json}/{@code json} type). */
        boolean json();

        BufferedSource body();

        /**
         * The answer is a stream: the whole-request limit no longer applies (a long tool call may stream progress for
         * longer); each read of the body waits at most {@code idleMillis} (0: no limit).
         */
        void streaming(long idleMillis);

        @Override
        void close();
    }

    /** A health probe's answer, its body read whole (probes are small), closed if that fails. */
    static Inbound readWhole(Inbound answer) throws IOException {
        try {
            answer.body().request(Long.MAX_VALUE);
        } catch (IOException | RuntimeException e) {
            answer.close();
            throw e;
        }
        return answer;
    }
}
