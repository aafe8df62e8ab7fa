package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backends killed under load. Three keep-alive backends take unique {@code tools/call}s through the gateway; five
 * times one of them dies at once (every socket closed, as the kernel does for a killed process: connections it had
 * read everything from get FIN, the rest RST) and comes back on the same port a moment later. Every call is accounted
 * for: executed twice must never happen, nor may a call be lost (no answer) or succeed without being executed. A call
 * counts as executed once a backend has read it (from then on it may have had effects); one that failed although no
 * backend read it is what a connection its backend had already closed costs, and must not happen either. Calls
 * received at the moment of a kill fail legitimately: they are never retried elsewhere. A call whose status arrived and
 * whose body then broke off (its backend died between the two) is such a failure; before the gateway broke those
 * answers off, the JDK server kept the client waiting for the rest of the body, and this test hung.
 */
class KillUnderLoadTest {
    private static final int CALLS = 3000;
    private static final int CLIENTS = 12;
    private static final int KILLS = 5;
    /** The outcome of a call whose status arrived and whose body then broke off (its backend died mid-answer). */
    private static final int BROKEN_OFF = -2;

    private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

    private final Map<Integer, AtomicInteger> executed = new ConcurrentHashMap<>();
    private final List<Backend3> backends = new ArrayList<>();
    private Hosts.Host host;

    @AfterEach
    void stop() {
        if (host != null) host.close();
        for (Backend3 b : backends) b.kill();
    }

