package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A backend that dies after sending its status and part of its body. The gateway has already relayed the status, so
 * all it can do is break the client's answer off: the client must see a failed response (the connection closed before
 * the body's end), never a hang (the JDK server keeps a short fixed-length body's connection open forever) and never a
 * complete-looking answer (a chunked body ended with its last chunk, truncated JSON that parses as an ending).
 */
class BrokenBodyTest {
    private static final String CALL =
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\",\"arguments\":{}}}";
    private static final String ANSWER = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\","
            + "\"text\":\"" + "x".repeat(200) + "\"}]}}";

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final OkHttpClient client = new OkHttpClient.Builder()
            .retryOnConnectionFailure(false)
            .readTimeout(Duration.ofSeconds(10))
            .build();
    private ServerSocket backend;
    private Hosts.Host host;

    @AfterEach
    void stop() throws IOException {
        if (host != null) host.close();
        if (backend != null) backend.close();
        threads.shutdownNow();
        client.connectionPool().evictAll();
    }

    enum Cut {
        /** Content-Length 250-odd, half of it sent. */
        FIXED_LENGTH_JSON,
        /** Chunked JSON, the first chunk sent, no last chunk. */
        CHUNKED_JSON,
        /** An event stream, one event sent, no end. */
        EVENT_STREAM
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aFixedLengthAnswerCutShortBreaksTheClientsAnswerOff(Hosts.Kind kind) throws Exception {
        assertBrokenOff(kind, Cut.FIXED_LENGTH_JSON);
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void aChunkedAnswerCutShortBreaksTheClientsAnswerOff(Hosts.Kind kind) throws Exception {
        assertBrokenOff(kind, Cut.CHUNKED_JSON);
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void anEventStreamCutShortBreaksTheClientsAnswerOff(Hosts.Kind kind) throws Exception {
        assertBrokenOff(kind, Cut.EVENT_STREAM);
    }

    private void assertBrokenOff(Hosts.Kind kind, Cut cut) throws Exception {
        startBackend(cut);
        Gateway gateway = Gateway.builder()
                .pool(BackendPool.builder("p")
                        .healthCheck(HealthCheckPolicy.disabled())
                        .backend(Backend.of("a", "http://127.0.0.1:" + backend.getLocalPort() + "/mcp"))
                        .build())
                .build();
        host = Hosts.start(kind, gateway);
        Request request = new Request.Builder()
                .url(host.url())
                .header("Accept", "application/json, text/event-stream")
                .post(RequestBody.create(CALL, MediaType.get("application/json")))
                .build();
        Throwable thrown;
        try (Response r = client.newCall(request).execute()) {
            assertThat(r.code()).isEqualTo(200); // relayed before the backend died
            thrown = catchThrowable(() -> r.body().string());
        }
        assertThat(thrown)
                .as("the client's answer is broken off, neither complete nor left hanging")
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(SocketTimeoutException.class);
    }

    /** One connection: reads the request, sends the head and part of the body, then closes the socket. */
    private void startBackend(Cut cut) throws IOException {
        backend = new ServerSocket();
        backend.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        threads.execute(() -> {
            try (Socket s = backend.accept()) {
                readRequest(new BufferedInputStream(s.getInputStream()));
                OutputStream out = s.getOutputStream();
                byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
                String half = ANSWER.substring(0, ANSWER.length() / 2);
                String head = switch (cut) {
                    case FIXED_LENGTH_JSON ->
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + "Content-Length: " + body.length
                                + "\r\n\r\n" + half;
                    case CHUNKED_JSON ->
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n"
                                + Integer.toHexString(half.length()) + "\r\n" + half + "\r\n";
                    case EVENT_STREAM -> {
                        String event = "event: message\ndata: "
                                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n";
                        yield "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n"
                                + Integer.toHexString(event.length()) + "\r\n" + event + "\r\n";
                    }
                };
                out.write(head.getBytes(StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(100); // the gateway relays what it has, then the backend dies
            } catch (IOException | InterruptedException e) {
                // stopped
            }
        });
    }

    private static void readRequest(InputStream in) throws IOException {
        int length = 0;
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < 64 * 1024; i++) {
            int b = in.read();
            if (b < 0) return;
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            String l = line.toString().trim();
            line.setLength(0);
            if (l.isEmpty()) break;
            if (l.regionMatches(true, 0, "content-length:", 0, 15))
                length = Integer.parseInt(l.substring(15).trim());
        }
        in.readNBytes(length);
    }
}
