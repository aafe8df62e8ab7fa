package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Transport} for plain-HTTP/1.1 backends written for proxying: what a request costs is what the exchange
 * needs. The request line, headers and body go out in one write; the response head is parsed from the connection's
 * buffer; idle connections wait in a per-backend stack (the most recently used first) and are checked without blocking
 * for a close by the backend before a request is written to them; a stale one is replaced before anything is sent, so
 * the request path never sees it. There is no interceptor chain, no route planning, no per-call event listener and no
 * timer entry per read: every timeout is a deadline in the connection, enforced by one watchdog thread per transport
 * that closes the connection of an exchange past its deadline (to within a tick of a few milliseconds).
 *
 * <p>For {@code https} backends and HTTP/2 (prior knowledge) the gateway uses {@link OkHttpTransport}; see
 * {@link Transports}. Bodies are framed by {@code Content-Length}, chunked coding or the end of the connection; a
 * response the relay did not read to its end closes its connection rather than returning it.
 */
final class Http1Transport implements Transport {
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final int BUFFER_BYTES = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final Ticker ticker;
    private final long connectTimeoutNanos;
    private final long ioTimeoutNanos;
    private final long requestTimeoutNanos;
    private final long keepAliveNanos;
    private final Set<Route1> routes = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor watchdog;
    private final ScheduledFuture<?> sweeping;
    private volatile boolean closed;

