package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;

/**
 * Why an attempt failed before its response headers arrived, and how far it got: what the retry rules decide on. Made
 * by the transport, which alone can see the connection; its cause is the failure as the client reported it (or, for a
 * reset during a TLS handshake, an {@code SSLHandshakeException} saying so).
 */
final class AttemptFailure extends IOException {
    private static final long serialVersionUID = 1L;

    enum Kind {
        /** Refused, reset, closed or unreachable. */
        CONNECTION,
        /** A connect, write or read timeout, or the whole-request limit. */
        TIMEOUT,
        /** The TLS handshake failed. */
        TLS_HANDSHAKE,
        /** The backend's certificate did not verify (chain, name or pin). */
        TLS_VERIFICATION,
        /** The attempt was cancelled (client gone, drain, close). */
        CANCELLED
    }

    final Kind kind;
    /** The pooled connection had been closed by the backend before anything was written: provably unsent. */
    final boolean staleConnection;
    /** Whether any byte of the request may have been written. */
    final boolean requestSent;
    /** Whether the backend had begun its response. */
    final boolean responseStarted;

    AttemptFailure(
            IOException cause, Kind kind, boolean staleConnection, boolean requestSent, boolean responseStarted) {
        super(cause.toString(), cause);
        this.kind = kind;
        this.staleConnection = staleConnection;
        this.requestSent = requestSent;
        this.responseStarted = responseStarted;
    }

    /** Whether a client library's exception is a timeout (the JDK's, or okio's {@code "timeout"}). */
    static boolean isTimeout(IOException e) {
        return e instanceof java.net.SocketTimeoutException
                || (e instanceof java.io.InterruptedIOException && "timeout".equals(e.getMessage()));
    }

    /** Nothing of the request reached the backend: another backend may take it, whatever its method. */
    boolean nothingSent() {
        return !requestSent || staleConnection;
    }

    boolean tls() {
        return kind == Kind.TLS_HANDSHAKE || kind == Kind.TLS_VERIFICATION;
    }

    /** The failure as the client reported it. */
    IOException failure() {
        return (IOException) requireNonNull(getCause(), "always made with a cause");
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this; // a carrier: the cause has the stack
    }
}
