package io.openharbor.mcp.gateway.redis;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
    /** Extra arguments: TLS files, a password. With TLS the plain port is off and {@link #port} is the TLS one. */
    private final List<String> extra;

    private Process process;

    private RedisProcess(String binary, int port, List<String> extra) {
        this.binary = binary;
        this.port = port;
        this.extra = extra;
    }

    static RedisProcess start() throws Exception {
        return start(List.of());
    }

    /** A server with these extra arguments; {@code --tls-cert-file} among them makes its port a TLS port. */
    static RedisProcess start(List<String> extra) throws Exception {
        String binary = find();
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
                port = s.getLocalPort();
            }
            RedisProcess r = new RedisProcess(binary, port, extra);
            if (r.startProcess()) return r;
        }
        throw new IllegalStateException("redis-server did not start on a free port in 5 attempts");
    }

    private boolean tls() {
        return extra.contains("--tls-cert-file");
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
        List<String> command = new ArrayList<>(
                List.of(binary, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "yes"));
        if (tls()) {
            command.addAll(List.of("--port", "0", "--tls-port", Integer.toString(port)));
        } else {
            command.addAll(List.of("--port", Integer.toString(port)));
        }
        command.addAll(extra);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        for (int i = 0; i < 100; i++) { // up to 5 s
            if (!process.isAlive()) return false;
            if (tls() ? accepts() : ping()) return true;
            Thread.sleep(50);
        }
        stop();
        return false;
    }

    /** Whether the port takes a TCP connection (a TLS port cannot be pinged in the clear). */
    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
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
        return URI.create((tls() ? "rediss" : "redis") + "://127.0.0.1:" + port);
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
