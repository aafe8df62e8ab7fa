package io.openharbor.mcp.gateway.tls;

import static java.util.Objects.requireNonNull;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Decides, during the handshake, whether a backend's certificate chain is acceptable: with validation on, the JDK's
 * PKIX check against the configured anchors, then the pins; with validation off, the leaf's validity period and the
 * pins, which then must match the leaf (only the leaf proves possession of its key). A refusal is a
 * {@link CertificateException} whose message lists what the backend presented, so the handshake fails before any
 * request byte is written and the operator can fix the configuration from the log line.
 */
final class PinningTrustManager extends X509ExtendedTrustManager {
    private static final int MAX_CHAIN = 10;

    private final boolean validate;
    private final java.util.function.@Nullable Supplier<TrustMaterial> trust;
    private final Set<String> thumbprints;
    private final Set<String> pins;

    PinningTrustManager(
            boolean validate,
            java.util.function.@Nullable Supplier<TrustMaterial> trust,
            Set<String> thumbprints,
            Set<String> pins) {
        this.validate = validate;
        this.trust = trust;
        this.thumbprints = thumbprints;
        this.pins = pins;
    }

    /** One of the JDK's three ways to ask a PKIX trust manager, with what it was given. */
    @FunctionalInterface
    private interface Pkix {
        void check(X509ExtendedTrustManager pkix) throws CertificateException;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(
                chain,
                tm -> tm.checkServerTrusted(chain, authType, socket),
                socket instanceof SSLSocket sSLSocket ? sSLSocket.getHandshakeSession() : null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(
                chain,
                tm -> tm.checkServerTrusted(chain, authType, engine),
                engine != null ? engine.getHandshakeSession() : null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain, tm -> tm.checkServerTrusted(chain, authType), null);
    }

    /** PKIX first when validating (its failure explained), then the pins. */
    private void verify(X509Certificate[] chain, Pkix pkix, @Nullable SSLSession session) throws CertificateException {
        TrustMaterial t = validate ? trusted() : null;
        if (t != null) {
            try {
                pkix.check(t.pkix);
            } catch (CertificateException e) {
                throw explain(chain, e);
            }
        }
        check(chain, t, session);
    }

