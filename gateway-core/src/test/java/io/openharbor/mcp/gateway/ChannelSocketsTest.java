package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

/** The backend sockets: a closed peer is seen without blocking, probe timeouts apply, long read timeouts are okio's. */
class ChannelSocketsTest {
    @Test
    void aPeerThatClosedIsSeenWithoutBlockingAndAnOpenOneIsNot() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                Socket client = ChannelSockets.INSTANCE.createSocket()) {
            client.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()), 1000);
            Socket peer = server.accept();
            long start = System.nanoTime();
            assertThat(ChannelSockets.peerClosed(client)).as("open and idle").isFalse();
            assertThat(System.nanoTime() - start).as("no wait").isLessThan(500_000_000L);
            // still usable as a blocking socket afterwards
            peer.getOutputStream().write('x');
            assertThat(client.getInputStream().read()).isEqualTo('x');
            peer.close();
            for (int i = 0; i < 100 && !ChannelSockets.peerClosed(client); i++) {
                Thread.sleep(10); // the FIN crosses loopback
            }
            assertThat(ChannelSockets.peerClosed(client))
                    .as("closed by the peer")
                    .isTrue();
        }
    }

    @Test
    @SuppressWarnings("try") // the accepted socket only has to stay open
    void probeTimeoutsApplyAndLongReadTimeoutsAreOnlyRemembered() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
                Socket client = ChannelSockets.INSTANCE.createSocket()) {
            client.connect(new InetSocketAddress("127.0.0.1", server.getLocalPort()), 1000);
            try (Socket peer = server.accept()) {
                client.setSoTimeout(120_000);
                assertThat(client.getSoTimeout()).isEqualTo(120_000); // OkHttp reads it back after its probe
                client.setSoTimeout(1); // OkHttp's health probe of a connection idle for 10 s
                assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
                assertThat(client.getChannel()).isNotNull();
            }
        }
    }
}