    /** {@code ticker}: the clock of every deadline (the system's, except in tests, which run {@link #sweep} too). */
    Http1Transport(
            Ticker ticker,
            Duration connectTimeout,
            Duration ioTimeout,
            long requestTimeoutMillis,
            long keepAliveMillis) {
        this.ticker = ticker;
        this.connectTimeoutNanos = connectTimeout.toNanos();
        this.ioTimeoutNanos = ioTimeout.toNanos();
        this.requestTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(requestTimeoutMillis);
        this.keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveMillis);
        this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mcp-gateway-http1-watchdog");
            t.setDaemon(true);
            return t;
        });
        long shortest = Math.min(connectTimeoutNanos, Math.min(ioTimeoutNanos, requestTimeoutNanos));
        long tick =
                Math.max(TimeUnit.MILLISECONDS.toNanos(5), Math.min(TimeUnit.MILLISECONDS.toNanos(100), shortest / 20));
        this.sweeping = Threads.every(watchdog, tick, "HTTP/1.1 deadline sweep", this::sweep);
    }

    /** Whether this transport serves the backend: plain {@code http}, HTTP/1.1. */
    static boolean serves(Backend backend) {
        return "http".equalsIgnoreCase(backend.url().getScheme()) && !backend.h2cPriorKnowledge();
    }

    @Override
    public Route route(Backend backend, @Nullable CertificateWatch certificates) {
        Route1 route = new Route1(backend.url(), backend.maxConnections());
        routes.add(route);
        return route;
    }

    @Override
    public void forEachEarlyAnswer(Consumer<EarlyAnswer> action) {
        for (Route1 route : routes) {
            for (Conn c : route.all) {
                Exchange1 x = c.current;
                if (x != null && x.out.early != null) {
                    action.accept(x.out.early);
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Route1 route : routes) {
            route.cancelAll();
        }
        sweeping.cancel(false);
        watchdog.shutdownNow();
    }

    /** Connections waiting for the backend with a deadline (tests wait for a call to be blocked). */
    int waitingWithDeadline() {
        int n = 0;
        for (Route1 route : routes) {
            for (Conn c : route.all) {
                if (c.deadline != 0) n++;
            }
        }
        return n;
    }

    /** Closes the connections of exchanges past their deadline, and idle ones kept longer than the keep-alive. */
    void sweep() {
        long now = ticker.read();
        for (Route1 route : routes) {
            for (Conn c : route.all) {
                long deadline = c.deadline;
                if (deadline != 0 && now - deadline >= 0) {
                    c.timedOut = true;
                    c.close();
                } else if (c.current == null && now - c.idleSince - keepAliveNanos >= 0 && route.idle.remove(c)) {
                    route.idleCount.decrementAndGet();
                    c.close();
                }
            }
        }
    }

    /** The way to one backend: its address, its Host header, its request target, its connections. */
    private final class Route1 implements Route {
        final String host;
        final int port;
        final String hostHeader;
        /** The backend URL's raw path (never empty) and raw query (or null). */
        final String path;

        final String query;
        final URI url;
        final int maxIdle;
        /** Idle connections, the most recently used first. */
        final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();
        /** About how many are idle (the deque's own size is a walk). */
        final AtomicInteger idleCount = new AtomicInteger();
        /** Every open connection, idle or in use (for the watchdog, early answers and cancellation). */
        final Set<Conn> all = ConcurrentHashMap.newKeySet();

        Route1(URI url, int maxIdle) {
            this.url = url;
            this.host = url.getHost();
            this.port = url.getPort() == -1 ? 80 : url.getPort();
            this.hostHeader =
                    url.getPort() == -1 || url.getPort() == 80 ? hostForHeader(host) : hostForHeader(host) + ":" + port;
            String p = url.getRawPath();
            this.path = p == null || p.isEmpty() ? "/" : p;
            this.query = url.getRawQuery();
            this.maxIdle = maxIdle;
        }

        @Override
        public int connectionsInUse() {
            int n = 0;
            for (Conn c : all) {
                if (c.current != null) n++;
            }
            return n;
        }

        @Override
        public Attempt attempt(Outbound request) {
            checkNames(request);
            return new Exchange1(this, request, target(request), requestTimeoutNanos);
        }

        long now() {
            return ticker.read();
        }

        @Override
        public Inbound probe(Outbound request, Duration timeout) throws IOException {
            checkNames(request);
            Exchange1 x = new Exchange1(this, request, target(request), timeout.toNanos());
            return Transport.readWhole(x.execute()); // whole, within the timeout
        }

        /** The request target: the backend's path (or a path resolved against it) and the joined query. */
        private String target(Outbound out) {
            String p = path;
            String q = query;
            if (out.path != null) {
                URI resolved = url.resolve(out.path);
                p = resolved.getRawPath() == null || resolved.getRawPath().isEmpty() ? "/" : resolved.getRawPath();
                q = resolved.getRawQuery();
            }
            if (out.query != null && !out.query.isEmpty()) {
                q = q == null ? out.query : q + "&" + out.query;
            }
            String target = q == null ? p : p + "?" + q;
            for (int i = 0; i < target.length(); i++) {
                char c = target.charAt(i);
                if (c <= ' ' || c >= 0x7f) {
                    throw new IllegalArgumentException("invalid character in the request target");
                }
            }
            return target;
        }

        /** An idle connection that the backend has not closed, or a new one. */
        Conn acquire(Exchange1 x) throws IOException {
            Conn c;
            while ((c = idle.pollFirst()) != null) {
                idleCount.decrementAndGet();
                if (ticker.read() - c.idleSince - keepAliveNanos >= 0 || c.peerClosed()) {
                    // Kept too long, or closed by the backend: nothing was sent on it. A closed one means the others
                    // (idle as long or longer) are suspect too: they are dropped and a new connection is opened.
                    c.close();
                    dropIdleConnections();
                    continue;
                }
                c.current = x;
                return c;
            }
            if (closed) {
                throw new IOException("the gateway is closed");
            }
            c = new Conn(this);
            c.current = x;
            all.add(c);
            try {
                c.connect(connectTimeoutNanos);
            } catch (IOException | RuntimeException e) {
                c.close();
                throw e;
            }
            return c;
        }

        void release(Conn c) {
            c.current = null;
            c.deadline = 0;
            c.idleSince = ticker.read();
            if (closed || c.closed || idleCount.get() >= maxIdle) {
                c.close();
                return;
            }
            idleCount.incrementAndGet();
            idle.offerFirst(c);
        }

        @Override
        public void dropIdleConnections() {
            Conn c;
            while ((c = idle.pollLast()) != null) {
                idleCount.decrementAndGet();
                c.close();
            }
        }

        @Override
        public void cancelAll() {
            routes.remove(this);
            for (Conn c : all) {
                Exchange1 x = c.current;
                if (x != null) {
                    x.cancel();
                }
                c.close();
            }
            idle.clear();
            idleCount.set(0);
        }

        @Override
        public @Nullable CertificateWatch certificates() {
            return null;
        }
    }

    private static String hostForHeader(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** One connection: its channel, its read buffer, and the deadline of what it is waiting for. */
    private static final class Conn {
        final Route1 route;
        final SocketChannel ch;
        ByteBuffer in = ByteBuffer.allocateDirect(BUFFER_BYTES);
        ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_BYTES);
        /** When what the connection waits for times out (System.nanoTime), or 0. */
        volatile long deadline;

        volatile boolean timedOut;
        volatile boolean closed;
        /** The exchange using it, or null while idle. */
        volatile @Nullable Exchange1 current;

        volatile long idleSince;

        Conn(Route1 route) throws IOException {
            this.route = route;
            this.ch = SocketChannel.open();
            in.flip(); // empty, ready to read from
        }

        void connect(long timeoutNanos) throws IOException {
            if (closed) {
                throw new ClosedChannelException(); // close() closed the channel
            }
            deadline = route.now() + timeoutNanos;
            try {
                ch.connect(new InetSocketAddress(route.host, route.port));
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            } finally {
                deadline = 0;
            }
        }

        /** Whether the backend has closed the idle connection (or sent bytes nobody asked for): a non-blocking read. */
        boolean peerClosed() {
            if (in.hasRemaining()) {
                return true;
            }
            try {
                synchronized (ch.blockingLock()) {
                    ch.configureBlocking(false);
                    try {
                        in.clear();
                        int n = ch.read(in);
                        in.flip();
                        return n != 0;
                    } finally {
                        ch.configureBlocking(true);
                    }
                }
            } catch (IOException | RuntimeException e) {
                return true;
            }
        }

        /** Reads more into the buffer (after what is unread); -1 at the end of the stream. */
        int fill(long timeoutNanos) throws IOException {
            in.compact();
            try {
                if (!in.hasRemaining()) { // a response head longer than the buffer
                    if (in.capacity() > MAX_HEAD_BYTES) {
                        throw new ProtocolException("response head larger than " + MAX_HEAD_BYTES + " bytes");
                    }
                    in.flip();
                    in = ByteBuffer.allocateDirect(in.capacity() * 2).put(in);
                }
                deadline = timeoutNanos == 0 ? 0 : route.now() + timeoutNanos;
                return ch.read(in);
            } catch (IOException e) {
                throw timedOut ? new SocketTimeoutException("timeout") : e;
            } finally {
                deadline = 0;
                in.flip();
            }
        }

        void write(long timeoutNanos, ByteBuffer... buffers) throws IOException {
            deadline = route.now() + timeoutNanos;
            try {
                if (buffers.length == 1) {
                    while (buffers[0].hasRemaining()) {
                        ch.write(buffers[0]);
                    }
                    return;
                }
                long left = 0;
                for (ByteBuffer b : buffers) {
                    left += b.remaining();
                }
                while (left > 0) {
                    left -= ch.write(buffers);
                }
            } catch (IOException e) {
                throw timedOut ? new SocketTimeoutException("timeout") : e;
            } finally {
                deadline = 0;
            }
        }

        void close() {
            closed = true;
            route.all.remove(this);
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    /** One attempt and, once its head is in, its answer. Used by the request's thread; cancel from any thread. */
    private final class Exchange1 implements Attempt, Inbound, Source {
        private final Route1 route;
        final Outbound out;
        private final String target;
        private final long wholeNanos;
        private long wholeDeadline;
        private volatile @Nullable Conn conn;
        private volatile boolean canceled;
        private boolean requestSent;
        private boolean responseStarted;

        private int code;
        private final List<String> headers = new ArrayList<>(16);
        private long contentLength = -1;
        private @Nullable String contentType;
        /** Bytes of the body left: for a fixed length, or of the current chunk; -1 reading until close. */
        private long remaining;

        private boolean chunked;
        /** A chunk's data has been read, its closing CRLF not yet. */
        private boolean afterChunk;

        private boolean done;
        private boolean reusable;
        private long idleNanos;
        private @Nullable BufferedSource body;
        /** The status line said HTTP/1.0: its connection is not reused. */
        private boolean statusHttp10;

        Exchange1(Route1 route, Outbound out, String target, long wholeNanos) {
            this.route = route;
            this.out = out;
            this.target = target;
            this.wholeNanos = wholeNanos;
        }

        @Override
        public Inbound execute() throws AttemptFailure {
            wholeDeadline = ticker.read() + wholeNanos;
            try {
                Conn c = route.acquire(this);
                conn = c;
                if (canceled) {
                    throw new IOException("Canceled");
                }
                ByteBuffer[] request = encode(c);
                requestSent = true;
                c.write(Math.min(ioTimeoutNanos, wholeLeft()), request);
                readHead(c);
                return this;
            } catch (IOException e) {
                releaseOrClose();
                throw failure(e);
            } catch (RuntimeException e) {
                releaseOrClose();
                throw e;
            }
        }

        private long wholeLeft() throws SocketTimeoutException {
            long left = wholeDeadline - ticker.read();
            if (left <= 0) {
                throw new SocketTimeoutException("timeout");
            }
            return left;
        }

        private AttemptFailure failure(IOException e) {
            AttemptFailure.Kind kind =
                    AttemptFailure.isTimeout(e) ? AttemptFailure.Kind.TIMEOUT : AttemptFailure.Kind.CONNECTION;
            if (canceled && kind != AttemptFailure.Kind.TIMEOUT) {
                e = new IOException("Canceled", e);
            }
            return new AttemptFailure(e, kind, false, requestSent, responseStarted);
        }

        /** The request line, headers and (when it fits) body in the connection's buffer; a large body after it. */
        private ByteBuffer[] encode(Conn c) {
            ByteBuffer b = c.out;
            b.clear();
            b = ascii(c, b, out.method);
            b = ascii(c, b, " ");
            b = ascii(c, b, target);
            b = ascii(c, b, " HTTP/1.1\r\nHost: ");
            b = ascii(c, b, route.hostHeader);
            b = put(c, b, CRLF);
            for (int i = 0, n = out.headerCount(); i < n; i++) {
                b = ascii(c, b, out.headerName(i));
                b = ascii(c, b, ": ");
                b = text(c, b, out.headerValue(i));
                b = put(c, b, CRLF);
            }
            byte[] body = out.body;
            if (body != null) {
                b = ascii(c, b, "Content-Length: ");
                b = ascii(c, b, Integer.toString(body.length));
                b = put(c, b, CRLF);
            }
            b = put(c, b, CRLF);
            if (body != null && body.length <= b.remaining()) {
                b.put(body);
                body = null;
            }
            b.flip();
            return body == null ? new ByteBuffer[] {b} : new ByteBuffer[] {b, ByteBuffer.wrap(body)};
        }

        /** Parses the status line and headers (skipping 1xx answers) and the body's framing. */
        private void readHead(Conn c) throws IOException {
            while (true) {
                int end;
                while ((end = headEnd(c.in)) < 0) {
                    if (c.fill(Math.min(ioTimeoutNanos, wholeLeft())) < 0) {
                        throw new IOException("unexpected end of stream on " + route.hostHeader);
                    }
                    responseStarted = true;
                }
                responseStarted = true;
                parseHead(c.in, end);
                if (code >= 200 || code == 101) {
                    break;
                }
                headers.clear(); // an informational answer: the real one follows
            }
            if (code == 101) {
                throw new ProtocolException("the backend switched protocols (101)");
            }
            String connection = null;
            String transferEncoding = null;
            String length = null;
            for (int i = 0; i < headers.size(); i += 2) {
                String name = headers.get(i);
                if (name.equalsIgnoreCase("content-length")) {
                    String v = headers.get(i + 1).trim();
                    if (length != null && !length.equals(v)) {
                        throw new ProtocolException("conflicting Content-Length headers");
                    }
                    length = v;
                } else if (name.equalsIgnoreCase("transfer-encoding")) {
                    transferEncoding = headers.get(i + 1);
                } else if (name.equalsIgnoreCase("connection")) {
                    connection = connection == null ? headers.get(i + 1) : connection + "," + headers.get(i + 1);
                } else if (name.equalsIgnoreCase("content-type")) {
                    contentType = headers.get(i + 1);
                }
            }
            reusable = !statusHttp10 && (connection == null || !hasToken(connection, "close"));
            if (code == 204 || code == 304 || out.method.equals("HEAD")) {
                done = true;
                contentLength = code == 204 || code == 304 ? 0 : -1;
            } else if (transferEncoding != null) {
                if (!lastCoding(transferEncoding).equalsIgnoreCase("chunked")) {
                    throw new ProtocolException("unsupported Transfer-Encoding: " + transferEncoding);
                }
                chunked = true;
                remaining = 0;
            } else if (length != null) {
                try {
                    contentLength = Long.parseLong(length);
                } catch (NumberFormatException e) {
                    throw new ProtocolException("invalid Content-Length: " + length);
                }
                if (contentLength < 0) {
                    throw new ProtocolException("invalid Content-Length: " + length);
                }
                remaining = contentLength;
                done = contentLength == 0;
            } else {
                remaining = -1; // until the backend closes
                reusable = false;
            }
            idleNanos = ioTimeoutNanos;
        }

        private void parseHead(ByteBuffer in, int end) throws ProtocolException {
            int pos = in.position();
            int lineEnd = lineEnd(in, pos, end);
            String status = latin1(in, pos, lineEnd);
            if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
                throw new ProtocolException("unexpected status line: " + HeaderText.printable(status));
            }
            statusHttp10 = status.charAt(7) == '0';
            try {
                code = Integer.parseInt(status.substring(9, 12));
            } catch (NumberFormatException e) {
                throw new ProtocolException("unexpected status line: " + HeaderText.printable(status));
            }
            pos = next(in, lineEnd);
            while (pos < end) {
                lineEnd = lineEnd(in, pos, end);
                if (lineEnd == pos) {
                    break;
                }
                byte first = in.get(pos);
                if (first == ' ' || first == '\t') {
                    throw new ProtocolException("obsolete line folding in a response header");
                }
                int colon = -1;
                for (int i = pos; i < lineEnd; i++) {
                    if (in.get(i) == ':') {
                        colon = i;
                        break;
                    }
                }
                if (colon <= pos) {
                    throw new ProtocolException(
                            "malformed response header: " + HeaderText.printable(latin1(in, pos, lineEnd)));
                }
                headers.add(latin1(in, pos, colon));
                int v = colon + 1;
                int ve = lineEnd;
                while (v < ve && (in.get(v) == ' ' || in.get(v) == '\t')) v++;
                while (ve > v && (in.get(ve - 1) == ' ' || in.get(ve - 1) == '\t')) ve--;
                headers.add(utf8(in, v, ve));
                pos = next(in, lineEnd);
            }
            in.position(end);
        }

        // ---- Inbound ----

        @Override
        public int code() {
            return code;
        }

        @Override
        public int headerCount() {
            return headers.size() / 2;
        }

        @Override
        public String headerName(int index) {
            return headers.get(index * 2);
        }

        @Override
        public String headerValue(int index) {
            return headers.get(index * 2 + 1);
        }

        @Override
        public @Nullable String header(String name) {
            for (int i = headers.size() - 2; i >= 0; i -= 2) {
                if (headers.get(i).equalsIgnoreCase(name)) {
                    return headers.get(i + 1);
                }
            }
            return null;
        }

        @Override
        public List<String> headers(String name) {
            List<String> values = null;
            for (int i = 0; i < headers.size(); i += 2) {
                if (headers.get(i).equalsIgnoreCase(name)) {
                    if (values == null) values = new ArrayList<>(2);
                    values.add(headers.get(i + 1));
                }
            }
            return values == null ? List.of() : values;
        }

        @Override
        public long contentLength() {
            return chunked ? -1 : contentLength;
        }

        @Override
        public boolean eventStream() {
            return mediaType().equals("text/event-stream");
        }

        @Override
        public boolean json() {
            String t = mediaType();
            int slash = t.indexOf('/');
            return slash > 0 && t.substring(slash + 1).equals("json");
        }

        private String mediaType() {
            return HttpRules.mediaType(contentType);
        }

        @Override
        public BufferedSource body() {
            if (body == null) {
                body = Okio.buffer(this);
            }
            return body;
        }

        @Override
        public void streaming(long idleMillis) {
            wholeDeadline = Long.MAX_VALUE;
            idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
        }

        // ---- the body as an okio Source ----

        @Override
        public long read(Buffer sink, long byteCount) throws IOException {
            if (done) {
                return -1;
            }
            Conn c = conn;
            if (c == null) {
                throw new IOException("the answer's body was closed");
            }
            try {
                if (chunked && remaining == 0) {
                    if (afterChunk) {
                        // The CRLF that ends the chunk before: read only now, because servers (Jetty) send it with
                        // the next chunk's size. Waiting for it sooner would hold the chunk back until the next one.
                        chunkEnd(c);
                        afterChunk = false;
                    }
                    if (!nextChunk(c)) {
                        return -1;
                    }
                }
                ByteBuffer in = c.in;
                if (!in.hasRemaining() && fill(c) < 0) {
                    if (remaining == -1) {
                        done = true;
                        return -1;
                    }
                    throw new ProtocolException("unexpected end of stream");
                }
                int n = (int) Math.min(byteCount, in.remaining());
                if (remaining >= 0) {
                    n = (int) Math.min(n, remaining);
                }
                int limit = in.limit();
                in.limit(in.position() + n);
                sink.write(in);
                in.limit(limit);
                if (remaining >= 0) {
                    remaining -= n;
                    if (remaining == 0 && !chunked) {
                        done = true;
                    } else if (remaining == 0) {
                        afterChunk = true;
                    }
                }
                return n;
            } catch (IOException e) {
                reusable = false;
                if (canceled) {
                    throw new IOException("Canceled", e);
                }
                throw e;
            }
        }

        private int fill(Conn c) throws IOException {
            long timeout = idleNanos;
            if (wholeDeadline != Long.MAX_VALUE) {
                timeout = Math.min(timeout == 0 ? Long.MAX_VALUE : timeout, wholeLeft());
            }
            return c.fill(timeout);
        }

        /** Reads the next chunk-size line; false at the last chunk (its trailers are skipped). */
        private boolean nextChunk(Conn c) throws IOException {
            String line = line(c);
            int semi = line.indexOf(';');
            String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
            long size;
            try {
                size = Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ProtocolException("invalid chunk size: " + HeaderText.printable(line));
            }
            if (size < 0) {
                throw new ProtocolException("invalid chunk size: " + HeaderText.printable(line));
            }
            if (size == 0) {
                while (!line(c).isEmpty()) {
                    // trailers: not relayed
                }
                done = true;
                return false;
            }
            remaining = size;
            return true;
        }

        private void chunkEnd(Conn c) throws IOException {
            if (!line(c).isEmpty()) {
                throw new ProtocolException("chunk not followed by CRLF");
            }
        }

        /** One line of chunk framing (at most a few KiB), without its line end. */
        private String line(Conn c) throws IOException {
            ByteBuffer in = c.in;
            while (true) {
                int start = in.position();
                for (int i = start; i < in.limit(); i++) {
                    if (in.get(i) == '\n') {
                        int end = i > start && in.get(i - 1) == '\r' ? i - 1 : i;
                        String s = latin1(in, start, end);
                        in.position(i + 1);
                        return s;
                    }
                }
                if (in.remaining() > 4096) {
                    throw new ProtocolException("chunk framing line too long");
                }
                if (fill(c) < 0) {
                    throw new ProtocolException("unexpected end of stream in chunk framing");
                }
            }
        }

        @Override
        public Timeout timeout() {
            return Timeout.NONE; // deadlines live in the connection
        }

        @Override
        public void cancel() {
            canceled = true;
            Conn c = conn;
            if (c != null) {
                c.close();
            }
        }

        /** The answer is done with: its connection goes back to the pool if it was read to its end. */
        @Override
        public void close() {
            releaseOrClose();
        }

        private void releaseOrClose() {
            Conn c = conn;
            if (c == null) {
                return;
            }
            conn = null;
            if (done && reusable && !canceled && !c.in.hasRemaining()) {
                route.release(c);
            } else {
                c.current = null;
                c.close();
            }
        }
    }

    // ---- bytes ----

    private static ByteBuffer room(Conn c, ByteBuffer b, int needed) {
        if (b.remaining() >= needed) {
            return b;
        }
        ByteBuffer bigger = ByteBuffer.allocateDirect(Math.max(b.capacity() * 2, b.position() + needed));
        b.flip();
        bigger.put(b);
        c.out = bigger;
        return bigger;
    }

    private static ByteBuffer put(Conn c, ByteBuffer b, byte[] bytes) {
        b = room(c, b, bytes.length);
        b.put(bytes);
        return b;
    }

    private static ByteBuffer ascii(Conn c, ByteBuffer b, String s) {
        b = room(c, b, s.length());
        for (int i = 0, n = s.length(); i < n; i++) {
            b.put((byte) s.charAt(i));
        }
        return b;
    }

    /** A header value: Latin-1 as it is, anything beyond as UTF-8 (what OkHttp's non-ASCII headers do). */
    private static ByteBuffer text(Conn c, ByteBuffer b, String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return put(c, b, s.getBytes(StandardCharsets.UTF_8));
            }
        }
        return ascii(c, b, s);
    }

    private static void checkNames(Outbound out) {
        for (int i = 0, n = out.headerCount(); i < n; i++) {
            checkName(out.headerName(i));
        }
    }

    private static void checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch <= ' ' || ch >= 0x7f || ch == ':') {
                throw new IllegalArgumentException("unexpected char in header name: " + HeaderText.printable(name));
            }
        }
    }

    /** The index just past the blank line ending the head in {@code in}, or -1 when it is not all there yet. */
    private static int headEnd(ByteBuffer in) {
        for (int i = in.position(), lim = in.limit(); i < lim; i++) {
            if (in.get(i) == '\n') {
                if (i + 1 < lim && in.get(i + 1) == '\n') return i + 2;
                if (i + 2 < lim && in.get(i + 1) == '\r' && in.get(i + 2) == '\n') return i + 3;
            }
        }
        return -1;
    }

    /** The end of the line starting at {@code from} (before its CR LF or LF). */
    private static int lineEnd(ByteBuffer in, int from, int end) {
        for (int i = from; i < end; i++) {
            if (in.get(i) == '\n') {
                return i > from && in.get(i - 1) == '\r' ? i - 1 : i;
            }
        }
        return end;
    }

    private static int next(ByteBuffer in, int lineEnd) {
        return in.get(lineEnd) == '\r' ? lineEnd + 2 : lineEnd + 1;
    }

    private static String latin1(ByteBuffer in, int from, int to) {
        byte[] bytes = new byte[to - from];
        in.get(from, bytes);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String utf8(ByteBuffer in, int from, int to) {
        byte[] bytes = new byte[to - from];
        in.get(from, bytes);
        for (byte x : bytes) {
            if (x < 0) {
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static boolean hasToken(String list, String token) {
        for (String t : list.split(",", -1)) {
            if (t.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    private static String lastCoding(String transferEncoding) {
        String[] codings = transferEncoding.split(",", -1);
        for (int i = codings.length - 1; i >= 0; i--) {
            String coding = codings[i].trim();
            if (!coding.isEmpty()) {
                return coding; // RFC 9110 section 5.6.1: empty list elements are ignored
            }
        }
        return "";
    }
}
