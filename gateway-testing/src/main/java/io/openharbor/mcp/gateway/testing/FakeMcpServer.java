package io.openharbor.mcp.gateway.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted MCP backend on 127.0.0.1 (the JDK's {@code HttpServer} on a free port), for tests of code that puts the
 * gateway in front of MCP servers without starting real ones:
 *
 * <ul>
 *   <li>{@code GET /health} answers 200 {@code {"status":"Healthy"}};
 *   <li>every other request answers 200 JSON-RPC with the request's id and {@code {"backend": <name>}} as its result,
 *       so a test can tell which replica served it;
 *   <li>an {@code initialize} answer carries {@code Mcp-Session-Id: sid-<name>};
 *   <li>a request whose body contains {@code "hold"} waits until {@link #release()} (or {@link #close()}, or at most
 *       {@link #HOLD_LIMIT}) before it is answered, and {@link #awaitHolding(Duration)} sees it arrive.
 * </ul>
 *
 * <pre>{@code
 * try (FakeMcpServer backend = FakeMcpServer.start("replica-1")) {
 *     String url = backend.url() + "/mcp";
 *     assert backend.requests() == 0;
 * }
 * }</pre>
 */
public final class FakeMcpServer implements AutoCloseable {
    /** The longest a held request waits for {@link #release()}. */
    public static final Duration HOLD_LIMIT = Duration.ofSeconds(20);

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|\\d+)");

    private final String name;
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch holding = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    private FakeMcpServer(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.setExecutor(executor);
        server.start();
    }

    /**
     * Starts a backend on a free port of 127.0.0.1.
     *
     * @param name the name its answers carry
     * @return the running backend; close it after the test
     * @throws IOException if no port could be bound
     */
    public static FakeMcpServer start(String name) throws IOException {
        return new FakeMcpServer(name);
    }

    private void answer(HttpExchange ex) throws IOException {
        byte[] answer;
        if (ex.getRequestURI().getPath().equals("/health")) {
            answer = "{\"status\":\"Healthy\"}".getBytes(StandardCharsets.UTF_8);
        } else {
            requests.incrementAndGet();
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = ID.matcher(body);
            String id = m.find() ? m.group(1) : "null";
            if (body.contains("\"hold\"")) {
                holding.countDown();
                try {
                    release.await(HOLD_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (body.contains("\"initialize\"")) {
                ex.getResponseHeaders().add("Mcp-Session-Id", "sid-" + name);
            }
            answer = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"backend\":\"" + name + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
        }
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(200, answer.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(answer);
        }
    }

    /** {@return the name its answers carry} */
    public String name() {
        return name;
    }

    /** {@return the port it listens on} */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@return its base URL, {@code http://127.0.0.1:<port>}, without a path} */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** {@return the MCP requests it has received (health checks are not counted)} */
    public int requests() {
        return requests.get();
    }

    /**
     * Waits for the first request that says {@code "hold"} to arrive.
     *
     * @param limit the longest to wait
     * @return whether one arrived within {@code limit}
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitHolding(Duration limit) throws InterruptedException {
        return holding.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets held requests (and any later ones that say {@code "hold"}) be answered. */
    public void release() {
        release.countDown();
    }

    /** Releases held requests and stops the server and its threads. */
    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
