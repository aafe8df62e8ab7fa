package io.openharbor.mcp.gateway.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;

/** Key and trust managers that always use the current version of reloadable material. */
final class ReloadingManagers {
    private ReloadingManagers() {}

    /**
     * Presents the current certificate chain and key on every new handshake. The aliases it hands out carry the
     * generation of the material they came from, so a handshake that straddles a reload still gets the chain and the
     * key of one and the same version.
     */
    static final class Keys extends X509ExtendedKeyManager {
        private final Reloader<KeyMaterial> material;
        private volatile KeyMaterial latest;
        private volatile KeyMaterial previous;

        Keys(Reloader<KeyMaterial> material) {
            this.material = material;
            this.latest = material.get();
        }

        private KeyMaterial current() {
            KeyMaterial m = material.get();
            if (m != latest) {
                synchronized (this) {
                    if (m != latest) {
                        previous = latest;
                        latest = m;
                    }
                }
            }
            return m;
        }

        private static String tag(KeyMaterial m, String alias) {
            return alias == null ? null : m.generation + ":" + alias;
        }

        private static String[] tag(KeyMaterial m, String[] aliases) {
            if (aliases == null) {
                return null;
            }
            String[] out = new String[aliases.length];
            for (int i = 0; i < aliases.length; i++) {
                out[i] = tag(m, aliases[i]);
            }
            return out;
        }

        /** The material an alias came from (the latest or the one before), or null for an unknown alias. */
        private KeyMaterial of(String alias) {
            int colon = alias == null ? -1 : alias.indexOf(':');
            if (colon < 0) {
                return null;
            }
            String generation = alias.substring(0, colon);
            KeyMaterial m = latest;
            if (m != null && generation.equals(Long.toString(m.generation))) {
                return m;
            }
            m = previous;
            return m != null && generation.equals(Long.toString(m.generation)) ? m : null;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            KeyMaterial m = current();
            return tag(m, m.keyManager.getClientAliases(keyType, issuers));
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            KeyMaterial m = current();
            return tag(m, m.keyManager.chooseClientAlias(keyType, issuers, socket));
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            KeyMaterial m = current();
            return tag(m, m.keyManager.chooseEngineClientAlias(keyType, issuers, engine));
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            KeyMaterial m = current();
            return tag(m, m.keyManager.getServerAliases(keyType, issuers));
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            KeyMaterial m = current();
            return tag(m, m.keyManager.chooseServerAlias(keyType, issuers, socket));
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            KeyMaterial m = current();
            return tag(m, m.keyManager.chooseEngineServerAlias(keyType, issuers, engine));
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            KeyMaterial m = of(alias);
            return m == null ? null : m.keyManager.getCertificateChain(alias.substring(alias.indexOf(':') + 1));
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            KeyMaterial m = of(alias);
            return m == null ? null : m.keyManager.getPrivateKey(alias.substring(alias.indexOf(':') + 1));
        }
    }

    /** Verifies callers' client certificates against the current trust anchors. */
    static final class Trust extends X509ExtendedTrustManager {
        private final Reloader<TrustMaterial> material;

        Trust(Reloader<TrustMaterial> material) {
            this.material = material;
        }

        private X509ExtendedTrustManager tm() {
            return material.get().pkix;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            tm().checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            tm().checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            tm().checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            tm().checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            tm().checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            tm().checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return tm().getAcceptedIssuers();
        }
    }
}
