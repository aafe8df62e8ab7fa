package io.openharbor.mcp.gateway.examples;

import static java.util.Objects.requireNonNull;

import io.openharbor.mcp.gateway.tls.ServerTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.UnrecoverableKeyException;
import java.time.Duration;

/**
 * An HTTPS endpoint's {@link ServerTls} from its Kestrel certificate settings, or a start-up error that names the file,
 * the setting it came from and the fix, as the seed's troubleshooting section ("Unable to configure HTTPS endpoint")
 * lists them: the file exists, the password is right, the file is a PFX.
 */
final class ServerCertificates {
    private ServerCertificates() {}

    static ServerTls load(KestrelEndpoints.Endpoint endpoint, Duration reloadCheck) throws DemoMain.SettingsException {
        KestrelEndpoints.Certificate c = requireNonNull(endpoint.certificate(), "an HTTPS endpoint's certificate");
        String at = "Kestrel:Endpoints:" + endpoint.name();
        requireReadable(at, c.path(), c.from());
        if (c.keyPath() != null) {
            requireReadable(at, c.keyPath(), at + ":Certificate:KeyPath");
        }
        ServerTls.Builder b = ServerTls.builder()
                .protocols(endpoint.tlsProtocols().toArray(String[]::new))
                .reloadCheckInterval(reloadCheck);
        char[] password = c.password().toCharArray();
        if (c.keyPath() != null) {
            b.certificatePem(c.path(), c.keyPath(), password.length == 0 ? null : password);
        } else {
            b.pkcs12(c.path(), password);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new DemoMain.SettingsException(message(at, c, e));
        }
    }

    private static void requireReadable(String at, Path file, String from) throws DemoMain.SettingsException {
        if (!Files.isRegularFile(file)) {
            throw new DemoMain.SettingsException("error: " + at + " (HTTPS): the certificate file " + file
                    + " does not exist" + (Files.exists(file) ? " as a file" : "") + ". Put it there, or set " + from
                    + " (KESTREL__"
                    + from.replace("Kestrel:", "").replace(":", "__").toUpperCase(java.util.Locale.ROOT)
                    + ") to where it is.");
        }
        if (!Files.isReadable(file)) {
            throw new DemoMain.SettingsException("error: " + at + " (HTTPS): the certificate file " + file
                    + " cannot be read by this user. Give the gateway's user read access to it (and only it).");
        }
    }

    private static String message(String at, KestrelEndpoints.Certificate c, RuntimeException e) {
        String head = "error: " + at + " (HTTPS): cannot use the certificate " + c.path() + ": ";
        if (c.keyPath() != null) {
            return head + e.getMessage() + ". Certificate:Path must be the PEM certificate chain (leaf first) and"
                    + " Certificate:KeyPath its PKCS#8 PEM key (Certificate:Password if the key is encrypted); check"
                    + " them with: openssl x509 -in " + c.path() + " -noout -subject -enddate";
        }
        if (causedBy(e, UnrecoverableKeyException.class)
                || String.valueOf(e.getMessage()).contains("password")) {
            return head + "the password is wrong" + (c.password().isEmpty() ? " (none was given)" : "")
                    + ". Set " + c.passwordFrom() + " to the PFX's password; check it with: openssl pkcs12 -info -in "
                    + c.path() + " -noout";
        }
        return head + "it is not a PKCS#12 (PFX) file with a private key and its certificate (" + e.getMessage()
                + "). Check it with: openssl pkcs12 -info -in " + c.path() + " -noout; make one with: openssl pkcs12"
                + " -export -in gateway.crt -inkey gateway.key -out gateway.pfx; or give PEM files as"
                + " Certificate:Path (the chain) and Certificate:KeyPath (the key)";
    }

    private static boolean causedBy(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) return true;
        }
        return false;
    }
}
