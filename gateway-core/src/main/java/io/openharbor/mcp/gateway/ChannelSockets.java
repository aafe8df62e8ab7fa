package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.SocketFactory;

/**
 * Backend sockets backed by a {@link SocketChannel} ({@link ChannelSocket}), so that an idle keep-alive connection can
 * be asked, without blocking, whether its backend has closed it. OkHttp checks that only for connections idle 10 s or more; a backend
 * that dies (or closes idle connections sooner) leaves connections whose FIN has arrived but which OkHttp would still
 * hand out, and a request written to one fails although nothing received it.
 */
final class ChannelSockets extends SocketFactory {
    static final ChannelSockets INSTANCE = new ChannelSockets();

    private ChannelSockets() {}

    @Override
    public Socket createSocket() throws IOException {
        return new ChannelSocket();
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localHost, localPort));
        s.connect(new InetSocketAddress(host, port));
        return s;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return connected(new InetSocketAddress(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket s = createSocket();
        s.bind(new InetSocketAddress(localAddress, localPort));
        s.connect(new InetSocketAddress(address, port));
        return s;
    }

    private Socket connected(InetSocketAddress address) throws IOException {
        Socket s = createSocket();
        s.connect(address);
        return s;
    }

    /**
     * Whether the peer has closed an idle connection: a non-blocking read finds the end of the stream (or bytes no
     * request asked for, which make the connection unusable as well). False for a socket of another kind (TLS, whose
     * records must not be consumed here) or when the check itself fails. Only for a connection nobody else reads.
     */
    static boolean peerClosed(Socket socket) {
        SocketChannel ch = socket.getChannel();
        if (ch == null) {
            return false;
        }
        try {
            synchronized (ch.blockingLock()) {
                ch.configureBlocking(false);
                try {
                    return ch.read(ByteBuffer.allocate(1)) != 0;
                } finally {
                    ch.configureBlocking(true);
                }
            }
        } catch (IOException | RuntimeException e) {
            return true; // a connection that cannot even be read is not one to send a request on
        }
    }
}
