import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A test backend run in its own JVM (with TLS 1.1 re-enabled by a security properties file): one listener that speaks
 * only TLS 1.1 and one that speaks only TLS 1.2, each answering every request with a JSON-RPC result. Prints
 * "PORTS <tls1.1> <tls1.2>" and exits by itself after 60 seconds.
 * Usage: java -Djava.security.properties=FILE LegacyTlsServer.java KEYSTORE.p12 PASSWORD
 */
public class LegacyTlsServer {
    public static void main(String[] args) throws Exception {
        char[] password = args[1].toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(Files.newInputStream(Path.of(args[0])), password);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance("PKIX");
        kmf.init(ks, password);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket v11 = listen(ctx, "TLSv1.1");
        SSLServerSocket v12 = listen(ctx, "TLSv1.2");
        System.out.println("PORTS " + v11.getLocalPort() + " " + v12.getLocalPort());
        System.out.flush();
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException ignored) {
            }
            System.exit(0);
        });
        killer.setDaemon(true);
        killer.start();
        serve(v11);
        serve(v12);
        killer.join();
    }

    private static SSLServerSocket listen(SSLContext ctx, String protocol) throws Exception {
        SSLServerSocket s = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50,
                java.net.InetAddress.getByName("127.0.0.1"));
        s.setEnabledProtocols(new String[] {protocol});
        return s;
    }

    private static void serve(SSLServerSocket server) {
        Thread t = new Thread(() -> {
            while (true) {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.setSoTimeout(10_000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.ISO_8859_1));
                    int length = 0;
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        if (line.toLowerCase().startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    for (int i = 0; i < length; i++) {
                        in.read();
                    }
                    byte[] body = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}".getBytes(StandardCharsets.UTF_8);
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(body);
                    out.flush();
                } catch (Exception e) {
                    // a refused handshake: next connection
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }
}
