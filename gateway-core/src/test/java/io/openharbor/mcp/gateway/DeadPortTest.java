package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

/** What failover tests rely on: a held dead port refuses connections and no server can take it meanwhile. */
class DeadPortTest {
    @Test
    void connectionsAreRefusedAndNoServerCanTakeThePortWhileItIsHeld() throws Exception {
        try (DeadPort dead = new DeadPort()) {
            assertThatThrownBy(() -> {
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress("127.0.0.1", dead.port()), 2000);
                        }
                    })
                    .isInstanceOf(ConnectException.class);
            assertThatThrownBy(() -> {
                        try (ServerSocket s = new ServerSocket()) {
                            s.bind(new InetSocketAddress("127.0.0.1", dead.port()));
                        }
                    })
                    .as("a port found free and released could be given to the next server; a held one cannot")
                    .isInstanceOf(BindException.class);
        }
    }
}
