package io.openharbor.mcp.gateway.tls;

import static java.util.Objects.requireNonNull;

import io.openharbor.mcp.gateway.Ticker;
import io.openharbor.mcp.gateway.TlsPolicy;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TlsPolicy} for one or more backends: the seed's {@code TlsOptions} ({@code ValidateCertificate},
 * {@code AllowedCertificateThumbprints}) plus SPKI pins, custom trust anchors, a client certificate for mutual TLS and
 * TLS 1.3/1.2 only.
 *
 * <pre>{@code
 * TlsPolicy tls = BackendTls.builder()
 *     .trustPem(Path.of("/etc/mcp/internal-ca.pem"))          // instead of the JVM's roots
 *     .pins("sha256/r8udi/Mxd6pLOS9cMk4Vn6tYb0QaA3l5dBCY3pr1Dv0=")  // the CA's key
 *     .clientCertificatePem(Path.of("/etc/mcp/gw.crt"), Path.of("/etc/mcp/gw.key"))
 *     .build();
 * Backend.builder("tools-1", URI.create("https://tools-1.internal:8443/mcp")).tlsPolicy(tls).build();
 * }</pre>
 *
 * <p><b>Rules.</b> With validation on (the default) the chain must verify against the trust anchors, the host name
 * must match, and then every configured kind of pin must match: a thumbprint (SHA-1 or SHA-256 of the leaf certificate)
 * and an SPKI pin (of any certificate in the verified chain, leaf to anchor). With validation off, for self-signed
 * backends, the leaf must be within its validity period and match a thumbprint or an SPKI pin; the host name is not
 * checked (the pin names the certificate exactly) and having no pin at all is a start-up error, never "trust all".
 * Any refusal fails the handshake, before a byte of the request is sent.
 *
 * <p><b>Rotation.</b> Trust files and the client certificate are re-read when they change on disk (checked at most
 * once per {@link Builder#reloadCheckInterval(Duration)}, on the next handshake); new connections use the new
 * material, open ones keep theirs. A file that fails to load is logged and the previous version stays.
 */
public final class BackendTls implements TlsPolicy {
    /** Default for {@link Builder#reloadCheckInterval(Duration)}: 10 seconds. */
    public static final Duration DEFAULT_RELOAD_CHECK_INTERVAL = Duration.ofSeconds(10);

    private final SSLSocketFactory socketFactory;
    private final PinningTrustManager trustManager;
    private final List<String> protocols;
    private final boolean validate;
    private final @Nullable Reloader<TrustMaterial> trust;
    private final @Nullable Reloader<KeyMaterial> clientKey;
    private final String description;

    private BackendTls(Builder b) {
        this.validate = b.validate;
        this.protocols = b.protocols;
        long interval = b.reloadCheckInterval.toNanos();
        List<Path> trustFiles = new ArrayList<>();
        for (Source s : b.trust) {
            trustFiles.addAll(s.files());
        }
        List<Source> trustSources = List.copyOf(b.trust);
        boolean systemRoots = b.includeSystemRoots != null ? b.includeSystemRoots : trustSources.isEmpty();
        this.trust = validate
                ? new Reloader<>(
                        "backend trust " + trustSources,
                        trustFiles,
                        () -> TrustMaterial.load(trustSources, systemRoots),
                        interval,
                        b.ticker)
                : null;
        Source key = b.clientKey;
        this.clientKey = key == null
                ? null
                : new Reloader<>(
                        "backend client certificate " + key,
                        key.files(),
                        () -> KeyMaterial.load(key),
                        interval,
                        b.ticker);
        Set<String> thumbs = Set.copyOf(b.thumbprints);
        Set<String> pinSet = Set.copyOf(b.pins);
        this.trustManager = new PinningTrustManager(validate, trust, thumbs, pinSet);
        // One SSLContext per version of the material: a new context after a reload also drops cached sessions, which
        // would otherwise resume without sending the new client certificate or checking the new anchors.
        LiveContext contexts = new LiveContext(
                () -> new Object[] {trust == null ? null : trust.get(), clientKey == null ? null : clientKey.get()},
                m -> {
                    TrustMaterial t = (TrustMaterial) m[0];
                    KeyMaterial k = (KeyMaterial) m[1];
                    return context(
                            k == null ? null : new KeyManager[] {k.keyManager},
                            new PinningTrustManager(validate, t == null ? null : () -> t, thumbs, pinSet));
                });
        this.socketFactory = new Protocols.SocketFactory(contexts, protocols);
        this.description = "BackendTls{validate=" + validate + ", thumbprints=" + b.thumbprints.size() + ", pins="
                + b.pins.size() + ", trust=" + (validate ? trustSources + (systemRoots ? " + system roots" : "") : "-")
                + ", clientCertificate=" + (key == null ? "none" : key.toString()) + ", protocols=" + protocols + "}";
    }

    static SSLContext context(KeyManager @Nullable [] keyManagers, @Nullable TrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keyManagers, trustManager == null ? null : new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a TLS context", e);
        }
    }

    /**
     * Starts a builder: validation on, the JVM's roots, no pins, no client certificate, TLS 1.3 and 1.2.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The seed's {@code TlsOptions}: {@code ValidateCertificate} and {@code AllowedCertificateThumbprints}, with the
     * JVM's roots.
     *
     * @param validateCertificate whether to verify the chain and the host name
     * @param allowedCertificateThumbprints hex SHA-1 or SHA-256 thumbprints of accepted leaf certificates
     * @return the policy
     * @throws IllegalStateException if validation is off and no thumbprint is given
     */
    public static BackendTls of(boolean validateCertificate, Collection<String> allowedCertificateThumbprints) {
        return builder()
                .validateCertificate(validateCertificate)
                .allowedThumbprints(allowedCertificateThumbprints)
                .build();
    }

    @Override
    public SSLSocketFactory socketFactory() {
        return socketFactory;
    }

    @Override
    public X509TrustManager trustManager() {
        return trustManager;
    }

    /**
     * Empty with validation on (standard host name verification); with validation off, a verifier that accepts a
     * session only if its leaf certificate matches the pins again, since the pin, not the name, identifies the
     * backend.
     */
    @Override
    public Optional<HostnameVerifier> hostnameVerifier() {
        if (validate) {
            return Optional.empty();
        }
        return Optional.of((host, session) -> {
            try {
                Certificate[] peer = session.getPeerCertificates();
                return peer.length > 0
                        && peer[0] instanceof X509Certificate
                        && trustManager.matches((X509Certificate) peer[0], List.of((X509Certificate) peer[0]));
            } catch (SSLPeerUnverifiedException e) {
                return false;
            }
        });
    }

    @Override
    public List<String> protocols() {
        return protocols;
    }

    /** {@return the client certificate presented for mutual TLS (its current version), if one is configured} */
    public Optional<X509Certificate> clientCertificate() {
        return clientKey == null ? Optional.empty() : Optional.of(clientKey.get().leaf);
    }

    /**
     * Checks the trust files and the client certificate now instead of at the next due check, and loads what changed.
     *
     * @return true if anything new was loaded
     */
    public boolean reload() {
        boolean changed = false;
        if (trust != null) {
            changed |= trust.reloadIfChanged();
        }
        if (clientKey != null) {
            changed |= clientKey.reloadIfChanged();
        }
        return changed;
    }

    /** What the policy checks, without secrets. */
    @Override
    public String toString() {
        return description;
    }

    /** Builds a {@link BackendTls}; every file is read by {@link #build()}, so a bad one fails at start-up. */
    public static final class Builder {
        private boolean validate = true;
        private final Set<String> thumbprints = new LinkedHashSet<>();
        private final Set<String> pins = new LinkedHashSet<>();
        private final List<Source> trust = new ArrayList<>();
        private @Nullable Boolean includeSystemRoots;
        private @Nullable Source clientKey;
        private List<String> protocols = Protocols.DEFAULT;
        private Duration reloadCheckInterval = DEFAULT_RELOAD_CHECK_INTERVAL;
        private Ticker ticker = Ticker.system();

        private Builder() {}

        /**
         * The seed's {@code ValidateCertificate} (default true): verify the chain against the trust anchors and the
         * host name. Turn it off only for self-signed backends, together with a thumbprint or SPKI pin.
         *
         * @param validate whether to verify the chain and the host name
         * @return this builder
         */
        public Builder validateCertificate(boolean validate) {
            this.validate = validate;
            return this;
        }

        /**
         * The seed's {@code AllowedCertificateThumbprints}: hex SHA-1 (40 digits) or SHA-256 (64 digits) of the leaf
         * certificate; case, colons, spaces and dashes are ignored. Adds to those given before.
         *
         * @param thumbprints hex SHA-1 or SHA-256 thumbprints
         * @return this builder
         * @throws IllegalArgumentException for anything else
         */
        public Builder allowedThumbprints(Collection<String> thumbprints) {
            for (String t : requireNonNull(thumbprints, "thumbprints")) {
                this.thumbprints.add(Fingerprints.normalizeThumbprint(requireNonNull(t, "thumbprint")));
            }
            return this;
        }

        /**
         * See {@link #allowedThumbprints(Collection)}.
         *
         * @param thumbprints hex SHA-1 or SHA-256 thumbprints
         * @return this builder
         */
        public Builder allowedThumbprints(String... thumbprints) {
            return allowedThumbprints(List.of(thumbprints));
        }

        /**
         * SPKI pins, {@code sha256/} + base64 (OkHttp's {@code CertificatePinner} form; {@link Fingerprints} and
         * {@code docs/tls.md} show how to compute them). With validation on, one must match a certificate of the
         * verified chain: pin the CA's key to accept every certificate it issues, or the leaf's key to accept
         * re-issues with the same key. Adds to those given before.
         *
         * @param pins SPKI pins, sha256/ + base64
         * @return this builder
         */
        public Builder pins(Collection<String> pins) {
            for (String p : requireNonNull(pins, "pins")) {
                this.pins.add(Fingerprints.normalizePin(requireNonNull(p, "pin")));
            }
            return this;
        }

        /**
         * See {@link #pins(Collection)}.
         *
         * @param pins SPKI pins, sha256/ + base64
         * @return this builder
         */
        public Builder pins(String... pins) {
            return pins(List.of(pins));
        }

        /**
         * Trusts the certificates in a PEM bundle (or one DER certificate) as anchors.
         *
         * @param certificates the PEM bundle or DER certificate
         * @return this builder
         */
        public Builder trustPem(Path certificates) {
            trust.add(Source.pem(requireNonNull(certificates, "certificates")));
            return this;
        }

        /**
         * Trusts the certificates in a PKCS#12 file.
         *
         * @param file the PKCS#12 file
         * @param password its password
         * @return this builder
         */
        public Builder trustPkcs12(Path file, char[] password) {
            trust.add(Source.store(Source.Kind.PKCS12, requireNonNull(file, "file"), password));
            return this;
        }

        /**
         * Trusts the certificates in a JKS key store.
         *
         * @param file the JKS key store
         * @param password its password
         * @return this builder
         */
        public Builder trustJks(Path file, char[] password) {
            trust.add(Source.store(Source.Kind.JKS, requireNonNull(file, "file"), password));
            return this;
        }

        /**
         * Whether the JVM's default roots are trusted too. Default: yes when no trust file is given, no when one is
         * (an internal CA replaces the public ones); say {@code true} to trust both.
         *
         * @param include whether the JVM's roots are trusted too
         * @return this builder
         */
        public Builder includeSystemRoots(boolean include) {
            this.includeSystemRoots = include;
            return this;
        }

        /**
         * The client certificate for mutual TLS: a PEM chain (leaf first) and its unencrypted PKCS#8 PEM key.
         *
         * @param certificateChain the PEM chain, leaf first
         * @param privateKey the unencrypted PKCS#8 PEM key
         * @return this builder
         */
        public Builder clientCertificatePem(Path certificateChain, Path privateKey) {
            return clientCertificatePem(certificateChain, privateKey, null);
        }

        /**
         * The client certificate for mutual TLS, with the password of an encrypted PKCS#8 key.
         *
         * @param certificateChain the PEM chain, leaf first
         * @param privateKey the PKCS#8 PEM key
         * @param keyPassword the key's password, or null for an unencrypted key
         * @return this builder
         */
        public Builder clientCertificatePem(Path certificateChain, Path privateKey, char @Nullable [] keyPassword) {
            this.clientKey =
                    Source.pemKeyPair(requireNonNull(certificateChain, "certificateChain"), privateKey, keyPassword);
            return this;
        }

        /**
         * The client certificate for mutual TLS from a PKCS#12 file (its key protected by the same password).
         *
         * @param file the PKCS#12 file
         * @param password its password, which also protects the key
         * @return this builder
         */
        public Builder clientCertificatePkcs12(Path file, char[] password) {
            this.clientKey = Source.store(Source.Kind.PKCS12, requireNonNull(file, "file"), password);
            return this;
        }

        /**
         * The protocol versions offered: {@code TLSv1.3}, {@code TLSv1.2} or both (default both).
         *
         * @param protocols TLSv1.3, TLSv1.2 or both
         * @return this builder
         */
        public Builder protocols(String... protocols) {
            this.protocols = Protocols.check(protocols);
            return this;
        }

        /**
         * How often, at most, the trust and client-certificate files are checked for changes (default 10 s); zero
         * checks on every handshake.
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
         * Reads the files and builds the policy.
         *
         * @return the policy
         * @throws IllegalStateException if validation is off without any thumbprint or pin (that would trust every
         *     certificate), or off with trust files (they would be ignored)
         * @throws IllegalArgumentException if a file cannot be read or holds the wrong thing
         */
        public BackendTls build() {
            if (!validate && thumbprints.isEmpty() && pins.isEmpty()) {
                throw new IllegalStateException("validateCertificate(false) needs at least one allowed thumbprint or"
                        + " SPKI pin: with an empty list every certificate would be trusted, which this gateway never"
                        + " does");
            }
            if (!validate && (!trust.isEmpty() || Boolean.TRUE.equals(includeSystemRoots))) {
                throw new IllegalStateException("trust files and system roots are used only with validateCertificate"
                        + "(true); with validation off only the thumbprints and pins decide");
            }
            return new BackendTls(this);
        }
    }
}
