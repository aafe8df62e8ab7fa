package io.openharbor.mcp.gateway.tls;

import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * An {@link SSLContext} that follows reloadable material: when any of the materials it was built from has been
 * reloaded, the next caller gets a context built from the new ones. A new context also means a new session cache, so
 * no handshake resumes a session made with the old certificate or trust (a resumed session skips both).
 */
final class LiveContext implements Supplier<SSLContext> {
    private final Supplier<Object[]> materials;
    private final Function<Object[], SSLContext> build;
    private volatile Object[] builtFrom;
    private volatile SSLContext context;

    /** Builds the first context now. */
    LiveContext(Supplier<Object[]> materials, Function<Object[], SSLContext> build) {
        this.materials = materials;
        this.build = build;
        this.builtFrom = materials.get();
        this.context = build.apply(builtFrom);
    }

    /** The context for the current material (each material's reload check runs first when it is due). */
    @Override
    public SSLContext get() {
        Object[] now = materials.get();
        if (!same(now, builtFrom)) {
            synchronized (this) {
                if (!same(now, builtFrom)) {
                    context = build.apply(now);
                    builtFrom = now;
                }
            }
        }
        return context;
    }

    /** The context last built, without a reload check. */
    SSLContext peek() {
        return context;
    }

    private static boolean same(Object[] a, Object[] b) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
