package io.openharbor.mcp.gateway.config;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A scripted MCP backend on 127.0.0.1: {@code /health} answers 200, every other path answers JSON-RPC with its name. */
final class FakeMcp implements AutoCloseable {
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*(\"[^\"]*\"|\\d+)");

    final String name;
    final AtomicInteger requests = new AtomicInteger();
    /** Requests whose body says "hold" wait for this (bounded) before answering. */
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch holding = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();

    FakeMcp(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
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
                        release.await(20, TimeUnit.SECONDS);
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
        });
        server.setExecutor(executor);
        server.start();
    }

    int port() {
        return server.getAddress().getPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