    @Test
    void noCallIsLostDuplicatedOrFailedUnexecutedWhenBackendsDie() throws Exception {
        int[] ports = new int[3];
        BackendPool.Builder pool = BackendPool.builder("p").healthCheck(HealthCheckPolicy.disabled());
        for (int i = 0; i < 3; i++) {
            Backend3 b = new Backend3(0);
            backends.add(b);
            ports[i] = b.port;
            pool.backend(Backend.of("b" + i, "http://127.0.0.1:" + b.port + "/mcp"));
        }
        Gateway gateway = Gateway.builder().pool(pool.build()).build();
        host = Hosts.jdk(gateway);
        URI uri = URI.create(host.url());

        Map<Integer, Integer> outcome = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        List<Future<?>> futures = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            futures.add(clients.submit(() -> {
                for (int id = next.getAndIncrement(); id < CALLS; id = next.getAndIncrement()) {
                    String body = "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"tools/call\",\"params\":"
                            + "{\"name\":\"once\",\"arguments\":{}}}";
                    try {
                        HttpResponse<InputStream> r = http.send(
                                HttpRequest.newBuilder(uri)
                                        .timeout(Duration.ofSeconds(20))
                                        .header("Content-Type", "application/json")
                                        .header("Accept", "application/json, text/event-stream")
                                        .POST(HttpRequest.BodyPublishers.ofString(body))
                                        .build(),
                                HttpResponse.BodyHandlers.ofInputStream());
                        int status = r.statusCode();
                        try (InputStream in = r.body()) {
                            in.readAllBytes();
                        } catch (IOException e) {
                            status = BROKEN_OFF; // the status came, then the answer broke off
                        }
                        outcome.put(id, status);
                    } catch (IOException | InterruptedException e) {
                        outcome.put(id, -1);
                    }
                    done.incrementAndGet();
                }
                return null;
            }));
        }
        // five kills spread over the run, each backend in turn, each back 150 ms later on the same port
        for (int k = 0; k < KILLS; k++) {
            int at = (k + 1) * CALLS / (KILLS + 2);
            await("call " + at + " answered")
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(1))
                    .until(() -> done.get() >= at);
            int victim = k % 3;
            backends.get(victim).kill();
            Thread.sleep(150);
            backends.set(victim, new Backend3(ports[victim]));
        }
        for (Future<?> f : futures) {
            f.get(60, TimeUnit.SECONDS);
        }
        clients.shutdownNow();

        int twice = 0;
        int lost = 0;
        int okNotExecuted = 0;
        int failedExecuted = 0;
        int failedNowhere = 0;
        for (int id = 0; id < CALLS; id++) {
            AtomicInteger n = executed.get(id);
            int times = n == null ? 0 : n.get();
            Integer status = outcome.get(id);
            if (times > 1) twice++;
            if (status == null || status == -1) {
                lost++;
            } else if (status == 200) {
                if (times == 0) okNotExecuted++;
            } else if (times > 0) {
                failedExecuted++;
            } else {
                failedNowhere++;
            }
        }
        System.out.printf(
                "kill under load: %d calls, %d kills: executed twice %d, lost %d, ok but not executed %d,"
                        + " failed while executing (in flight at a kill) %d, failed but executed nowhere %d%n",
                CALLS, KILLS, twice, lost, okNotExecuted, failedExecuted, failedNowhere);
        assertThat(twice).as("executed twice").isZero();
        assertThat(lost).as("lost (no answer)").isZero();
        assertThat(okNotExecuted).as("answered 200 but executed nowhere").isZero();
        // Before the stale-connection check 27-31 calls failed here (5-6 a kill). What remains is a race no proxy can
        // close: the backend closing a connection in the microseconds between the gateway's check and its write (in
        // about one run out of seven, one call). More than two would mean the check is not doing its job.
        assertThat(failedNowhere).as("failed although no backend executed them").isLessThanOrEqualTo(2);
    }

    /**
     * A keep-alive HTTP/1.1 MCP backend on raw sockets that records each call it starts executing; {@link #kill()}
     * closes every socket at once, as the kernel does for a killed process.
     */
    final class Backend3 {
        final int port;
        private final ServerSocket server;
        private final List<Socket> sockets = new ArrayList<>();
        private final ExecutorService threads = Executors.newCachedThreadPool();
        private volatile boolean dead;

        Backend3(int port) throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 200);
            this.server = s;
            this.port = s.getLocalPort();
            threads.execute(this::accept);
        }

        private void accept() {
            for (int i = 0; i < 10_000 && !dead; i++) {
                try {
                    Socket c = server.accept();
                    synchronized (sockets) {
                        if (dead) {
                            c.close();
                            return;
                        }
                        sockets.add(c);
                    }
                    threads.execute(() -> serve(c));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket c) {
            try {
                InputStream in = new BufferedInputStream(c.getInputStream());
                OutputStream out = c.getOutputStream();
                for (int i = 0; i < 100_000 && !dead; i++) {
                    int length = -1;
                    StringBuilder line = new StringBuilder();
                    boolean headEnded = false;
                    while (!headEnded) {
                        int b = in.read();
                        if (b < 0) return;
                        if (b == '\n') {
                            String l = line.toString().trim();
                            if (l.isEmpty()) headEnded = true;
                            else if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                                length = Integer.parseInt(l.substring(15).trim());
                            }
                            line.setLength(0);
                        } else {
                            line.append((char) b);
                        }
                    }
                    byte[] body = in.readNBytes(Math.max(length, 0));
                    Matcher m = ID.matcher(new String(body, StandardCharsets.UTF_8));
                    if (!m.find()) return;
                    int id = Integer.parseInt(m.group(1));
                    // Received: from here on the call may have had effects, whether or not it is answered. A call
                    // that fails without getting here was never received by the backend.
                    executed.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    if (dead) return;
                    Thread.sleep(1); // the tool's work
                    if (dead) return; // killed while executing: no answer
                    byte[] answer = ("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":{\"content\":[]}}")
                            .getBytes(StandardCharsets.UTF_8);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + answer.length
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(answer);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // killed
            }
        }

        void kill() {
            dead = true;
            try {
                server.close();
            } catch (IOException ignored) {
                // closing
            }
            synchronized (sockets) {
                for (Socket s : sockets) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // closing
                    }
                }
            }
            threads.shutdownNow();
        }
    }
}
