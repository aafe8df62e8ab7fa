package io.openharbor.mcp.gateway.redis;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} on 127.0.0.1 that a test starts, stops and starts again on the same port. CI installs
 * Debian's package ({@code .ci/run}) and sets {@code GATEWAY_REDIS_REQUIRED=1}, so there a missing server fails the
 * tests; elsewhere they are skipped with a message saying what to install.
 */
final class RedisProcess implements AutoCloseable {
    private final String binary;
    private final int port;
    private Process process;

    private RedisProcess(String binary, int port) {
        this.binary = binary;
        this.port = port;
    }

    static RedisProcess start() throws Exception {
        String binary = find();
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                port = s.getLocalPort();
            }
            RedisProcess r = new RedisProcess(binary, port);
            if (r.startProcess()) return r;
        }
        throw new IllegalStateException("redis-server did not start on a free port in 5 attempts");
    }

    private static String find() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin:/usr/sbin")
                .split(File.pathSeparator, -1)) {
            File f = new File(dir, "redis-server");
            if (f.canExecute()) return f.getPath();
        }
        String message = "redis-server is not installed (apt-get install redis-server); .ci/run installs it";
        if (System.getenv("GATEWAY_REDIS_REQUIRED") != null) {
            throw new IllegalStateException(message);
        }
        Assumptions.assumeTrue(false, message);
        throw new AssertionError("unreachable");
    }

    /** Starts the server on this port; false if it did not come up (the port was taken meanwhile). */
    boolean startProcess() throws Exception {
        process = new ProcessBuilder(List.of(
                        binary,
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--protected-mode",
                        "yes"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        for (int i = 0; i < 100; i++) { // up to 5 s
            if (!process.isAlive()) return false;
            if (ping()) return true;
            Thread.sleep(50);
        }
        stop();
        return false;
    }

    private boolean ping() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] answer = new byte[7];
            int n = s.getInputStream().read(answer);
            return n > 0 && new String(answer, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    URI uri() {
        return URI.create("redis://127.0.0.1:" + port);
    }

    void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS))
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
