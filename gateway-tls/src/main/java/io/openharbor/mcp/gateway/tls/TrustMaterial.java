package io.openharbor.mcp.gateway.tls;

import io.openharbor.mcp.gateway.TlsPolicy;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * A set of trust anchors (custom files, the JVM's roots, or both) and the JDK's PKIX trust manager over them. The
 * anchors are kept by subject so that the chain a handshake was verified against can be rebuilt for SPKI pinning.
 */
final class TrustMaterial {
    final X509ExtendedTrustManager pkix;
    final Map<X500Principal, List<X509Certificate>> anchorsBySubject;
    final int anchorCount;

    private TrustMaterial(X509ExtendedTrustManager pkix, Map<X500Principal, List<X509Certificate>> anchors, int n) {
        this.pkix = pkix;
        this.anchorsBySubject = anchors;
        this.anchorCount = n;
    }

    static TrustMaterial load(List<Source> sources, boolean systemRoots) {
        List<X509Certificate> anchors = new ArrayList<>();
        for (Source s : sources) {
            if (s.kind == Source.Kind.PEM) {
                anchors.addAll(Pem.certificates(s.file));
            } else {
                KeyStore ks = Pem.keyStore(s.file, s.storeType(), s.password);
                int before = anchors.size();
                try {
                    for (String alias : Collections.list(ks.aliases())) {
                        Certificate c = ks.isCertificateEntry(alias) ? ks.getCertificate(alias) : null;
                        if (c == null && ks.isKeyEntry(alias)) {
                            Certificate[] chain = ks.getCertificateChain(alias);
                            c = chain != null && chain.length > 0 ? chain[chain.length - 1] : null;
                        }
                        if (c instanceof X509Certificate) {
                            anchors.add((X509Certificate) c);
                        }
                    }
                } catch (GeneralSecurityException e) {
                    throw new IllegalArgumentException("cannot read the trust store " + s.file + ": " + e, e);
                }
                if (anchors.size() == before) {
                    throw new IllegalArgumentException("the trust store " + s.file + " holds no certificate");
                }
            }
        }
        if (systemRoots) {
            // The JVM's roots as core already loaded them once, not cacerts read again on every reload.
            Collections.addAll(anchors, TlsPolicy.system().trustManager().getAcceptedIssuers());
        }
        if (anchors.isEmpty()) {
            throw new IllegalArgumentException("no trust anchor: add a trust file or include the system roots");
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            Map<X500Principal, List<X509Certificate>> bySubject = new HashMap<>();
            for (int i = 0; i < anchors.size(); i++) {
                X509Certificate c = anchors.get(i);
                ks.setCertificateEntry("anchor-" + i, c);
                bySubject
                        .computeIfAbsent(c.getSubjectX500Principal(), k -> new ArrayList<>(1))
                        .add(c);
            }
            return new TrustMaterial(pkixTrustManager(ks), bySubject, anchors.size());
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot build a trust store in memory", e);
        }
    }

    /** The JDK's PKIX trust manager over {@code anchors}. */
    static X509ExtendedTrustManager pkixTrustManager(KeyStore anchors) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
            tmf.init(anchors);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509ExtendedTrustManager x509ExtendedTrustManager) {
                    return x509ExtendedTrustManager;
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create the JDK's PKIX trust manager", e);
        }
        throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
    }
}
