package io.openharbor.mcp.gateway;

import java.lang.reflect.Method;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threads the gateway owns. On Java 21+ they are virtual threads (found by reflection at run time, since the library
 * is compiled for Java 17); before, platform daemon threads.
 */
final class Threads {
    private static final Logger log = LoggerFactory.getLogger(Logs.NAME);

    private Threads() {}

    /** Whether this JVM offers virtual threads (Java 21+). */
    static boolean virtualThreadsAvailable() {
        return virtualFactory("probe-") != null;
    }

    /** An executor starting one thread per task: virtual where available and wanted, else a cached platform pool. */
    static ExecutorService newExecutor(String namePrefix, boolean preferVirtual) {
        if (preferVirtual) {
            ThreadFactory vf = virtualFactory(namePrefix);
            if (vf != null) {
                try {
                    Method m = Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class);
                    return (ExecutorService) m.invoke(null, vf);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    log.debug("virtual-thread executor unavailable, using platform threads", e);
                }
            }
        }
        AtomicInteger n = new AtomicInteger();
        ThreadFactory pf = r -> {
            Thread t = new Thread(r, namePrefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), pf);
    }

    private static @Nullable ThreadFactory virtualFactory(String namePrefix) {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            builder = builderType.getMethod("name", String.class, long.class).invoke(builder, namePrefix, 0L);
            return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Runs {@code task} every {@code periodNanos} (after the previous run ends) until the executor shuts down or the
     * returned future is cancelled. A run that throws is logged and the schedule goes on: a periodic task whose run
     * throws is otherwise silently never run again.
     */
    static ScheduledFuture<?> every(ScheduledExecutorService executor, long periodNanos, String what, Runnable task) {
        return executor.scheduleWithFixedDelay(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        log.error(
                                "{} failed; it runs again in {} ms",
                                what,
                                TimeUnit.NANOSECONDS.toMillis(periodNanos),
                                e);
                    }
                },
                periodNanos,
                periodNanos,
                TimeUnit.NANOSECONDS);
    }
}
