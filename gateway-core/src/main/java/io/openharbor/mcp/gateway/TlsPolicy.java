package io.openharbor.mcp.gateway;

import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How the gateway talks TLS to one {@link Backend}: the socket factory (which carries client certificates for mTLS),
 * the trust manager that decides whether the backend's chain is acceptable (where pinning happens), hostname
 * verification and the protocol versions.
 *
 * <p>{@link #system()} trusts the JVM's default roots with TLS 1.3 and 1.2. Pinned certificates, custom trust stores
 * and client certificates are implemented in the {@code gateway-tls} module; a policy is also easy to write by hand:
 *
 * <pre>{@code
 * // ctx: your SSLContext; tm: the X509TrustManager it was initialised with
 * TlsPolicy custom = new TlsPolicy() {
 *   @Override public SSLSocketFactory socketFactory() { return ctx.getSocketFactory(); }
 *   @Override public X509TrustManager trustManager() { return tm; }
 * };
 * }</pre>
 *
 * <p>A policy never turns verification off silently: the gateway uses exactly the trust manager and hostname verifier
 * it returns.
 */
public interface TlsPolicy {

    /**
     * The socket factory for connections to the backend; it must use {@link #trustManager()}.
     *
     * @return the factory of TLS sockets to the backend
     */
    SSLSocketFactory socketFactory();

    /** {@return the trust manager that verifies the backend's certificate chain} */
    X509TrustManager trustManager();

    /**
     * A replacement hostname verifier, or empty for standard RFC 2818 verification of the backend URL's host
     * (the default).
     *
     * @return the verifier, or empty for standard verification
     */
    default Optional<HostnameVerifier> hostnameVerifier() {
        return Optional.empty();
    }

    /** {@return the TLS protocol versions offered, most preferred first (default TLS 1.3 and TLS 1.2)} */
    default List<String> protocols() {
        return List.of("TLSv1.3", "TLSv1.2");
    }

    /**
     * The JVM's default trust roots, standard hostname verification, TLS 1.3 and 1.2. One shared instance.
     *
     * @return the shared system policy
     */
    static TlsPolicy system() {
        return SystemTlsPolicy.INSTANCE;
    }
}

/** The JVM's default trust, loaded once. */
final class SystemTlsPolicy implements TlsPolicy {
    static final SystemTlsPolicy INSTANCE = new SystemTlsPolicy();

    private final SSLSocketFactory socketFactory;
    private final X509TrustManager trustManager;

    private SystemTlsPolicy() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            X509TrustManager found = null;
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509TrustManager) {
                    found = x509TrustManager;
                    break;
                }
            }
            if (found == null) {
                throw new IllegalStateException("the JVM offers no X509TrustManager");
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {found}, null);
            this.trustManager = found;
            this.socketFactory = context.getSocketFactory();
        } catch (NoSuchAlgorithmException | KeyStoreException | KeyManagementException e) {
            throw new IllegalStateException("cannot load the JVM's default TLS trust", e);
        }
    }

    @Override
    public SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    @Override
    public X509TrustManager trustManager() {
        return trustManager;
    }

    @Override
    public String toString() {
        return "TlsPolicy.system()";
    }
}
