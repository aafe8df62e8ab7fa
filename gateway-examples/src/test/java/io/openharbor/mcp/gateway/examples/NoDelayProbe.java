package io.openharbor.mcp.gateway.examples;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Run in a JVM of its own (the JDK reads {@code sun.net.httpserver.nodelay} once per JVM): starts the README's example
 * exactly as written and prints how long 20 keep-alive requests on one connection take, in milliseconds.
 */
public final class NoDelayProbe {
    public static void main(String[] args) throws Exception {
        int port = EmbeddingExampleTest.freePort();
        AutoCloseable running = EmbeddingExample.start(
                port, "http://127.0.0.1:9/mcp", "http://127.0.0.1:10/mcp", new byte[32], "ci-bot-key-0123456789abcdef");
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            byte[] request = ("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            readAnswer(out, in, request); // warm up
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                readAnswer(out, in, request);
            }
            System.out.println("millis=" + (System.nanoTime() - start) / 1_000_000);
        } finally {
            running.close();
        }
        System.exit(0);
    }

    /** Sends the request and reads one fixed-length answer. */
    private static void readAnswer(OutputStream out, InputStream in, byte[] request) throws Exception {
        out.write(request);
        out.flush();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new IllegalStateException("closed");
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n", -1)) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                length = Integer.parseInt(line.substring(15).trim());
        }
        in.readNBytes(length);
    }
}
