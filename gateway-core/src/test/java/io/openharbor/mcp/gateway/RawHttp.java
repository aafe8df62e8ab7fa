package io.openharbor.mcp.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bare HTTP/1.1 client over a socket to 127.0.0.1: it sends exactly the bytes a test writes (duplicate, injected or
 * malformed headers included) with {@code Connection: close}, and reads the whole answer, bounded by a 10 s timeout.
 */
final class RawHttp {
    private RawHttp() {}

    static final class Answer {
        final int status;
        final Map<String, List<String>> headers;
        final String body;

        Answer(int status, Map<String, List<String>> headers, String body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null ? null : v.get(0);
        }

        List<String> headers(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        }

        @Override
        public String toString() {
            return status + " " + headers + " " + body;
        }
    }

    /** A request builder: method, path, headers in order (any repeated), body bytes. */
    static final class Req {
        final String method;
        final String path;
        final List<String[]> headers = new ArrayList<>();
        byte[] body;
        boolean contentLength = true;

        Req(String method, String path) {
            this.method = method;
            this.path = path;
        }

        Req header(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        Req body(String json) {
            return body(json.getBytes(StandardCharsets.UTF_8));
        }

        Req body(byte[] bytes) {
            this.body = bytes;
            return this;
        }

        /** A POST as an MCP client sends it. */
        static Req post(String path, String json) {
            return new Req("POST", path)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .body(json);
        }

        byte[] bytes(int port, boolean withHost) {
            StringBuilder sb = new StringBuilder();
            sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
            boolean hasHost = false;
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase("Host")) hasHost = true;
            }
            if (withHost && !hasHost) sb.append("Host: 127.0.0.1:").append(port).append("\r\n");
            for (String[] h : headers) {
                sb.append(h[0]).append(": ").append(h[1]).append("\r\n");
            }
            if (body != null && contentLength)
                sb.append("Content-Length: ").append(body.length).append("\r\n");
            sb.append("Connection: close\r\n\r\n");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] head = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
            out.write(head, 0, head.length);
            if (body != null) out.write(body, 0, body.length);
            return out.toByteArray();
        }
    }

    static Answer send(String baseUrl, Req req) throws IOException {
        int port = java.net.URI.create(baseUrl).getPort();
        return send(port, req.bytes(port, true));
    }

    static Answer send(int port, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request);
            out.flush();
            return read(s.getInputStream());
        }
    }

    private static Answer read(InputStream in) throws IOException {
        String status = line(in);
        if (status == null) throw new IOException("connection closed without an answer");
        String[] parts = status.split(" ", 3);
        int code = Integer.parseInt(parts[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        String line;
        while ((line = line(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            headers.computeIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        byte[] body;
        List<String> te = headers.get("transfer-encoding");
        List<String> cl = headers.get("content-length");
        if (te != null && te.get(0).equalsIgnoreCase("chunked")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String size = line(in);
                if (size == null) break;
                int n = Integer.parseInt(size.split(";", -1)[0].trim(), 16);
                if (n == 0) {
                    line(in);
                    break;
                }
                b.write(in.readNBytes(n));
                line(in);
            }
            body = b.toByteArray();
        } else if (cl != null) {
            body = in.readNBytes(Integer.parseInt(cl.get(0)));
        } else if (code == 204 || code == 304) {
            body = new byte[0];
        } else {
            body = in.readAllBytes();
        }
        return new Answer(code, headers, new String(body, StandardCharsets.UTF_8));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            sb.append((char) c);
            if (sb.length() > 65536) throw new IOException("line too long");
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
