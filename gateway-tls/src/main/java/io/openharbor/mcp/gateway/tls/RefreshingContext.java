package io.openharbor.mcp.gateway.tls;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The face of a {@link LiveContext} that servers hold on to: every engine, socket factory and session context comes
 * from the current context. Servers (the JDK {@code HttpsServer}, Jetty) make one engine per connection, so a rotated
 * certificate is served from the next connection on.
 */
final class RefreshingContext extends SSLContextSpi {
    private final LiveContext contexts;

    private RefreshingContext(LiveContext contexts) {
        this.contexts = contexts;
    }

    static SSLContext wrap(LiveContext contexts) {
        SSLContext first = contexts.peek();
        return new SSLContext(new RefreshingContext(contexts), first.getProvider(), first.getProtocol()) {};
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
        throw new KeyManagementException("this context is initialised already");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
        return contexts.get().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
        return contexts.get().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
        return contexts.get().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
        return contexts.get().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
        return contexts.get().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
        return contexts.get().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
        return contexts.get().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
        return contexts.get().getSupportedSSLParameters();
    }
}
