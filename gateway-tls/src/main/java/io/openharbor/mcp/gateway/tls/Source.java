package io.openharbor.mcp.gateway.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** One configured file of key or trust material, with how to read it. Passwords are copied and never printed. */
final class Source {
    enum Kind {
        PEM,
        PKCS12,
        JKS
    }

    final Kind kind;
    final Path file;
    /** The private key file for a PEM key pair, else null. */
    final @Nullable Path keyFile;

    final char @Nullable [] password;

    private Source(Kind kind, Path file, @Nullable Path keyFile, char @Nullable [] password) {
        this.kind = kind;
        this.file = requireNonNull(file, "file");
        this.keyFile = keyFile;
        this.password = password == null ? null : password.clone();
    }

    static Source pem(Path certificates) {
        return new Source(Kind.PEM, certificates, null, null);
    }

    static Source pemKeyPair(Path certificateChain, Path privateKey, char @Nullable [] keyPassword) {
        return new Source(Kind.PEM, certificateChain, requireNonNull(privateKey, "privateKey"), keyPassword);
    }

    static Source store(Kind kind, Path file, char[] password) {
        return new Source(kind, file, null, requireNonNull(password, "password"));
    }

    /** The files whose change means reloading. */
    List<Path> files() {
        return keyFile == null ? List.of(file) : List.of(file, keyFile);
    }

    String storeType() {
        return kind == Kind.JKS ? "JKS" : "PKCS12";
    }

    @Override
    public String toString() {
        return kind + " " + file + (keyFile != null ? " + " + keyFile : "");
    }
}