    private void check(X509Certificate[] chain, @Nullable TrustMaterial t, @Nullable SSLSession session)
            throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the backend presented no certificate");
        }
        X509Certificate leaf = chain[0];
        if (t == null) {
            try {
                leaf.checkValidity(); // expired or not yet valid: refused even when pinned
            } catch (CertificateException e) {
                throw explain(chain, e);
            }
        }
        if (thumbprints.isEmpty() && pins.isEmpty()) {
            return;
        }
        List<X509Certificate> verified = t != null && !pins.isEmpty() ? verifiedChain(chain, t) : List.of(leaf);
        if (matches(leaf, verified)) {
            return;
        }
        String host = session != null && session.getPeerHost() != null ? session.getPeerHost() : "the backend";
        throw new CertificateException(failure(t != null ? verified : List.of(chain), host));
    }

    /**
     * PKIX's own message ("validity check failed", "unable to find valid certification path") made plain: which
     * certificate expired when, or which issuer is not trusted.
     */
    static CertificateException explain(X509Certificate[] chain, CertificateException e) {
        if (chain == null || chain.length == 0) {
            return e;
        }
        String why = null;
        for (X509Certificate c : chain) {
            try {
                c.checkValidity();
            } catch (java.security.cert.CertificateExpiredException x) {
                why = "certificate " + c.getSubjectX500Principal().getName() + " expired on "
                        + c.getNotAfter().toInstant();
                break;
            } catch (java.security.cert.CertificateNotYetValidException x) {
                why = "certificate " + c.getSubjectX500Principal().getName() + " is not valid before "
                        + c.getNotBefore().toInstant();
                break;
            }
        }
        if (why == null) {
            X509Certificate top = chain[chain.length - 1];
            why = "chain of " + chain[0].getSubjectX500Principal().getName() + " (issued by "
                    + top.getIssuerX500Principal().getName() + ") is not trusted";
        }
        return new CertificateException(why + " (" + e.getMessage() + ")", e);
    }

    /** Whether the leaf and, for SPKI pins, the verified chain satisfy every configured kind of pin. */
    boolean matches(X509Certificate leaf, List<X509Certificate> verified) {
        if (!thumbprints.isEmpty()
                && !thumbprints.contains(Fingerprints.sha256Thumbprint(leaf))
                && !thumbprints.contains(Fingerprints.sha1Thumbprint(leaf))) {
            return false;
        }
        if (pins.isEmpty()) {
            return true;
        }
        for (X509Certificate c : verified) {
            if (pins.contains(Fingerprints.spkiSha256(c))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The chain PKIX accepted, from the leaf up to its trust anchor, rebuilt from the presented certificates and the
     * anchors by subject and signature (what OkHttp's certificate chain cleaner does): pins must not match a
     * certificate that a server merely sent along.
     */
    static List<X509Certificate> verifiedChain(X509Certificate[] chain, TrustMaterial t) throws CertificateException {
        List<X509Certificate> out = new ArrayList<>(4);
        X509Certificate current = chain[0];
        out.add(current);
        for (int depth = 0; depth < MAX_CHAIN; depth++) {
            List<X509Certificate> same = t.anchorsBySubject.get(current.getSubjectX500Principal());
            if (same != null && same.contains(current)) {
                return out; // the certificate itself is trusted
            }
            List<X509Certificate> issuers = t.anchorsBySubject.get(current.getIssuerX500Principal());
            if (issuers != null) {
                for (X509Certificate anchor : issuers) {
                    if (signedBy(current, anchor)) {
                        out.add(anchor);
                        return out;
                    }
                }
            }
            X509Certificate next = null;
            for (X509Certificate c : chain) {
                if (!c.equals(current)
                        && c.getSubjectX500Principal().equals(current.getIssuerX500Principal())
                        && signedBy(current, c)) {
                    next = c;
                    break;
                }
            }
            if (next == null) {
                break;
            }
            out.add(next);
            current = next;
        }
        throw new CertificateException("cannot rebuild the verified chain of "
                + chain[0].getSubjectX500Principal().getName() + " up to a trust anchor for pin matching");
    }

    private static boolean signedBy(X509Certificate child, X509Certificate issuer) {
        try {
            child.verify(issuer.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** OkHttp's "Certificate pinning failure!" message, with the thumbprints the seed's configuration uses. */
    private String failure(List<X509Certificate> chain, String host) {
        StringBuilder sb = new StringBuilder("Certificate pinning failure!\n  Peer certificate chain:");
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate c = chain.get(i);
            sb.append("\n    ")
                    .append(Fingerprints.spkiSha256(c))
                    .append(": ")
                    .append(c.getSubjectX500Principal().getName());
            if (i == 0) {
                sb.append(" (thumbprint SHA-256 ")
                        .append(Fingerprints.sha256Thumbprint(c))
                        .append(", SHA-1 ")
                        .append(Fingerprints.sha1Thumbprint(c))
                        .append(')');
            }
        }
        sb.append("\n  Pinned certificates for ").append(host).append(':');
        for (String p : pins) {
            sb.append("\n    ").append(p);
        }
        for (String tp : thumbprints) {
            sb.append("\n    thumbprint ")
                    .append(tp.length() == 40 ? "SHA-1 " : "SHA-256 ")
                    .append(tp);
        }
        return sb.toString();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return validate ? trusted().pkix.getAcceptedIssuers() : new X509Certificate[0];
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a backend TLS policy does not authenticate clients");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    /** The current trust anchors; there are some whenever validation is on. */
    private TrustMaterial trusted() {
        return requireNonNull(trust, "validation has trust anchors").get();
    }
}
