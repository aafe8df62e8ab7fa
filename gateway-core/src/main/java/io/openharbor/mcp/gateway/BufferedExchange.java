package io.openharbor.mcp.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The exchange of one of a federation's fan-out calls (initialize, lists, notifications, DELETE): the client's request
 * headers with a method of its own, and an answer collected in memory, up to a bound, instead of sent to the client.
 * It lets the forwarder (its router, retries, session pinning, relay) serve a call whose answer the gateway merges
 * before the client sees anything.
 */
final class BufferedExchange implements GatewayExchange {
    private final GatewayExchange client;
    private final String method;
    private final int maxBytes;
    private final List<String> headers = new ArrayList<>(8);
    private final @Nullable OutputStream events;
    private int status;
    private @Nullable Bounded body;

    BufferedExchange(GatewayExchange client, String method, int maxBytes) {
        this(client, method, maxBytes, null);
    }

    /**
     * @param events where a 200 event stream goes as it arrives (a federated GET's part), or null to collect every
     *     answer
     */
    BufferedExchange(GatewayExchange client, String method, int maxBytes, @Nullable OutputStream events) {
        this.client = client;
        this.method = method;
        this.maxBytes = maxBytes;
        this.events = events;
    }

    /** {@return the status the answer had, 0 if none was sent} */
    int status() {
        return status;
    }

    /** {@return the last value of a header of the answer, or null} */
    @Nullable
    String header(String name) {
        String found = null;
        for (int i = 0; i < headers.size(); i += 2) {
            if (headers.get(i).equalsIgnoreCase(name)) {
                found = headers.get(i + 1);
            }
        }
        return found;
    }

    /** Whether the answer is an SSE stream. */
    boolean eventStream() {
        return HttpRules.mediaType(header("Content-Type")).equals("text/event-stream");
    }

    /** {@return the body of the answer (empty if none)} */
    byte[] body() {
        return body == null ? new byte[0] : body.toByteArray();
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public String path() {
        return client.path();
    }

    @Override
    public String query() {
        return client.query();
    }

    @Override
    public Iterable<String> requestHeaderNames() {
        return client.requestHeaderNames();
    }

    @Override
    public List<String> requestHeaders(String name) {
        return client.requestHeaders(name);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return client.remoteAddress();
    }

    @Override
    public boolean isSecure() {
        return client.isSecure();
    }

    @Override
    public List<X509Certificate> clientCertificates() {
        return client.clientCertificates();
    }

    @Override
    public InputStream requestBody() {
        return InputStream.nullInputStream(); // the forwarder is handed the body; nothing reads it here
    }

    @Override
    public void addResponseHeader(String name, String value) {
        headers.add(name);
        headers.add(value);
    }

    @Override
    public OutputStream sendResponseHeaders(int status, long contentLength) {
        this.status = status;
        if (events != null && status == 200 && eventStream()) {
            return events;
        }
        Bounded b = new Bounded(maxBytes, contentLength > 0 && contentLength <= maxBytes ? (int) contentLength : 256);
        this.body = b;
        return b;
    }

    /** A body buffer that fails past its bound, which ends the relay as a client that went away would. */
    private static final class Bounded extends OutputStream {
        private final int max;
        private final ByteArrayOutputStream bytes;

        Bounded(int max, int initial) {
            this.max = max;
            this.bytes = new ByteArrayOutputStream(initial);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            check(len);
            bytes.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
            check(1);
            bytes.write(b);
        }

        private void check(int more) throws IOException {
            if (bytes.size() + more > max) {
                throw new IOException("the answer is larger than " + max + " bytes");
            }
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
