package io.openharbor.mcp.gateway.tls;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The identifiers a {@link BackendTls} policy pins, computed from a certificate: the SPKI pin ({@code sha256/} and the
 * base64 SHA-256 of the public key info, as OkHttp's {@code CertificatePinner} and HPKP spell it) and the thumbprints
 * (hex SHA-256 or SHA-1 of the whole certificate, as .NET's {@code X509Certificate2.Thumbprint} and the seed's
 * {@code AllowedCertificateThumbprints} use).
 *
 * <p>From the command line, for each certificate in PEM or DER files:
 * <pre>java -cp gateway-tls.jar io.openharbor.mcp.gateway.tls.Fingerprints backend.pem</pre>
 */
public final class Fingerprints {
    private Fingerprints() {}

    /**
     * {@code sha256/} + base64 of the SHA-256 of the certificate's SubjectPublicKeyInfo. Survives re-issuing with the
     * same key.
     *
     * @param certificate a certificate
     * @return the pin, sha256/ + base64
     */
    public static String spkiSha256(X509Certificate certificate) {
        return "sha256/"
                + Base64.getEncoder()
                        .encodeToString(
                                digest("SHA-256", certificate.getPublicKey().getEncoded()));
    }

    /**
     * Upper-case hex SHA-256 of the DER certificate. Changes whenever the certificate is re-issued.
     *
     * @param certificate a certificate
     * @return 64 upper-case hex digits
     */
    public static String sha256Thumbprint(X509Certificate certificate) {
        return HexFormat.of().withUpperCase().formatHex(digest("SHA-256", der(certificate)));
    }

    /**
     * Upper-case hex SHA-1 of the DER certificate (.NET's {@code Thumbprint}).
     *
     * @param certificate a certificate
     * @return 40 upper-case hex digits
     */
    public static String sha1Thumbprint(X509Certificate certificate) {
        return HexFormat.of().withUpperCase().formatHex(digest("SHA-1", der(certificate)));
    }

    /**
     * Prints the SPKI pin and both thumbprints of every certificate in the given files.
     *
     * @param args paths of PEM or DER certificate files
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: Fingerprints CERT.pem [MORE.pem ...]");
            System.exit(2);
        }
        for (String arg : args) {
            for (X509Certificate c : Pem.certificates(Path.of(arg))) {
                System.out.println(c.getSubjectX500Principal().getName() + " (" + arg + ", expires "
                        + c.getNotAfter().toInstant() + ")");
                System.out.println("  SPKI pin:          " + spkiSha256(c));
                System.out.println("  SHA-256 thumbprint " + sha256Thumbprint(c));
                System.out.println("  SHA-1 thumbprint   " + sha1Thumbprint(c));
            }
        }
    }

    /**
     * A thumbprint as configured, upper-case hex without separators: case, colons, spaces and dashes are ignored.
     *
     * @throws IllegalArgumentException unless it is 40 (SHA-1) or 64 (SHA-256) hex digits
     */
    static String normalizeThumbprint(String thumbprint) {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < thumbprint.length(); i++) {
            char c = thumbprint.charAt(i);
            if (c == ':' || c == ' ' || c == '-' || c == '\t') {
                continue;
            }
            if (Character.digit(c, 16) < 0) {
                throw new IllegalArgumentException(
                        "thumbprint '" + thumbprint + "' has a character that is not hex: '" + c + "'");
            }
            sb.append(c);
        }
        if (sb.length() != 40 && sb.length() != 64) {
            throw new IllegalArgumentException("thumbprint '" + thumbprint + "' must be 40 hex digits (SHA-1) or 64"
                    + " (SHA-256), has " + sb.length());
        }
        return sb.toString().toUpperCase(Locale.ROOT);
    }

    /**
     * An SPKI pin as configured, {@code sha256/} + base64 of 32 bytes.
     *
     * @throws IllegalArgumentException otherwise
     */
    static String normalizePin(String pin) {
        String p = pin.trim();
        if (!p.startsWith("sha256/")) {
            throw new IllegalArgumentException("pin '" + pin + "' must be 'sha256/' + base64 of the SHA-256 of the"
                    + " public key (SHA-1 pins are not accepted)");
        }
        byte[] hash;
        try {
            hash = Base64.getDecoder().decode(p.substring(7));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pin '" + pin + "' is not valid base64 after 'sha256/'", e);
        }
        if (hash.length != 32) {
            throw new IllegalArgumentException("pin '" + pin + "' must decode to 32 bytes, has " + hash.length);
        }
        return "sha256/" + Base64.getEncoder().encodeToString(hash);
    }

    private static byte[] der(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("certificate cannot be encoded", e);
        }
    }

    private static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is missing from this JVM", e);
        }
    }
}
