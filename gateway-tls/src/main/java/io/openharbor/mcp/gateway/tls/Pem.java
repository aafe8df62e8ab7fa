package io.openharbor.mcp.gateway.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.jspecify.annotations.Nullable;

/** Reads certificates, PKCS#8 private keys and key stores from files, with errors that name the file and the fix. */
final class Pem {
    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA", "RSASSA-PSS", "XDH", "DSA"};

    private Pem() {}

    /** Every certificate in a PEM bundle or a DER file. */
    static List<X509Certificate> certificates(Path file) {
        byte[] bytes = read(file, "certificate file");
        List<X509Certificate> out = new ArrayList<>();
        try {
            for (Certificate c :
                    CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(
                    "cannot read certificates from " + file + ": " + e.getMessage()
                            + " (expected PEM blocks -----BEGIN CERTIFICATE----- or one DER certificate)",
                    e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no certificate in " + file
                    + " (expected PEM blocks -----BEGIN CERTIFICATE----- or one DER certificate)");
        }
        return out;
    }

    /** The PKCS#8 private key in a PEM file, decrypted with {@code password} when it is encrypted. */
    static PrivateKey privateKey(Path file, char @Nullable [] password) {
        String text = new String(read(file, "private key file"), StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(m.group(2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the " + type + " block in " + file + " is not valid base64", e);
            }
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(der, file);
                }
                case "ENCRYPTED PRIVATE KEY" -> {
                    if (password == null) {
                        throw new IllegalArgumentException(file + " holds an encrypted private key: give its password");
                    }
                    return pkcs8(decrypt(der, password, file), file);
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY" ->
                    throw new IllegalArgumentException(file + " holds a traditional (" + type + ") key; convert it to"
                            + " PKCS#8 with: openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName()
                            + " -out key.pk8.pem");
                default -> {
                    // certificates or parameters next to the key: skip
                }
            }
        }
        throw new IllegalArgumentException("no private key in " + file
                + " (expected a PEM block -----BEGIN PRIVATE KEY----- or -----BEGIN ENCRYPTED PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("the private key in " + file + " is not a PKCS#8 RSA, EC or EdDSA key");
    }

    private static byte[] decrypt(byte[] der, char[] password, Path file) {
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            AlgorithmParameters params = info.getAlgParameters();
            String algorithm = params != null ? params.toString() : info.getAlgName();
            SecretKeyFactory skf = SecretKeyFactory.getInstance(algorithm);
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, skf.generateSecret(new PBEKeySpec(password)), params);
            return info.getKeySpec(cipher).getEncoded();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot decrypt the private key in " + file + " (wrong password, or an"
                            + " encryption the JDK does not support: " + e.getMessage() + ")",
                    e);
        }
    }

    /** A PKCS#12 or JKS key store. */
    static KeyStore keyStore(Path file, String type, char @Nullable [] password) {
        byte[] bytes = read(file, type + " key store");
        try {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(new ByteArrayInputStream(bytes), password);
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot open the " + type + " key store " + file + ": "
                            + e.getMessage()
                            + (e.getCause() instanceof javax.crypto.BadPaddingException
                                            || String.valueOf(e.getMessage()).contains("password")
                                    ? " (wrong password?)"
                                    : ""),
                    e);
        }
    }

    static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the " + what + " " + file + ": " + e, e);
        }
    }
}
