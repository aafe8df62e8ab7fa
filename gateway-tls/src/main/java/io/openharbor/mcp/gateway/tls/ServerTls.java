package io.openharbor.mcp.gateway.tls;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import io.openharbor.mcp.gateway.Ticker;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * TLS for the host's own HTTPS listener, from PEM or PKCS#12 files, with rotation: the certificate and key (and the
 * client-certificate trust, with {@link ClientAuth}) are re-read when the files change, without a restart; new
 * handshakes use the new certificate.
 *
 * <p>JDK {@code HttpsServer}:
 * <pre>{@code
 * ServerTls tls = ServerTls.builder().certificatePem(Path.of("tls.crt"), Path.of("tls.key")).build();
 * HttpsServer server = HttpsServer.create(new InetSocketAddress(8443), 0);
 * server.setHttpsConfigurator(tls.httpsConfigurator());
 * }</pre>
 *
 * <p>Jetty 12:
 * <pre>{@code
 * SslContextFactory.Server ssl = new SslContextFactory.Server();
 * ssl.setSslContext(tls.sslContext());
 * ssl.setIncludeProtocols(tls.protocols().toArray(String[]::new));
 * ssl.setNeedClientAuth(tls.clientAuth() == ClientAuth.NEED);
 * ssl.setWantClientAuth(tls.clientAuth() == ClientAuth.WANT);
 * }</pre>
 *
 * <p>Register {@code tls::certificate} with {@code Gateway.Builder.serverCertificate} to see its expiry in
 * {@code /health} and get warned before it ends.
 */
public final class ServerTls {
    private final SSLContext context;
    private final List<String> protocols;
    private final ClientAuth clientAuth;
    private final Reloader<KeyMaterial> key;
    private final @Nullable Reloader<TrustMaterial> clientTrust;

    private ServerTls(Builder b) {
        this.protocols = b.protocols;
        this.clientAuth = b.clientAuth;
        long interval = b.reloadCheckInterval.toNanos();
        Source k = requireNonNull(b.key, "build() checks the certificate");
        this.key = new Reloader<>("server certificate " + k, k.files(), () -> KeyMaterial.load(k), interval, b.ticker);
        List<Source> trust = List.copyOf(b.trust);
        List<Path> trustFiles = new ArrayList<>();
        for (Source s : trust) {
            trustFiles.addAll(s.files());
        }
        this.clientTrust = clientAuth == ClientAuth.NONE
                ? null
                : new Reloader<>(
                        "client-certificate trust " + trust,
                        trustFiles,
                        () -> TrustMaterial.load(trust, false),
                        interval,
                        b.ticker);
        // One SSLContext per version of the files, and each new connection's engine comes from the current one: the
        // files are looked at before a ClientHello is read, and a resumed session can never outlive a rotation.
        LiveContext contexts = new LiveContext(
                () -> new Object[] {key.get(), clientTrust == null ? null : clientTrust.get()},
                m -> BackendTls.context(
                        new KeyManager[] {((KeyMaterial) m[0]).keyManager},
                        m[1] == null ? null : ((TrustMaterial) m[1]).pkix));
        this.context = RefreshingContext.wrap(contexts);
    }

    /**
     * Starts a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The context to serve with; it always presents the current certificate.
     *
     * @return the context
     */
    public SSLContext sslContext() {
        return context;
    }

    /**
     * Fresh parameters for a listener: the configured protocols and client authentication.
     *
     * @return new parameters
     */
    public SSLParameters sslParameters() {
        SSLParameters p = context.getDefaultSSLParameters();
        p.setProtocols(protocols.toArray(new String[0]));
        if (clientAuth == ClientAuth.NEED) {
            p.setNeedClientAuth(true);
        } else if (clientAuth == ClientAuth.WANT) {
            p.setWantClientAuth(true);
        }
        return p;
    }

    /**
     * A configurator for the JDK's {@code HttpsServer} applying {@link #sslParameters()} to every connection.
     *
     * @return the configurator
     */
    @SuppressWarnings("exports") // for hosts on the JDK's HttpsServer, which read jdk.httpserver themselves
    public HttpsConfigurator httpsConfigurator() {
        return new HttpsConfigurator(context) {
            @Override
            public void configure(HttpsParameters params) {
                params.setSSLParameters(sslParameters());
            }
        };
    }

    /** {@return the protocol versions served} */
    public List<String> protocols() {
        return protocols;
    }

    /** {@return whether callers are asked for a certificate} */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** {@return the leaf certificate served now (checking the files first when a check is due)} */
    public X509Certificate certificate() {
        return key.get().leaf;
    }

    /**
     * Checks the files now rather than at the next due check and loads what changed.
     *
     * @return true if anything new was loaded
     */
    public boolean reload() {
        boolean changed = key.reloadIfChanged();
        if (clientTrust != null) {
            changed |= clientTrust.reloadIfChanged();
        }
        return changed;
    }

    @Override
    public String toString() {
        return "ServerTls{" + key.get().leaf.getSubjectX500Principal().getName() + ", protocols=" + protocols
                + ", clientAuth=" + clientAuth + "}";
    }

