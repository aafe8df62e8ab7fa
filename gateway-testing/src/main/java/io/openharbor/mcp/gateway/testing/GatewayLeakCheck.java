package io.openharbor.mcp.gateway.testing;

import static org.awaitility.Awaitility.await;

import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.HealthReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A JUnit 5 extension that fails a test which leaks what a gateway holds for a request:
 *
 * <ul>
 *   <li>after each test, every gateway handed to {@link #watch(Gateway)} during it must come back to no in-flight
 *       slot on any backend and no backend connection in use ({@link Gateway#backendConnectionsInUse()}) within the
 *       wait; then the extension closes it;
 *   <li>after each test class, every gateway thread (a platform thread whose name starts with
 *       {@value #THREAD_PREFIX}) started since the class began must have ended within the wait, which finds a
 *       gateway that nobody closed.
 * </ul>
 *
 * <p>Register it on a class with {@code @ExtendWith(GatewayLeakCheck.class)}, or for every test class at once with
 * JUnit's extension auto-detection (a {@code META-INF/services/org.junit.jupiter.api.extension.Extension} file naming
 * this class and {@code junit.jupiter.extensions.autodetection.enabled=true}), as this project's own modules do. The
 * wait (five seconds unless the system property {@value #WAIT_PROPERTY} gives another ISO-8601 duration) covers work
 * that ends just after the client has its answer; it is polled, never slept through.
 *
 * <p>Tests in one JVM must run one at a time (JUnit's default): the gateways watched belong to whichever test is
 * running.
 */
public final class GatewayLeakCheck
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    /** The name prefix of every thread a gateway starts. */
    public static final String THREAD_PREFIX = "mcp-gateway-";
    /** The system property that sets the wait, e.g. {@code PT10S}. */
    public static final String WAIT_PROPERTY = "io.openharbor.mcp.gateway.testing.leakWait";

    private static final List<Gateway> WATCHED = new CopyOnWriteArrayList<>();
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(GatewayLeakCheck.class);

    private final Duration wait;

    /** The extension with the wait from {@value #WAIT_PROPERTY}, or five seconds. */
    public GatewayLeakCheck() {
        this(Duration.parse(System.getProperty(WAIT_PROPERTY, "PT5S")));
    }

    private GatewayLeakCheck(Duration wait) {
        this.wait = wait;
    }

    /**
     * The extension with its own wait, for {@code @RegisterExtension static final GatewayLeakCheck CHECK = ...}.
     *
     * @param wait how long what a gateway holds may take to be released after a test; positive
     * @return the extension
     */
    public static GatewayLeakCheck waiting(Duration wait) {
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("the wait must be positive: " + wait);
        }
        return new GatewayLeakCheck(wait);
    }

    /**
     * Has the running test's leak check look after {@code gateway}: after the test it must hold nothing, and it is
     * closed.
     *
     * @param gateway a gateway the test built
     * @param <G> its type
     * @return {@code gateway}, so a test can write {@code Gateway g = GatewayLeakCheck.watch(builder.build())}
     */
    public static <G extends Gateway> G watch(G gateway) {
        WATCHED.add(gateway);
        return gateway;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NAMESPACE).put("threads", gatewayThreads());
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        WATCHED.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        List<Gateway> gateways = new ArrayList<>(WATCHED);
        WATCHED.clear();
        List<String> problems = new ArrayList<>();
        for (Gateway gateway : gateways) {
            String held = awaitEmpty(() -> held(gateway));
            if (!held.isEmpty()) {
                problems.add("gateway for pool '" + gateway.pool().name() + "' still holds, " + wait
                        + " after the test: " + held);
            }
        }
        for (Gateway gateway : gateways) {
            gateway.close();
        }
        if (!problems.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " leaked: " + String.join("; ", problems));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Object stored = context.getStore(NAMESPACE).get("threads");
        Set<?> before = stored instanceof Set<?> s ? s : Set.of();
        String left = awaitEmpty(() -> {
            List<String> names = new ArrayList<>();
            for (Thread t : gatewayThreads()) {
                if (!before.contains(t)) {
                    names.add(t.getName() + " (" + t.getState() + ")");
                }
            }
            return names.isEmpty() ? "" : String.join(", ", names);
        });
        if (!left.isEmpty()) {
            throw new AssertionError(context.getDisplayName() + " left gateway threads running " + wait
                    + " after its last test (a gateway that was never closed?): " + left);
        }
    }

    /** What {@code gateway} holds now, or the empty string. */
    static String held(Gateway gateway) {
        List<String> held = new ArrayList<>();
        HealthReport report = gateway.health();
        for (HealthReport.BackendHealth b : report.backends()) {
            if (b.inFlight() > 0) {
                held.add(b.inFlight() + " in-flight slot(s) on backend '" + b.name() + "'");
            }
        }
        int connections = gateway.backendConnectionsInUse();
        if (connections > 0) {
            held.add(connections + " backend connection(s) in use");
        }
        return String.join(", ", held);
    }

    /** Polls {@code probe} until it returns the empty string or the wait is over; returns its last answer. */
    private String awaitEmpty(Supplier<String> probe) {
        String[] last = {probe.get()};
        if (last[0].isEmpty()) {
            return "";
        }
        try {
            await().atMost(wait).pollInterval(Duration.ofMillis(10)).until(() -> {
                last[0] = probe.get();
                return last[0].isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            return last[0];
        }
        return "";
    }

    private static Set<Thread> gatewayThreads() {
        Set<Thread> threads = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(THREAD_PREFIX)) {
                threads.add(t);
            }
        }
        return threads;
    }
}
