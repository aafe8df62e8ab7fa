package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Clients that open a stream and go away while the backend is silent: the standalone GET stream every SDK client
 * opens, and a POST answered with SSE. Each backend stream must be cancelled, its slot released and no socket left in
 * CLOSE-WAIT, within the documented heartbeat bound, through both host adapters.
 */
class AbandonedStreamTest {
    private static final int STREAMS = 20;
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final String CALL =
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"slow\",\"arguments\":{}}}";

    private SilentSseBackend backend;
    private Hosts.Host host;

    @BeforeEach
    void start() throws IOException {
        backend = new SilentSseBackend();
    }

    @AfterEach
    void stop() throws IOException {
        if (host != null) host.close();
        backend.close();
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void abandonedStreamsAreCancelledUpstreamAndReleaseTheirSlots(Hosts.Kind kind) throws Exception {
        List<String> ends = new CopyOnWriteArrayList<>();
        Gateway gateway = Gateway.builder()
                .exchangeListener(request -> new ExchangeListener() {
                    @Override
                    public void attemptEnd(McpCall call, UpstreamAttempt attempt, Outcome outcome) {
                        ends.add("attempt " + outcome.kind());
                    }

                    @Override
                    public void exchangeEnd(McpCall call, Outcome outcome) {
                        ends.add("exchange " + outcome.kind());
                    }
                })
                .pool(BackendPool.builder("p")
                        .healthCheck(HealthCheckPolicy.disabled())
                        .backend(Backend.builder("a", URI.create(backend.url()))
                                .maxConnections(2 * STREAMS)
                                .build())
                        .build())
                .streamHeartbeat(HEARTBEAT)
                .build();
        host = Hosts.start(kind, gateway);
        URI uri = URI.create(host.url());

        for (int i = 0; i < STREAMS; i++) {
            abandon(uri, "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
            byte[] body = CALL.getBytes(StandardCharsets.UTF_8);
            abandon(
                    uri,
                    "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json, text/event-stream\r\n"
                            + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n" + CALL);
        }
        assertThat(backend.opened.get()).isEqualTo(2 * STREAMS);
        long leftAt = System.nanoTime();

        awaitQuietly(() -> inFlight(gateway) == 0 && backend.closedByGateway.get() >= 2 * STREAMS);
        long releasedMillis = (System.nanoTime() - leftAt) / 1_000_000;
        System.out.printf(
                "%s: %d abandoned streams, %d backend streams cancelled, %d slots in flight after %d ms%n",
                kind, 2 * STREAMS, backend.closedByGateway.get(), inFlight(gateway), releasedMillis);
        assertThat(inFlight(gateway)).as("slots still held").isZero();
        assertThat(backend.closedByGateway.get())
                .as("backend streams the gateway closed")
                .isEqualTo(2 * STREAMS);
        // each exchange ends once, as the client's leaving, and so does its one attempt
        awaitQuietly(() -> ends.size() >= 4 * STREAMS);
        assertThat(ends)
                .hasSize(4 * STREAMS)
                .containsOnly("attempt " + Outcome.Kind.CLIENT_GONE, "exchange " + Outcome.Kind.CLIENT_GONE);
        // Detection takes two heartbeats (the first write after a close is still accepted); allow generous slack.
        assertThat(releasedMillis).isLessThan(HEARTBEAT.toMillis() * 2 + 5_000);
        assertThat(closeWait(uri.getPort())).as("host sockets in CLOSE-WAIT").isZero();
        assertThat(closeWait(backend.port()))
                .as("gateway-to-backend sockets in CLOSE-WAIT")
                .isZero();
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aClientThatLeavesBeforeTheBackendsHeadersCancelsTheBackendCall(Hosts.Kind kind) throws Exception {
        // A 2026-07-28 client cancels by closing its connection; an SDK client closes its GET stream. Here the backend
        // has not even sent headers: without the gateway's own early stream nothing could notice.
        backend.close();
        backend = new SilentSseBackend(false);
        Gateway gateway = Gateway.builder()
                .pool(BackendPool.builder("p")
                        .healthCheck(HealthCheckPolicy.disabled())
                        .backend(Backend.builder("a", URI.create(backend.url()))
                                .maxConnections(STREAMS)
                                .build())
                        .build())
                .streamHeartbeat(HEARTBEAT)
                .build();
        host = Hosts.start(kind, gateway);
        URI uri = URI.create(host.url());
        byte[] body = CALL.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < STREAMS / 4; i++) {
            abandon(
                    uri,
                    "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json, text/event-stream\r\n"
                            + "Content-Type: application/json\r\nMCP-Protocol-Version: 2026-07-28\r\nMcp-Method: tools/call\r\n"
                            + "Mcp-Name: slow\r\nContent-Length: " + body.length + "\r\n\r\n" + CALL);
            // the standalone GET stream of an SDK server, which sends its headers only with its first event
            abandon(
                    uri,
                    "GET /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                            + "MCP-Protocol-Version: 2025-11-25\r\n\r\n");
        }
        long leftAt = System.nanoTime();
        awaitQuietly(() -> inFlight(gateway) == 0 && backend.closedByGateway.get() >= STREAMS / 2);
        long releasedMillis = (System.nanoTime() - leftAt) / 1_000_000;
        System.out.printf(
                "%s: %d calls and GET streams abandoned before any answer, %d cancelled upstream, %d slots held"
                        + " after %d ms%n",
                kind, STREAMS / 2, backend.closedByGateway.get(), inFlight(gateway), releasedMillis);
        assertThat(backend.opened.get()).isEqualTo(STREAMS / 2);
        assertThat(inFlight(gateway)).as("slots still held").isZero();
        assertThat(backend.closedByGateway.get()).as("backend calls cancelled").isEqualTo(STREAMS / 2);
        assertThat(closeWait(uri.getPort())).as("host sockets in CLOSE-WAIT").isZero();
    }

    private static int inFlight(Gateway gateway) {
        return gateway.health().backends().get(0).inFlight();
    }

    /** Sends a request, reads the status line and headers of its SSE answer, then closes the connection. */
    private static void abandon(URI uri, String request) throws IOException {
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            String head = readHead(s.getInputStream());
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("text/event-stream");
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) throw new IOException("connection closed in the response head: " + head);
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3))
                    ? state + 1
                    : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sockets in CLOSE-WAIT (state 08) whose local port is {@code port}, from /proc/net/tcp; 0 where it is absent. */
    static int closeWait(int port) throws IOException {
        Path table = Path.of("/proc/net/tcp");
        if (!Files.isReadable(table)) {
            return 0;
        }
        String hexPort = String.format(":%04X", port);
        int n = 0;
        for (String line : Files.readAllLines(table)) {
            String[] f = line.trim().split("\\s+", -1);
            if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("08")) {
                n++;
            }
        }
        return n;
    }

    /**
     * A backend that answers every request with SSE headers and then says nothing, as an MCP server does on its GET
     * stream or during a long tool call; it counts the streams the gateway closed.
     */
    static final class SilentSseBackend implements AutoCloseable {
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closedByGateway = new AtomicInteger();
        private final ServerSocket server;
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private final List<Socket> sockets = new ArrayList<>();

        /** Whether it sends SSE response headers before falling silent, or says nothing at all. */
        private final boolean headers;

        SilentSseBackend() throws IOException {
            this(true);
        }

        SilentSseBackend(boolean headers) throws IOException {
            this.headers = headers;
            server = new ServerSocket(0, 200, InetAddress.getByName("127.0.0.1"));
            threads.execute(this::accept);
        }

        String url() {
            return "http://127.0.0.1:" + port() + "/mcp";
        }

        int port() {
            return server.getLocalPort();
        }

        private void accept() {
            for (int i = 0; i < 1_000; i++) {
                Socket s;
                try {
                    s = server.accept();
                } catch (IOException e) {
                    return;
                }
                synchronized (sockets) {
                    sockets.add(s);
                }
                threads.execute(() -> serve(s));
            }
        }

        private void serve(Socket s) {
            try (s) {
                s.setSoTimeout(60_000);
                InputStream in = s.getInputStream();
                String head = readHead(in);
                int length = 0;
                for (String line : head.split("\r\n", -1)) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                        length = Integer.parseInt(line.substring(15).trim());
                    }
                }
                in.readNBytes(length);
                opened.incrementAndGet();
                if (headers) {
                    OutputStream out = s.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                                    + "Transfer-Encoding: chunked\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                if (in.read() < 0) { // silent until the gateway closes the connection
                    closedByGateway.incrementAndGet();
                }
            } catch (java.net.SocketTimeoutException e) {
                // still open after a minute: not closed by the gateway
            } catch (IOException e) {
                closedByGateway.incrementAndGet(); // a reset: the gateway closed it as well
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (sockets) {
                for (Socket s : sockets) {
                    s.close();
                }
            }
            threads.shutdownNow();
        }
    }

    /** Waits up to 10 s for {@code released}; the assertions after it say what was left if it never came. */
    private static void awaitQuietly(Callable<Boolean> released) {
        try {
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(20))
                    .until(released);
        } catch (ConditionTimeoutException e) {
            // reported by the assertions that follow, with the numbers
        }
    }
}
