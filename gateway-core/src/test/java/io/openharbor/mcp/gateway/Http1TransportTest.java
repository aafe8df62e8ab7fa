package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openharbor.mcp.gateway.testing.FakeTicker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The plain-HTTP/1.1 transport at its seam, against a scripted backend on a raw socket: framing (length, chunked,
 * until close), informational answers, connection reuse and what prevents it, a backend that closed an idle connection,
 * timeouts, cancellation, and how failures are classified for the retry rules.
 */
class Http1TransportTest {
    /** One connection of the scripted backend: it reads each request head (and a declared body) and answers. */
    interface Script {
        void serve(InputStream in, OutputStream out, int connection) throws IOException;
    }

    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private URI backend(Script script) throws IOException {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        open.add(server);
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    int n = connections.incrementAndGet();
                    Thread conn = new Thread(() -> {
                        try (s) {
                            s.setSoTimeout(10_000);
                            script.serve(s.getInputStream(), s.getOutputStream(), n);
                        } catch (IOException ignored) {
                            // the transport closed it
                        }
                    });
                    conn.setDaemon(true);
                    conn.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + "/mcp?fixed=1");
    }

    /** Reads one request head and its Content-Length body; null at the end of the connection. */
    private String readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                break;
            }
        }
        if (b < 0) {
            return null;
        }
        String text = head.toString(StandardCharsets.UTF_8);
        int length = 0;
        for (String line : text.split("\r\n", -1)) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        text += new String(in.readNBytes(length), StandardCharsets.UTF_8);
        requests.add(text);
        return text;
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static Transport.Route route(Http1Transport t, URI url) {
        return t.route(Backend.builder("b", url).maxConnections(4).build(), null);
    }

    private final FakeTicker ticker = new FakeTicker();

    /** A transport on the fake ticker: its timeouts fire when the test advances it and sweeps. */
    private Http1Transport transport(Duration io, long requestMillis) {
        return new Http1Transport(ticker, Duration.ofSeconds(2), io, requestMillis, 4_000);
    }

    private static Outbound post(String json) {
        return new Outbound("POST", "q=2", null, json.getBytes(StandardCharsets.UTF_8), null, 2)
                .header("Content-Type", "application/json")
                .header("X-Name", "caf\u00e9");
    }

    private static String body(Transport.Inbound in) throws IOException {
        try (in) {
            return in.body().readUtf8();
        }
    }

    @Test
    void sendsOneWellFormedRequestAndReusesTheConnectionForTheNext() throws Exception {
        URI url = backend((in, out, n) -> {
            while (readRequest(in) != null) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}");
            }
        });
        try (Http1Transport t = transport(Duration.ofSeconds(2), 5_000)) {
            Transport.Route r = route(t, url);
            for (int i = 0; i < 3; i++) {
                Transport.Inbound answer = r.attempt(post("{\"a\":" + i + "}")).execute();
                assertThat(answer.code()).isEqualTo(200);
                assertThat(answer.json()).isTrue();
                assertThat(answer.contentLength()).isEqualTo(2);
                assertThat(body(answer)).isEqualTo("{}");
            }
        }
        assertThat(connections).hasValue(1);
        assertThat(requests.get(0))
                .startsWith("POST /mcp?fixed=1&q=2 HTTP/1.1\r\nHost: 127.0.0.1:")
                .contains(
                        "\r\nContent-Type: application/json\r\n",
                        "\r\nX-Name: caf\u00e9\r\n",
                        "\r\nContent-Length: 7\r\n\r\n{\"a\":0}")
                .doesNotContainIgnoringCase("user-agent")
                .doesNotContainIgnoringCase("connection:");
    }

    @Test
    void readsChunkedBodiesSkipsInformationalAnswersAndKeepsTheConnection() throws Exception {
        URI url = backend((in, out, n) -> {
            while (readRequest(in) != null) {
                write(
                        out,
                        "HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n"
                                + "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + "5;ext=1\r\nevent\r\n3\r\n: x\r\n0\r\nTrailer: t\r\n\r\n");
            }
        });
        try (Http1Transport t = transport(Duration.ofSeconds(2), 5_000)) {
            Transport.Route r = route(t, url);
            for (int i = 0; i < 2; i++) {
                Transport.Inbound answer = r.attempt(post("{}")).execute();
                assertThat(answer.code()).isEqualTo(200);
                assertThat(answer.eventStream()).isTrue();
                assertThat(answer.contentLength()).isEqualTo(-1);
                assertThat(answer.header("link")).isNull();
                assertThat(body(answer)).isEqualTo("event: x");
            }
        }
        assertThat(connections).hasValue(1);
    }

    @Test
    void emptyElementsOfTheTransferCodingListAreIgnored() throws Exception {
        // RFC 9110 section 5.6.1: "chunked, ," is the list (chunked); the body is chunked, not read until close.
        URI url = backend((in, out, n) -> {
            while (readRequest(in) != null) {
                write(
                        out,
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked, ,\r\n\r\n"
                                + "2\r\n{}\r\n0\r\n\r\n");
            }
        });
        try (Http1Transport t = transport(Duration.ofSeconds(2), 5_000)) {
            Transport.Route r = route(t, url);
            for (int i = 0; i < 2; i++) {
                Transport.Inbound answer = r.attempt(post("{}")).execute();
                assertThat(answer.code()).isEqualTo(200);
                assertThat(body(answer)).isEqualTo("{}");
            }
        }
        assertThat(connections)
                .as("the chunked body ended, so the connection was kept")
                .hasValue(1);
    }

    @Test
    void aChunkIsDeliveredBeforeTheCrlfThatEndsItArrives() throws Exception {
        // Jetty writes a chunk's closing CRLF in front of the next chunk's size: a progress event must not wait for
        // the next event (found by McpSdkThroughGatewayTest: the SDK's progress notification never arrived)
        CountDownLatch delivered = new CountDownLatch(1);
        open.add(delivered::countDown);
        URI url = backend((in, out, n) -> {
            readRequest(in);
            write(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "8\r\nprogress");
            await(delivered);
            write(out, "\r\n6\r\nresult\r\n0\r\n\r\n");
        });
        try (Http1Transport t = transport(Duration.ofSeconds(2), 5_000)) {
            Transport.Inbound answer = route(t, url).attempt(post("{}")).execute();
            java.util.concurrent.CompletableFuture<String> first =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                        try {
                            return answer.body().readUtf8(8);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            // before the backend sends anything more (it waits up to 10 s for this)
            assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("progress");
            delivered.countDown();
            assertThat(body(answer)).isEqualTo("result");
        }
    }

    @Test
    void aBodyUntilCloseAndConnectionCloseAreNotReused() throws Exception {
        URI url = backend((in, out, n) -> {
            readRequest(in);
            write(
                    out,
                    n == 1
                            ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 1\r\n\r\na"
                            : "HTTP/1.1 200 OK\r\n\r\nuntil the end");
        });
        try (Http1Transport t = transport(Duration.ofSeconds(2), 5_000)) {
            Transport.Route r = route(t, url);
            assertThat(body(r.attempt(post("{}")).execute())).isEqualTo("a");
            assertThat(body(r.attempt(post("{}")).execute())).isEqualTo("until the end");
        }
        assertThat(connections).hasValue(2);
    }

    @Test
    void anIdleConnectionTheBackendClosedIsReplacedBeforeAnythingIsSent() throws Exception {
        CountDownLatch closedFirst = new CountDownLatch(1);
        URI url = backend((in, out, n) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + n);
            out.close(); // the connection stays in the gateway's pool, closed by its backend (FIN sent now)
            closedFirst.countDown();
        });
        try (Http1Transport t = transport(Duration.ofSeconds(2), 5_000)) {
            Transport.Route r = route(t, url);
            assertThat(body(r.attempt(post("{}")).execute())).isEqualTo("1");
            assertThat(closedFirst.await(5, TimeUnit.SECONDS)).isTrue();
            assertThat(body(r.attempt(post("{}")).execute())).isEqualTo("2");
        }
        assertThat(requests).hasSize(2);
    }

    @Test
    void failuresSayHowFarTheyGot() throws Exception {
        try (DeadPort dead = new DeadPort()) {
            failuresSayHowFarTheyGot(URI.create(dead.url()));
        }
    }

    private void failuresSayHowFarTheyGot(URI refused) throws Exception {
        URI resets = backend((in, out, n) -> readRequest(in)); // reads the request, closes without an answer
        URI garbage = backend((in, out, n) -> {
            readRequest(in);
            write(out, "SSH-2.0-OpenSSH\r\n\r\n");
        });
        try (Http1Transport t = transport(Duration.ofSeconds(2), 5_000)) {
            AttemptFailure f = catchFailure(route(t, refused));
            assertThat(f.kind).isEqualTo(AttemptFailure.Kind.CONNECTION);
            assertThat(f.nothingSent()).isTrue();
            f = catchFailure(route(t, resets));
            assertThat(f.nothingSent()).isFalse();
            assertThat(f.responseStarted).isFalse();
            f = catchFailure(route(t, garbage));
            assertThat(f.responseStarted).isTrue();
            assertThat(f.failure()).hasMessageContaining("unexpected status line");
        }
    }

    @Test
    void aSilentBackendTimesOutAsATimeoutWhenItsDeadlinePasses() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        open.add(release::countDown);
        URI url = backend((in, out, n) -> {
            readRequest(in);
            await(release);
        });
        try (Http1Transport t = transport(Duration.ofMillis(200), 60_000)) {
            Transport.Route r = route(t, url);
            AttemptFailure[] failure = new AttemptFailure[1];
            Thread caller = new Thread(() -> failure[0] = catchFailure(r));
            caller.start();
            awaitWaiting(t);
            t.sweep(); // not yet due: nothing happens
            assertThat(caller.isAlive()).isTrue();
            ticker.advance(Duration.ofMillis(201));
            t.sweep();
            caller.join(5_000);
            assertThat(failure[0].kind).isEqualTo(AttemptFailure.Kind.TIMEOUT);
            assertThat(failure[0].requestSent).isTrue();
            assertThat(failure[0].responseStarted).isFalse();
        }
    }

    @Test
    void aStreamIsLimitedByItsIdleGapNotByTheWholeRequestLimitAndCanBeCancelled() throws Exception {
        CountDownLatch more = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        open.add(more::countDown);
        open.add(release::countDown);
        URI url = backend((in, out, n) -> {
            readRequest(in);
            write(
                    out,
                    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "6\r\ndata:1\r\n");
            await(more);
            write(out, "6\r\ndata:2\r\n");
            await(release);
        });
        try (Http1Transport t = transport(Duration.ofSeconds(2), 300)) {
            Transport.Attempt attempt = route(t, url).attempt(post("{}"));
            Transport.Inbound answer = attempt.execute();
            answer.streaming(0);
            assertThat(answer.body().readUtf8(6)).isEqualTo("data:1");
            ticker.advance(Duration.ofSeconds(10)); // far past the whole-request limit
            t.sweep();
            more.countDown();
            assertThat(answer.body().readUtf8(6)).isEqualTo("data:2");
            attempt.cancel();
            assertThatThrownBy(() -> answer.body().readByte())
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("Canceled");
            answer.close();
        }
    }

    @Test
    void aJsonAnswerIsLimitedByTheWholeRequestLimit() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        open.add(release::countDown);
        URI url = backend((in, out, n) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{");
            await(release);
        });
        try (Http1Transport t = transport(Duration.ofSeconds(60), 300)) {
            Transport.Inbound answer = route(t, url).attempt(post("{}")).execute();
            assertThat(answer.body().readUtf8(1)).isEqualTo("{");
            Throwable[] thrown = new Throwable[1];
            Thread reader = new Thread(() -> {
                try {
                    answer.body().readByte();
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            });
            reader.start();
            awaitWaiting(t);
            ticker.advance(Duration.ofMillis(301));
            t.sweep();
            reader.join(5_000);
            assertThat(thrown[0]).isInstanceOf(java.net.SocketTimeoutException.class);
            answer.close();
        }
    }

    /** Waits (bounded) until a connection of the transport waits for the backend with a deadline. */
    private static void awaitWaiting(Http1Transport t) {
        Awaitility.await("a connection waiting with a deadline")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> t.waitingWithDeadline() > 0);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void malformedHeadsAndNamesAreRefused() throws Exception {
        URI url = backend((in, out, n) -> {
            readRequest(in);
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab");
        });
        try (Http1Transport t = transport(Duration.ofSeconds(2), 5_000)) {
            assertThat(catchFailure(route(t, url)).failure()).hasMessageContaining("conflicting Content-Length");
            Transport.Route r = route(t, url);
            assertThatThrownBy(() -> r.attempt(post("{}").header("Bad Name", "x")))
                    .isInstanceOf(IllegalArgumentException.class); // before anything is sent: the forwarder answers 400
        }
    }

    private static AttemptFailure catchFailure(Transport.Route route) {
        try {
            Transport.Inbound answer = route.attempt(post("{}")).execute();
            answer.close();
            throw new AssertionError("expected a failure, got " + answer.code());
        } catch (AttemptFailure f) {
            return f;
        }
    }
}
