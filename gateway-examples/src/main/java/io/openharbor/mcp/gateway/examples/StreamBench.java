package io.openharbor.mcp.gateway.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.Gateway;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stream figures of {@code bench/load.sh} (run it on Java 21+: every stream is a virtual thread on both sides).
 *
 * <pre>
 * StreamBench backend &lt;port&gt;                       an SSE backend on 127.0.0.1 (see below)
 * StreamBench hold &lt;url&gt; &lt;n&gt; &lt;release-file&gt; [max-hold-s]
 *     opens n idle GET streams to url, prints "established ok=.. failed=..", holds them until release-file exists
 *     (at most max-hold-s, default 300), closes them and exits
 * StreamBench latency &lt;url&gt; &lt;n&gt; &lt;backend-base-url&gt; &lt;rounds&gt; &lt;pause-ms&gt;
 *     opens n GET streams to url, asks the backend for up to 20 warm-up rounds (not counted), then to send rounds
 *     events to each of its streams (pause-ms between rounds) and prints the p50/p99/max of (receive nanoTime - the nanoTime the backend wrote into the event)
 * </pre>
 *
 * <p>The backend answers {@code GET /mcp} (Accept must list text/event-stream) with 200 {@code text/event-stream},
 * flushes the headers and holds the stream open; {@code GET /count} tells how many streams it holds; {@code POST
 * /emit?rounds=R&pauseMs=P} writes R rounds of one event per held stream, each event's data a JSON-RPC notification
 * carrying {@code System.nanoTime()} at the moment of its write. Backend and client run on the same machine, where
 * {@code System.nanoTime()} is CLOCK_MONOTONIC, shared by all processes, so the difference is the one-way latency.
 *
 * <p>Every wait is bounded; the client is a plain blocking {@link Socket} per stream with a raw HTTP/1.1 request.
 */
public final class StreamBench {
    private StreamBench() {}

