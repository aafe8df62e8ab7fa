package io.openharbor.mcp.gateway.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/** TLS protocol versions: only TLS 1.3 and 1.2 exist here; anything older is refused when configured. */
final class Protocols {
    static final List<String> DEFAULT = List.of("TLSv1.3", "TLSv1.2");

    private Protocols() {}

    static List<String> check(String... protocols) {
        if (protocols.length == 0) {
            throw new IllegalArgumentException("protocols must name at least one of TLSv1.3, TLSv1.2");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String p : protocols) {
            if (!DEFAULT.contains(p)) {
                throw new IllegalArgumentException("protocol '" + p + "' is not allowed: only TLSv1.3 and TLSv1.2 (TLS"
                        + " 1.1 and older are deprecated by RFC 8996)");
            }
            out.add(p);
        }
        return List.copyOf(out);
    }

    /**
     * Enables exactly the configured protocols on every socket it makes, whoever uses it; each socket comes from the
     * current context (reloadable material gets its reload check before the ClientHello is sent).
     */
    static final class SocketFactory extends SSLSocketFactory {
        private final java.util.function.Supplier<javax.net.ssl.SSLContext> contexts;
        private final String[] protocols;

        SocketFactory(java.util.function.Supplier<javax.net.ssl.SSLContext> contexts, List<String> protocols) {
            this.contexts = contexts;
            this.protocols = protocols.toArray(new String[0]);
        }

        private SSLSocketFactory delegate() {
            return contexts.get().getSocketFactory();
        }

        private Socket configure(Socket socket) {
            if (socket instanceof SSLSocket sSLSocket) {
                sSLSocket.setEnabledProtocols(protocols);
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate().getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate().getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return configure(delegate().createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket(Socket s, InputStream consumed, boolean autoClose) throws IOException {
            return configure(delegate().createSocket(s, consumed, autoClose));
        }

        @Override
        public Socket createSocket() throws IOException {
            return configure(delegate().createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return configure(delegate().createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return configure(delegate().createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return configure(delegate().createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return configure(delegate().createSocket(address, port, localAddress, localPort));
        }
    }
}
