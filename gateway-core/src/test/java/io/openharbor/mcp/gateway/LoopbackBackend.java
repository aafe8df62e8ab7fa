package io.openharbor.mcp.gateway;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One scripted backend on 127.0.0.1 for each test, and the hosts the test puts in front of it, all closed after it:
 * {@code @RegisterExtension final LoopbackBackend loopback = new LoopbackBackend();}.
 */
final class LoopbackBackend implements BeforeEachCallback, AfterEachCallback {
    final MockWebServer server = new MockWebServer();
    private final List<Hosts.Host> hosts = new ArrayList<>();

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        server.start(InetAddress.getByName("127.0.0.1"), 0);
    }

    /** {@code host}, closed (with its gateway) after the test. */
    Hosts.Host closing(Hosts.Host host) {
        hosts.add(host);
        return host;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        for (Hosts.Host h : hosts) {
            h.close();
        }
        server.close();
    }
}