    public static void main(String[] args) throws Exception {
        // Without it the JDK HttpServer holds back every small event write ~40 ms (Nagle against delayed ACKs).
        System.setProperty("sun.net.httpserver.nodelay", "true");
        if (args.length >= 2 && args[0].equals("backend")) {
            backend(Integer.parseInt(args[1]));
        } else if (args.length >= 4 && args[0].equals("hold")) {
            hold(
                    URI.create(args[1]),
                    Integer.parseInt(args[2]),
                    Path.of(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : 300);
        } else if (args.length >= 6 && args[0].equals("latency")) {
            latency(
                    URI.create(args[1]),
                    Integer.parseInt(args[2]),
                    URI.create(args[3]),
                    Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]));
        } else {
            System.err.println("usage: StreamBench backend <port> | hold <url> <n> <release-file> [max-hold-s]"
                    + " | latency <url> <n> <backend-base-url> <rounds> <pause-ms>");
            System.exit(2);
        }
    }

    // ---- the SSE backend ----

    /** One held stream of the backend. */
    private static final class Held {
        final OutputStream out;
        final CountDownLatch ended = new CountDownLatch(1);

        Held(OutputStream out) {
            this.out = out;
        }
    }

    private static void backend(int port) throws Exception {
        Set<Held> streams = ConcurrentHashMap.newKeySet();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 4096);
        server.createContext("/mcp", ex -> {
            String accept = String.valueOf(ex.getRequestHeaders().getFirst("Accept"));
            if (!ex.getRequestMethod().equals("GET") || !accept.contains("text/event-stream")) {
                ex.sendResponseHeaders(ex.getRequestMethod().equals("GET") ? 406 : 405, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().set("Content-Type", "text/event-stream");
            ex.getResponseHeaders().set("Cache-Control", "no-cache");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.flush();
            Held h = new Held(out);
            streams.add(h);
            try {
                h.ended.await(); // held until a write to it fails (the process is killed at the end of the phase)
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                streams.remove(h);
                ex.close();
            }
        });
        server.createContext("/count", ex -> answer(ex, 200, Integer.toString(streams.size())));
        server.createContext("/emit", ex -> {
            int rounds = Math.min(intParam(ex, "rounds", 50), 10_000);
            long pauseMs = Math.min(intParam(ex, "pauseMs", 20), 1_000);
            long writes = 0;
            long failures = 0;
            for (int r = 0; r < rounds; r++) {
                for (Held h : streams) {
                    try {
                        synchronized (h) {
                            String event =
                                    "event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/message\","
                                            + "\"params\":{\"level\":\"info\",\"data\":{\"round\":" + r + ",\"t\":"
                                            + System.nanoTime() + "}}}\n\n";
                            h.out.write(event.getBytes(StandardCharsets.UTF_8));
                            h.out.flush();
                        }
                        writes++;
                    } catch (IOException e) {
                        failures++;
                        h.ended.countDown();
                    }
                }
                try {
                    Thread.sleep(pauseMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            answer(ex, 200, "writes=" + writes + " failures=" + failures);
        });
        server.setExecutor(Gateway.newRequestExecutor("sse-backend-"));
        server.start();
        System.out.println("stream backend on 127.0.0.1:" + server.getAddress().getPort() + " ready");
        Thread.currentThread().join();
    }

    private static void answer(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    private static int intParam(HttpExchange ex, String name, int otherwise) {
        String q = ex.getRequestURI().getRawQuery();
        if (q != null) {
            for (String kv : q.split("&", -1)) {
                if (kv.startsWith(name + "=")) {
                    return Integer.parseInt(kv.substring(name.length() + 1));
                }
            }
        }
        return otherwise;
    }

    // ---- the client ----

    /** Streams being opened at once: keeps the accept queues of the gateway and the backend from overflowing. */
    private static final int OPENING_AT_ONCE = 128;

    /** The open streams of one client run. */
    private static final class Streams {
        final List<Socket> sockets = new CopyOnWriteArrayList<>();
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final List<String> problems = new CopyOnWriteArrayList<>();
        final CountDownLatch settled;
        final long[] latencies;
        final AtomicInteger events = new AtomicInteger();

        Streams(int n, int expectedEvents) {
            settled = new CountDownLatch(n);
            latencies = new long[expectedEvents];
        }

        void fail(String problem) {
            failed.incrementAndGet();
            if (problems.size() < 5) {
                problems.add(problem);
            }
        }
    }

    /** Opens n streams to url (bounded: 180 s in all); returns when each is open or has failed. */
    private static Streams open(URI url, int n, int expectedEvents) throws InterruptedException {
        Streams s = new Streams(n, expectedEvents);
        ExecutorService threads = Gateway.newRequestExecutor("stream-client-");
        Semaphore opening = new Semaphore(OPENING_AT_ONCE);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            opening.acquire();
            threads.execute(() -> stream(url, s, opening));
        }
        if (!s.settled.await(180, TimeUnit.SECONDS)) {
            s.problems.add("not all streams settled within 180 s");
        }
        System.out.printf(
                "established ok=%d failed=%d in %d ms%s%n",
                s.ok.get(),
                s.failed.get(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                s.problems.isEmpty() ? "" : " problems: " + s.problems);
        return s;
    }

    /** One stream: connect, GET, read the head; on 200 count it open and read its events until it is closed. */
    private static void stream(URI url, Streams s, Semaphore opening) {
        boolean released = false;
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(url.getHost(), url.getPort()), 10_000);
            s.sockets.add(socket);
            socket.setSoTimeout(30_000);
            String request = "GET " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            InputStream in = new BufferedInputStream(socket.getInputStream(), 4096);
            String status = line(in);
            boolean chunked = false;
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                if (h.regionMatches(true, 0, "Transfer-Encoding:", 0, 18)
                        && h.toLowerCase(Locale.ROOT).contains("chunked")) {
                    chunked = true;
                }
            }
            if (status == null || !status.startsWith("HTTP/1.1 200")) {
                s.fail("status " + status);
                socket.close();
                return;
            }
            s.ok.incrementAndGet();
            s.settled.countDown();
            opening.release();
            released = true;
            socket.setSoTimeout(0);
            readEvents(chunked ? new Chunked(in) : in, s);
        } catch (IOException e) {
            if (!released) {
                s.fail(e.toString());
            }
            // else: the stream was closed (by us at the end, or by the gateway)
        } finally {
            if (!released) {
                s.settled.countDown();
                opening.release();
            }
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** Reads SSE lines; each {@code data:} line carrying {@code "t":<nanoTime>} adds one latency sample. */
    private static void readEvents(InputStream in, Streams s) throws IOException {
        byte[] lineBuf = new byte[1024];
        int len = 0;
        byte[] buf = new byte[4096];
        for (int r; (r = in.read(buf)) > 0; ) {
            long now = System.nanoTime();
            for (int i = 0; i < r; i++) {
                byte b = buf[i];
                if (b != '\n') {
                    if (len < lineBuf.length) {
                        lineBuf[len++] = b;
                    }
                    continue;
                }
                if (len > 5 && lineBuf[0] == 'd' && lineBuf[1] == 'a') {
                    long t = sentAt(lineBuf, len);
                    int k = t == Long.MIN_VALUE ? -1 : s.events.getAndIncrement();
                    if (k >= 0 && k < s.latencies.length) {
                        s.latencies[k] = now - t;
                    }
                }
                len = 0;
            }
        }
    }

    /** The number after {@code "t":} in the line, or Long.MIN_VALUE. */
    private static long sentAt(byte[] line, int len) {
        String text = new String(line, 0, len, StandardCharsets.US_ASCII);
        int at = text.indexOf("\"t\":");
        if (at < 0) {
            return Long.MIN_VALUE;
        }
        int end = at + 4;
        while (end < text.length() && (Character.isDigit(text.charAt(end)) || text.charAt(end) == '-')) {
            end++;
        }
        return Long.parseLong(text.substring(at + 4, end));
    }

    /** A line of the response head without its CRLF, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            if (sb.length() > 8192) {
                throw new IOException("response head line too long");
            }
            sb.append((char) b);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** The body of a chunked HTTP/1.1 response. */
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (left == 0) {
                String size = line(in);
                if (size != null && size.isEmpty()) {
                    size = line(in); // the CRLF after the previous chunk's data
                }
                if (size == null) {
                    done = true;
                    return -1;
                }
                int semi = size.indexOf(';');
                left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int r = in.read(b, off, (int) Math.min(len, left));
            if (r > 0) {
                left -= r;
            }
            return r;
        }
    }

    private static void hold(URI url, int n, Path release, int maxHoldSeconds) throws Exception {
        Streams s = open(url, n, 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxHoldSeconds);
        while (!Files.exists(release) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        closeAll(s);
        System.out.println("closed " + s.sockets.size() + " streams" + (Files.exists(release) ? "" : " (max hold)"));
        System.exit(0);
    }

    private static void latency(URI url, int n, URI backend, int rounds, int pauseMs) throws Exception {
        int expected = n * rounds;
        Streams s = open(url, n, expected);
        // the streams reach the backend through the gateway: wait until it holds them all (bounded: 30 s)
        String held = "?";
        for (int i = 0; i < 300; i++) {
            held = get(backend.resolve("/count"), "GET");
            if (Integer.parseInt(held.trim()) >= s.ok.get()) {
                break;
            }
            Thread.sleep(100);
        }
        // warm-up rounds (the JIT), not counted: wait for their events (bounded: 5 s), then start counting afresh
        int warm = Math.min(rounds, 20);
        get(backend.resolve("/emit?rounds=" + warm + "&pauseMs=" + pauseMs), "POST");
        for (int i = 0; i < 100 && s.events.get() < n * warm; i++) {
            Thread.sleep(50);
        }
        Thread.sleep(100);
        s.events.set(0);
        String emitted = get(backend.resolve("/emit?rounds=" + rounds + "&pauseMs=" + pauseMs), "POST");
        // the last events may still be on their way (bounded: 5 s)
        for (int i = 0; i < 100 && s.events.get() < expected; i++) {
            Thread.sleep(50);
        }
        int got = Math.min(s.events.get(), expected);
        long[] l = Arrays.copyOf(s.latencies, got);
        Arrays.sort(l);
        System.out.printf(
                "latency streams=%d held=%s events=%d/%d (%s) p50_us=%.0f p99_us=%.0f max_us=%.0f%n",
                s.ok.get(),
                held.trim(),
                got,
                expected,
                emitted,
                pct(l, 0.50),
                pct(l, 0.99),
                got == 0 ? Double.NaN : l[got - 1] / 1e3);
        closeAll(s);
        System.exit(0);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
        return sorted[i] / 1e3;
    }

    private static void closeAll(Streams s) {
        for (Socket socket : s.sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** A small request to the backend's control endpoints (read timeout 60 s); returns the body. */
    private static String get(URI uri, String method) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
            socket.setSoTimeout(60_000);
            String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            String request = method + " " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nContent-Length: 0"
                    + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            byte[] all = socket.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.US_ASCII);
            int body = text.indexOf("\r\n\r\n");
            return body < 0 ? text : text.substring(body + 4);
        }
    }
}
