package io.openharbor.mcp.gateway.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that refuses connections for as long as it is held: a socket bound to it that never listens, for a
 * backend that is down. A port found free and let go would not do: the next server started on port 0 (the gateway's
 * own host, say) may be given that very port, and the "dead" backend answers.
 *
 * <pre>{@code
 * try (DeadPort dead = new DeadPort()) {
 *     BackendPool pool = BackendPool.builder("p").backend(Backend.of("down", dead.url())).build();
 * }
 * }</pre>
 */
public final class DeadPort implements AutoCloseable {
    private final Socket socket = new Socket();

    /**
     * Holds a free loopback port.
     *
     * @throws UncheckedIOException if no port can be bound
     */
    public DeadPort() {
        try {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@return the port} */
    public int port() {
        return socket.getLocalPort();
    }

    /** {@return {@code http://127.0.0.1:<port>/mcp}} */
    public String url() {
        return "http://127.0.0.1:" + port() + "/mcp";
    }

    /** Lets the port go. */
    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }
}
