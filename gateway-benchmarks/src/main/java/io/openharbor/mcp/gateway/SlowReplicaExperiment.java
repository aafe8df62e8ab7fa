package io.openharbor.mcp.gateway;

import com.sun.net.httpserver.HttpServer;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The Linkerd "beyond round robin" experiment on loopback: 11 MCP-ish backends, ten answering in 10–20 ms and one in
 * 2 s, behind the gateway; an open-loop load of {@code rate} requests per second for {@code seconds}, each with a 1 s
 * client timeout. For each strategy: success rate (HTTP 200 within 1 s), p50, p99, p99.9 (a timed-out request counts
 * as 1 s). Every strategy starts from a fresh gateway, after a short warm-up on another one so the JIT is not measured.
 *
 * <p>Run with {@code bash bench/slow-replica.sh [rate] [seconds]}; bounded: sends exactly rate × seconds requests per
 * strategy and waits at most 3 s for stragglers.
 */
public final class SlowReplicaExperiment {
    private static final String BODY = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
            + "\"search\",\"arguments\":{\"q\":\"x\"}}}";
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(1);

    public static void main(String[] args) throws Exception {
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        List<HttpServer> backends = new ArrayList<>();
        List<ExecutorService> executors = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            boolean slow = i == 5;
            SplittableRandom jitter = new SplittableRandom(i);
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
            s.createContext("/mcp", exchange -> {
                long ms;
                synchronized (jitter) {
                    ms = slow ? 2000 : 10 + jitter.nextInt(11);
                }
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    Thread.sleep(ms); // the replica's service time
                    byte[] out = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{\"content\":[]}}"
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, out.length);
                    try (OutputStream os = exchange.getResponseBody()) {
                        os.write(out);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            ExecutorService ex = Gateway.newRequestExecutor("backend-" + i + "-");
            s.setExecutor(ex);
            s.start();
            backends.add(s);
            executors.add(ex);
        }
        System.out.printf(
                "slow-replica experiment: 11 backends (one answers in 2 s), %d req/s for %d s per strategy,"
                        + " 1 s client timeout, Java %s%n",
                rate, seconds, Runtime.version());
        StringBuilder table = new StringBuilder(
                "| strategy | requests | success | p50 | p99 | p99.9 |\n" + "|---|---|---|---|---|---|\n");
        for (String strategy : List.of("roundRobin", "leastConnections", "peakEwma")) {
            run(strategy, backends, rate, 3, null); // warm-up on a throwaway gateway
            run(strategy, backends, rate, seconds, table);
        }
        System.out.println();
        System.out.print(table);
        for (HttpServer s : backends) s.stop(0);
        for (ExecutorService e : executors) e.shutdownNow();
    }

    private static LoadBalancer balancer(String name) {
        return switch (name) {
            case "roundRobin" -> LoadBalancer.roundRobin();
            case "leastConnections" -> LoadBalancer.leastConnections();
            default -> LoadBalancer.peakEwma();
        };
    }

    private static void run(
            String strategy, List<HttpServer> backends, int rate, int seconds, @Nullable StringBuilder table)
            throws Exception {
        BackendPool.Builder pool =
                BackendPool.builder("exp").loadBalancer(balancer(strategy)).healthCheck(HealthCheckPolicy.disabled());
        for (int i = 0; i < backends.size(); i++) {
            pool.backend(Backend.builder(
                            "b" + i,
                            URI.create("http://127.0.0.1:"
                                    + backends.get(i).getAddress().getPort() + "/mcp"))
                    .maxConnections(1000)
                    .build());
        }
        Gateway gateway = Gateway.builder().pool(pool.build()).build();
        HttpServer host = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        host.createContext("/mcp", new GatewayHttpHandler(gateway));
        ExecutorService hostExecutor = Gateway.newRequestExecutor("gw-");
        host.setExecutor(hostExecutor);
        host.start();
        URI uri = URI.create("http://127.0.0.1:" + host.getAddress().getPort() + "/mcp");
        ExecutorService clientExecutor = Gateway.newRequestExecutor("client-");
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .executor(clientExecutor)
                .build();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(1))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(BODY))
                .build();

        int total = rate * seconds;
        long[] latency = new long[total];
        boolean[] ok = new boolean[total];
        CompletableFuture<?>[] pending = new CompletableFuture<?>[total];
        long interval = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) LockSupport.parkNanos(wait);
            int n = i;
            long sent = System.nanoTime();
            pending[i] = client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .handle((r, e) -> {
                        long took = System.nanoTime() - sent;
                        ok[n] = e == null && r.statusCode() == 200 && took <= TIMEOUT_NANOS;
                        latency[n] = Math.min(took, TIMEOUT_NANOS);
                        return null;
                    });
        }
        try {
            CompletableFuture.allOf(pending).get(3, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            System.out.println("  (some requests still open after 3 s; counted as failures)");
        }
        int success = 0;
        for (int i = 0; i < total; i++) {
            if (!pending[i].isDone()) latency[i] = TIMEOUT_NANOS;
            else if (ok[i]) success++;
        }
        long[] sorted = latency.clone();
        Arrays.sort(sorted);
        if (table != null) {
            String row = String.format(
                    "| %s | %d | %.2f %% | %s | %s | %s |%n",
                    strategy, total, 100.0 * success / total, ms(sorted, 0.50), ms(sorted, 0.99), ms(sorted, 0.999));
            System.out.print(row);
            table.append(row);
            System.out.printf(
                    "  slow replica: %s%n", gateway.health().backends().get(5));
        }
        host.stop(0);
        hostExecutor.shutdownNow();
        clientExecutor.shutdownNow();
        gateway.close();
    }

    private static String ms(long[] sorted, double q) {
        int idx = Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1);
        return String.format("%.1f ms", sorted[Math.max(idx, 0)] / 1e6);
    }

    private SlowReplicaExperiment() {}
}
