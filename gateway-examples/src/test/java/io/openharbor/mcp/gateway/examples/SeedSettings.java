package io.openharbor.mcp.gateway.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import okhttp3.tls.HeldCertificate;

/** The seed guide's appsettings.Production.json made runnable on loopback, and the PFX files it points at. */
final class SeedSettings {
    /** The seed guide's example, kept once in the repository (with ${PORT1}/${PORT2} placeholders). */
    private static final Path SEED = Path.of("../gateway-config/src/test/resources/seed-appsettings.json");

    private SeedSettings() {}

    /**
     * The seed file at {@code file} with its listeners on 127.0.0.1 (ports chosen by the system), its backends at
     * {@code backend1} and {@code backend2}, and its certificate at {@code pfx}.
     */
    static Path write(Path file, Path pfx, String backend1, String backend2) throws IOException {
        Files.writeString(
                file,
                Files.readString(SEED)
                        .replace("http://*:8080", "http://127.0.0.1:0")
                        .replace("https://*:8443", "https://127.0.0.1:0")
                        .replace("/app/certs/gateway.pfx", json(pfx))
                        .replace("http://127.0.0.1:${PORT1}", backend1)
                        .replace("http://127.0.0.1:${PORT2}", backend2));
        return file;
    }

    /** {@code p} as a JSON string's content. */
    static String json(Path p) {
        return p.toString().replace("\\", "\\\\");
    }

    /** A PKCS#12 file holding {@code leaf}'s key and the chain leaf, {@code ca}, under {@code password}. */
    static void writePfx(Path file, HeldCertificate leaf, HeldCertificate ca, String password)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("gateway", leaf.keyPair().getPrivate(), password.toCharArray(), new Certificate[] {
            leaf.certificate(), ca.certificate()
        });
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, password.toCharArray());
        }
    }
}
