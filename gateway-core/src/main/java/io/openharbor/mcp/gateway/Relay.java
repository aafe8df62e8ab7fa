package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import okio.Buffer;
import okio.BufferedSource;

/**
 * Copies a backend's body to the client as it arrives. Bytes are written as soon as they are read and the client
 * stream is flushed whenever the gateway is about to wait for more, so a server-sent event is never held back: each
 * event reaches the client the moment its last byte has arrived (several events that arrive together share one flush).
 */
final class Relay {
    private Relay() {}

    /** The client went away (its connection failed while the gateway wrote to it). */
    static final class ClientGoneException extends IOException {
        ClientGoneException(IOException cause) {
            super("client disconnected: " + cause.getMessage(), cause);
        }
    }

    /** Copies every byte of {@code source} to {@code out}, flushing whenever the next read would block. */
    static long copy(BufferedSource source, OutputStream out) throws IOException {
        Buffer buf = source.getBuffer();
        long total = 0;
        while (true) {
            if (buf.size() == 0) {
                flush(out);
                if (!source.request(1)) {
                    return total;
                }
            }
            long n = buf.size();
            drain(buf, out, n);
            total += n;
        }
    }

    /**
     * Copies an SSE stream, rewriting each {@code id:} field to {@code <tag>~<id>} so that a later {@code Last-Event-ID}
     * names the backend that owns the stream; everything else is copied verbatim. Linear in the stream and bounded in
     * memory: only the first five bytes of a line are ever held back (to tell an {@code id:} field), the rest of the
     * line is passed on as it arrives, so a multi-megabyte {@code data:} line costs a plain copy. Lines end at LF (CRLF
     * included); after a bare CR the next field is not recognized, and is relayed untouched.
     */
    static void copySseTaggingIds(BufferedSource source, OutputStream out, String tag) throws IOException {
        Buffer buf = source.getBuffer();
        byte[] prefix = ("id: " + tag + "~").getBytes(StandardCharsets.UTF_8);
        boolean lineStart = true;
        while (true) {
            if (lineStart) {
                // "id:", an optional space and one byte of the value, unless the line ends sooner
                while (buf.size() < 5 && buf.indexOf((byte) '\n') < 0) {
                    flush(out);
                    if (!source.request(buf.size() + 1)) {
                        break;
                    }
                }
                if (buf.size() >= 3 && buf.getByte(0) == 'i' && buf.getByte(1) == 'd' && buf.getByte(2) == ':') {
                    long skip = buf.size() > 3 && buf.getByte(3) == ' ' ? 4 : 3;
                    byte first = buf.size() > skip ? buf.getByte(skip) : (byte) '\n';
                    if (first != '\n' && first != '\r') {
                        buf.skip(skip);
                        write(out, prefix, 0, prefix.length);
                    } // an empty id resets the client's last event id: passed on as it is
                }
                lineStart = false;
            }
            if (buf.size() == 0) {
                flush(out);
                if (!source.request(1)) {
                    return;
                }
            }
            long nl = buf.indexOf((byte) '\n'); // only the bytes buffered now, each scanned once
            if (nl >= 0) {
                drain(buf, out, nl + 1);
                lineStart = true;
            } else {
                drain(buf, out, buf.size());
            }
        }
    }

    /** Moves {@code count} bytes from {@code buf} to the client, segment by segment, with no intermediate copy. */
    private static void drain(Buffer buf, OutputStream out, long count) throws ClientGoneException {
        try {
            buf.writeTo(out, count);
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    static void write(OutputStream out, byte[] b, int off, int len) throws ClientGoneException {
        try {
            out.write(b, off, len);
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }

    static void flush(OutputStream out) throws ClientGoneException {
        try {
            out.flush();
        } catch (IOException e) {
            throw new ClientGoneException(e);
        }
    }
}
