package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that refuses connections for as long as the test holds it: a socket bound to it that never listens.
 * A port found free and let go would not do: the next server the test starts on port 0 (the gateway's own host,
 * say) may be given that very port, and the "dead" backend answers (ProxyTest once saw the gateway call itself).
 * gateway-testing's {@code DeadPort} is the same for other modules; this module's tests cannot depend on it.
 */
final class DeadPort implements AutoCloseable {
    private final Socket socket = new Socket();

    DeadPort() {
        try {
            socket.bind(new InetSocketAddress("127.0.0.1", 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>/mcp}. */
    String url() {
        return "http://127.0.0.1:" + port() + "/mcp";
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to release
        }
    }
}