    /** Builds a {@link ServerTls}; the files are read by {@link #build()}, so a bad one fails at start-up. */
    public static final class Builder {
        private @Nullable Source key;
        private final List<Source> trust = new ArrayList<>();
        private ClientAuth clientAuth = ClientAuth.NONE;
        private List<String> protocols = Protocols.DEFAULT;
        private Duration reloadCheckInterval = BackendTls.DEFAULT_RELOAD_CHECK_INTERVAL;
        private Ticker ticker = Ticker.system();

        private Builder() {}

        /**
         * The certificate chain (PEM, leaf first, then intermediates) and its unencrypted PKCS#8 PEM key.
         *
         * @param certificateChain the PEM chain, leaf first
         * @param privateKey the unencrypted PKCS#8 PEM key
         * @return this builder
         */
        public Builder certificatePem(Path certificateChain, Path privateKey) {
            return certificatePem(certificateChain, privateKey, null);
        }

        /**
         * The certificate chain and its key, encrypted PKCS#8 with {@code keyPassword}.
         *
         * @param certificateChain the PEM chain, leaf first
         * @param privateKey the PKCS#8 PEM key
         * @param keyPassword the key's password, or null for an unencrypted key
         * @return this builder
         */
        public Builder certificatePem(Path certificateChain, Path privateKey, char @Nullable [] keyPassword) {
            this.key = Source.pemKeyPair(requireNonNull(certificateChain, "certificateChain"), privateKey, keyPassword);
            return this;
        }

        /**
         * The certificate and key from a PKCS#12 file (.pfx/.p12, as the seed's Kestrel configuration uses).
         *
         * @param file the PKCS#12 file
         * @param password its password
         * @return this builder
         */
        public Builder pkcs12(Path file, char[] password) {
            this.key = Source.store(Source.Kind.PKCS12, requireNonNull(file, "file"), password);
            return this;
        }

        /**
         * The certificate and key from a JKS key store.
         *
         * @param file the JKS key store
         * @param password its password
         * @return this builder
         */
        public Builder jks(Path file, char[] password) {
            this.key = Source.store(Source.Kind.JKS, requireNonNull(file, "file"), password);
            return this;
        }

        /**
         * Whether callers must (or may) present a client certificate (default {@link ClientAuth#NONE}).
         *
         * @param clientAuth none, wanted or needed
         * @return this builder
         */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /**
         * CA certificates (PEM) that callers' client certificates must chain to.
         *
         * @param certificates the PEM bundle
         * @return this builder
         */
        public Builder clientTrustPem(Path certificates) {
            trust.add(Source.pem(requireNonNull(certificates, "certificates")));
            return this;
        }

        /**
         * CA certificates in a PKCS#12 file that callers' client certificates must chain to.
         *
         * @param file the PKCS#12 file
         * @param password its password
         * @return this builder
         */
        public Builder clientTrustPkcs12(Path file, char[] password) {
            trust.add(Source.store(Source.Kind.PKCS12, requireNonNull(file, "file"), password));
            return this;
        }

        /**
         * The protocol versions served: {@code TLSv1.3}, {@code TLSv1.2} or both (default both).
         *
         * @param protocols TLSv1.3, TLSv1.2 or both
         * @return this builder
         */
        public Builder protocols(String... protocols) {
            this.protocols = Protocols.check(protocols);
            return this;
        }

        /**
         * How often, at most, the files are checked for changes (default 10 s); zero checks on every handshake.
         *
         * @param interval the longest time between two checks; zero or more
         * @return this builder
         */
        public Builder reloadCheckInterval(Duration interval) {
            this.reloadCheckInterval = Reloader.checkInterval(interval);
            return this;
        }

        /**
         * The time source of the reload checks (tests inject a fake one).
         *
         * @param ticker the time source
         * @return this builder
         */
        public Builder ticker(Ticker ticker) {
            this.ticker = requireNonNull(ticker, "ticker");
            return this;
        }

        /**
         * Reads the files and builds the helper.
         *
         * @return the helper
         * @throws IllegalStateException without a certificate, or with client authentication but no client trust
         * @throws IllegalArgumentException if a file cannot be read, holds the wrong thing or the key does not belong
         *     to the certificate
         */
        public ServerTls build() {
            if (key == null) {
                throw new IllegalStateException(
                        "ServerTls needs a certificate: certificatePem(...), pkcs12(...) or" + " jks(...)");
            }
            if (clientAuth != ClientAuth.NONE && trust.isEmpty()) {
                throw new IllegalStateException("clientAuth " + clientAuth + " needs the CA certificates that client"
                        + " certificates must chain to: clientTrustPem(...) or clientTrustPkcs12(...)");
            }
            if (clientAuth == ClientAuth.NONE && !trust.isEmpty()) {
                throw new IllegalStateException("client trust is configured but clientAuth is NONE: say WANT or NEED");
            }
            return new ServerTls(this);
        }
    }
}
