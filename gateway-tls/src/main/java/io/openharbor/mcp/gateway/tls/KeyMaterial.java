package io.openharbor.mcp.gateway.tls;

import static java.util.Objects.requireNonNull;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/** A certificate chain and its private key, loaded from a {@link Source}: what a TLS endpoint proves itself with. */
final class KeyMaterial {
    private static final char[] IN_MEMORY = "in-memory".toCharArray();

    final X509ExtendedKeyManager keyManager;
    /** The leaf certificate, for expiry reports. */
    final X509Certificate leaf;

    private KeyMaterial(X509ExtendedKeyManager keyManager, X509Certificate leaf) {
        this.keyManager = keyManager;
        this.leaf = leaf;
    }

    static KeyMaterial load(Source source) {
        try {
            KeyStore ks;
            char[] keyPassword;
            X509Certificate leaf;
            if (source.kind == Source.Kind.PEM) {
                List<X509Certificate> chain = Pem.certificates(source.file);
                PrivateKey key = Pem.privateKey(
                        requireNonNull(source.keyFile, "a PEM key pair names its key file"), source.password);
                leaf = chain.get(0);
                checkPair(leaf, key, source);
                ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("key", key, IN_MEMORY, chain.toArray(new Certificate[0]));
                keyPassword = IN_MEMORY;
            } else {
                ks = Pem.keyStore(source.file, source.storeType(), source.password);
                leaf = null;
                for (String alias : Collections.list(ks.aliases())) {
                    if (ks.isKeyEntry(alias)) {
                        Certificate[] chain = ks.getCertificateChain(alias);
                        if (chain != null && chain.length > 0 && chain[0] instanceof X509Certificate) {
                            leaf = (X509Certificate) chain[0];
                            break;
                        }
                    }
                }
                if (leaf == null) {
                    throw new IllegalArgumentException(
                            "the key store " + source.file + " holds no private key with a certificate chain");
                }
                keyPassword = source.password;
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(ks, keyPassword);
            for (KeyManager km : kmf.getKeyManagers()) {
                if (km instanceof X509ExtendedKeyManager x509ExtendedKeyManager) {
                    return new KeyMaterial(x509ExtendedKeyManager, leaf);
                }
            }
            throw new IllegalStateException("the JDK offers no X509ExtendedKeyManager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException(
                    "cannot load the key material " + source + ": " + e.getMessage()
                            + (e instanceof java.security.UnrecoverableKeyException ? " (wrong key password?)" : ""),
                    e);
        }
    }

    /** Refuses a key that does not belong to the certificate: a signature made with one must verify with the other. */
    private static void checkPair(X509Certificate leaf, PrivateKey key, Source source) {
        String algorithm;
        switch (key.getAlgorithm()) {
            case "RSA" -> algorithm = "SHA256withRSA";
            case "EC" -> algorithm = "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> algorithm = "EdDSA";
            default -> {
                return;
                // nothing portable to test with; the handshake will tell
            }
        }
        boolean matches;
        try {
            byte[] probe = "openharbor-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException("the private key " + source.keyFile + " does not belong to the first"
                    + " certificate of " + source.file + " ("
                    + leaf.getSubjectX500Principal().getName()
                    + "); the leaf certificate must come first in the chain file");
        }
    }
}
