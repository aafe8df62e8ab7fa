package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.SocketFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.Dispatcher;
import okhttp3.EventListener;
import okhttp3.Handshake;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.TlsVersion;
import okio.AsyncTimeout;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * The {@link Transport} on OkHttp: one client for the gateway (its dispatcher tracks the calls in flight, on the
 * request threads: calls are executed, never enqueued) and, derived from it, one per backend with a connection pool of
 * its own (so a dead backend's idle connections can be dropped at once) and the backend's TLS. Plain HTTP/1.1
 * connections use {@link ChannelSockets}, whose pooled connections can be checked for a close by the backend without
 * blocking before a request is written to them.
 */
final class OkHttpTransport implements Transport {
    private final OkHttpClient client;
    private final long requestTimeoutMillis;
    private final long keepAliveMillis;

    OkHttpTransport(
            ExecutorService executor,
            Duration connectTimeout,
            Duration responseTimeout,
            long requestTimeoutMillis,
            long keepAliveMillis) {
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.keepAliveMillis = keepAliveMillis;
        this.client = new OkHttpClient.Builder()
                .dispatcher(new Dispatcher(executor))
                // no connection pool here: each backend's client gets one of its own (route)
                .socketFactory(ChannelSockets.INSTANCE)
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .followSslRedirects(false)
                .connectTimeout(connectTimeout)
                .readTimeout(responseTimeout)
                .writeTimeout(responseTimeout)
                .callTimeout(Duration.ZERO)
                .eventListenerFactory(Tracker.FACTORY)
                .build();
    }

    @Override
    public Route route(Backend backend, @Nullable CertificateWatch certificates) {
        OkHttpClient.Builder own = client.newBuilder()
                .connectionPool(new ConnectionPool(backend.maxConnections(), keepAliveMillis, TimeUnit.MILLISECONDS));
        if (backend.h2cPriorKnowledge()) {
            own.protocols(List.of(Protocol.H2_PRIOR_KNOWLEDGE));
        } else if ("https".equalsIgnoreCase(backend.url().getScheme())) {
            // TLS keeps the JDK's own sockets: their records must not be read by the stale-connection check, and the
            // handshake needs the socket read timeout that ChannelSocket leaves to okio (which does not watch
            // handshakes).
            own.socketFactory(SocketFactory.getDefault());
            TlsPolicy tls = backend.tlsPolicy();
            if (tls != TlsPolicy.system()) {
                List<TlsVersion> versions = new ArrayList<>();
                for (String p : tls.protocols()) {
                    versions.add(TlsVersion.forJavaName(p));
                }
                ConnectionSpec spec = new ConnectionSpec.Builder(ConnectionSpec.MODERN_TLS)
                        .tlsVersions(versions.toArray(new TlsVersion[0]))
                        .build();
                own.sslSocketFactory(tls.socketFactory(), tls.trustManager()).connectionSpecs(List.of(spec));
                tls.hostnameVerifier().ifPresent(own::hostnameVerifier);
            }
        }
        return new OkRoute(own.build(), HttpUrl.get(backend.url().toString()), certificates, requestTimeoutMillis);
    }

    @Override
    public void forEachEarlyAnswer(Consumer<EarlyAnswer> action) {
        for (Call call : client.dispatcher().runningCalls()) {
            EarlyAnswer early = call.request().tag(EarlyAnswer.class);
            if (early != null) {
                action.accept(early);
            }
        }
    }

    @Override
    public void close() {
        client.dispatcher().cancelAll();
    }

    private static final class OkRoute implements Route {
        private final OkHttpClient client;
        private final HttpUrl url;
        private final @Nullable CertificateWatch certificates;
        private final long requestTimeoutMillis;

        OkRoute(OkHttpClient client, HttpUrl url, @Nullable CertificateWatch certificates, long requestTimeoutMillis) {
            this.client = client;
            this.url = url;
            this.certificates = certificates;
            this.requestTimeoutMillis = requestTimeoutMillis;
        }

        @Override
        public Attempt attempt(Outbound request) {
            Tracker tracker = new Tracker(certificates);
            Call call = client.newCall(request(request, tracker));
            // The whole-request limit: lifted by Inbound.streaming when the answer turns out to be a stream.
            call.timeout().timeout(requestTimeoutMillis, TimeUnit.MILLISECONDS);
            return new OkAttempt(call, tracker);
        }

        @Override
        public Inbound probe(Outbound request, Duration timeout) throws IOException {
            Call call = client.newCall(request(request, new Tracker(certificates)));
            call.timeout().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Transport.readWhole(new OkInbound(call, call.execute())); // whole, within the timeout
        }

        private Request request(Outbound out, Tracker tracker) {
            Headers.Builder headers = new Headers.Builder();
            for (int i = 0, n = out.headerCount(); i < n; i++) {
                headers.addUnsafeNonAscii(out.headerName(i), out.headerValue(i));
            }
            HttpUrl target = out.path != null ? url.resolve(out.path) : url;
            if (target == null) {
                throw new IllegalArgumentException("path " + out.path + " does not resolve against " + url);
            }
            if (out.query != null && !out.query.isEmpty()) {
                String existing = target.encodedQuery();
                target = target.newBuilder()
                        .encodedQuery(existing == null ? out.query : existing + "&" + out.query)
                        .build();
            }
            Request.Builder rb = new Request.Builder()
                    .url(target)
                    .headers(headers.build())
                    .tag(Tracker.class, tracker)
                    .tag(OkRoute.class, this);
            switch (out.method) {
                case "POST" ->
                    rb.post(RequestBody.create(
                            requireNonNull(out.body, "a POST has a body"), (MediaType) null, 0, out.body.length));
                case "DELETE" -> rb.delete(null);
                default -> rb.get();
            }
            if (out.early != null) {
                rb.tag(EarlyAnswer.class, out.early); // how the heartbeat sweep finds an exchange still waiting
            }
            return rb.build();
        }

        @Override
        public void dropIdleConnections() {
            client.connectionPool().evictAll();
        }

        @Override
        public int connectionsInUse() {
            ConnectionPool pool = client.connectionPool();
            return pool.connectionCount() - pool.idleConnectionCount();
        }

        @Override
        public void cancelAll() {
            for (Call call : client.dispatcher().runningCalls()) {
                if (call.request().tag(OkRoute.class) == this) {
                    call.cancel();
                }
            }
            client.connectionPool().evictAll();
        }

        @Override
        public @Nullable CertificateWatch certificates() {
            return certificates;
        }
    }

    private static final class OkAttempt implements Attempt {
        private final Call call;
        private final Tracker tracker;

        OkAttempt(Call call, Tracker tracker) {
            this.call = call;
            this.tracker = tracker;
        }

        @Override
        public Inbound execute() throws AttemptFailure {
            try {
                return new OkInbound(call, call.execute());
            } catch (IOException thrown) {
                throw classify(thrown, tracker);
            }
        }

        @Override
        public void cancel() {
            call.cancel();
        }
    }

    /** What the failure of a call was, from the exception and what the tracker saw of the connection. */
    static AttemptFailure classify(IOException thrown, Tracker tracker) {
        IOException e = thrown;
        if (tracker.inHandshake && !(e instanceof SSLException)) {
            // A reset or broken pipe during the handshake (a server refusing our client certificate over TLS 1.2
            // closes the connection): a TLS failure, reported as one.
            e = new SSLHandshakeException("TLS handshake with the backend failed: " + thrown);
            e.initCause(thrown);
        }
        AttemptFailure.Kind kind;
        if (e instanceof SSLException) {
            kind = e instanceof SSLPeerUnverifiedException || hasCause(e, CertificateException.class)
                    ? AttemptFailure.Kind.TLS_VERIFICATION
                    : AttemptFailure.Kind.TLS_HANDSHAKE;
        } else if (AttemptFailure.isTimeout(e)) {
            kind = AttemptFailure.Kind.TIMEOUT;
        } else {
            kind = AttemptFailure.Kind.CONNECTION;
        }
        return new AttemptFailure(e, kind, tracker.staleConnection, tracker.requestSent, tracker.responseStarted);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static final class OkInbound implements Inbound {
        private final Call call;
        private final Response response;
        private final MediaType type;

        OkInbound(Call call, Response response) {
            this.call = call;
            this.response = response;
            this.type = response.body().contentType();
        }

        @Override
        public int code() {
            return response.code();
        }

        @Override
        public int headerCount() {
            return response.headers().size();
        }

        @Override
        public String headerName(int index) {
            return response.headers().name(index);
        }

        @Override
        public String headerValue(int index) {
            return response.headers().value(index);
        }

        @Override
        public String header(String name) {
            return response.header(name);
        }

        @Override
        public List<String> headers(String name) {
            return response.headers(name);
        }

        @Override
        public long contentLength() {
            return response.body().contentLength();
        }

        @Override
        public boolean eventStream() {
            return type != null && type.type().equals("text") && type.subtype().equals("event-stream");
        }

        @Override
        public boolean json() {
            return type != null && type.subtype().equals("json");
        }

        @Override
        public BufferedSource body() {
            return response.body().source();
        }

        @Override
        public void streaming(long idleMillis) {
            if (call.timeout() instanceof AsyncTimeout) {
                ((AsyncTimeout) call.timeout()).exit();
            }
            body().timeout().timeout(idleMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            response.close();
        }
    }

    /**
     * Watches one call, to answer the question retries depend on: could any byte of the request have reached the
     * backend? Before {@code requestHeadersStart} nothing was written to the socket, so another backend may take the
     * request whatever its method. It also tells the backend's certificate watch about every handshake.
     */
    static final class Tracker extends EventListener {
        static final EventListener.Factory FACTORY = call -> {
            Tracker t = call.request().tag(Tracker.class);
            return t != null ? t : EventListener.NONE;
        };

        private final @Nullable CertificateWatch certificates;
        volatile boolean requestSent;
        volatile boolean responseStarted;
        /** Between the start and the end of a TLS handshake: a failure then is the handshake's. */
        volatile boolean inHandshake;
        /** This attempt opened a new connection (a new one is never stale). */
        private volatile boolean connected;
        /** The pooled connection handed to this attempt had been closed by its backend; nothing was sent. */
        volatile boolean staleConnection;
        /** A handshake ended without a cleaned chain: the leaf is read from the connection's session. */
        private boolean rawPending;

        Tracker(@Nullable CertificateWatch certificates) {
            this.certificates = certificates;
        }

        @Override
        public void secureConnectStart(Call call) {
            inHandshake = true;
        }

        @Override
        public void secureConnectEnd(Call call, Handshake handshake) {
            inHandshake = false;
            if (certificates == null || handshake == null) {
                return;
            }
            List<Certificate> peer = handshake.peerCertificates();
            if (!peer.isEmpty()) {
                certificates.presented(peer.get(0));
            } else {
                // OkHttp's handshake lists only a chain it could clean up to a trusted root: none for a pinned
                // self-signed certificate with validation off. The connection's own TLS session still has it.
                rawPending = true;
            }
        }

        @Override
        public void connectStart(Call call, InetSocketAddress inetSocketAddress, Proxy proxy) {
            connected = true;
        }

        /**
         * A pooled HTTP/1.1 connection is checked before the request is written to it: if its backend has already
         * closed it, it is closed here and the attempt fails as {@link #staleConnection}, provably before any byte was
         * sent.
         */
        @Override
        public void connectionAcquired(Call call, Connection connection) {
            if (rawPending) {
                rawPending = false;
                if (connection.socket() instanceof SSLSocket) {
                    try {
                        Certificate[] chain =
                                ((SSLSocket) connection.socket()).getSession().getPeerCertificates();
                        if (chain.length > 0 && certificates != null) {
                            certificates.presented(chain[0]);
                        }
                    } catch (SSLPeerUnverifiedException e) {
                        // no certificate at all: nothing to report
                    }
                }
            }
            if (!connected
                    && connection.protocol() == Protocol.HTTP_1_1
                    && ChannelSockets.peerClosed(connection.socket())) {
                staleConnection = true;
                try {
                    connection.socket().close();
                } catch (IOException ignored) {
                    // closing a dead connection
                }
            }
        }

        @Override
        public void requestHeadersStart(Call call) {
            requestSent = true;
        }

        @Override
        public void responseHeadersStart(Call call) {
            responseStarted = true;
        }
    }
}
