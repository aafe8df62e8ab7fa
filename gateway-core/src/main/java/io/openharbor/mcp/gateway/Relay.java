package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * Copies a backend's body to the client as it arrives. Bytes are written as soon as they are read and the client
 * stream is flushed whenever the gateway is about to wait for more, so a server-sent event is never held back: each
 * event reaches the client the moment its last byte has arrived (several events that arrive together share one flush).
 */
final class Relay {
    private Relay() {}

    /** The client went away (its connection failed while the gateway wrote to it). */
    static final class ClientGoneException extends IOException {
        private static final long serialVersionUID = 1L;

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

    /** Seals one event id (the bytes of an {@code id:} field's value) into the id the client sees. */
    interface IdSealer {
        String seal(byte[] id, int off, int len);
    }

    /** Longest {@code id:} line that is sealed; a longer one is dropped (its event just cannot be resumed from). */
    static final int MAX_ID_LINE = 1024;

    /**
     * Copies an SSE stream, replacing the value of each {@code id:} field with what {@code sealer} makes of it, so that
     * the client never sees the backend's event ids (which may embed its session id) and a later
     * {@code Last-Event-ID} names the backend that owns the stream; everything else is copied verbatim. Linear in the
     * stream and bounded in memory: an {@code id:} line is held until its end (at most {@link #MAX_ID_LINE} bytes),
     * of every other line only its first three bytes, and the rest is passed on as it arrives, so a multi-megabyte
     * {@code data:} line costs a plain copy. An empty {@code id:} (which resets the client's last event id) is passed
     * on as it is. Lines end at LF (CRLF included); after a bare CR the next field is not recognized.
     */
    static void copySseSealingIds(BufferedSource source, OutputStream out, IdSealer sealer) throws IOException {
        copySseSealingIds(source, out, sealer, null);
    }

    /** Rewrites one message of a stream (a {@code data:} line's value), or returns null to leave it as it is. */
    interface MessageRewriter {
        byte @Nullable [] rewrite(byte[] message);
    }

    /** Longest {@code data:} line handed to a {@link MessageRewriter}; a longer one passes as it is. */
    static final int MAX_REWRITTEN_LINE = 1024 * 1024;

    /**
     * As {@link #copySseSealingIds(BufferedSource, OutputStream, IdSealer)}, and each {@code data:} line of at most
     * {@link #MAX_REWRITTEN_LINE} bytes goes through {@code rewriter} when there is one (a federation's server
     * requests, URIs). A message split across several {@code data:} lines is passed line by line, as it is.
     */
    static void copySseSealingIds(
            BufferedSource source, OutputStream out, IdSealer sealer, @Nullable MessageRewriter rewriter)
            throws IOException {
        Buffer buf = source.getBuffer();
        boolean lineStart = true;
        while (true) {
            if (lineStart) {
                lineStart = false;
                while (buf.size() < 3 && buf.indexOf((byte) '\n') < 0) {
                    flush(out);
                    if (!source.request(buf.size() + 1)) {
                        break;
                    }
                }
                if (buf.size() >= 3 && buf.getByte(0) == 'i' && buf.getByte(1) == 'd' && buf.getByte(2) == ':') {
                    lineStart = sealIdLine(source, buf, out, sealer);
                    continue;
                }
                if (rewriter != null
                        && buf.size() >= 3
                        && buf.getByte(0) == 'd'
                        && buf.getByte(1) == 'a'
                        && buf.getByte(2) == 't'
                        && rewriteDataLine(source, buf, out, rewriter)) {
                    lineStart = true;
                    continue;
                }
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

    /**
     * Handles the {@code id:} line at the start of {@code buf}: sealed, passed on (empty, or cut by the end of the
     * stream) or dropped (too long). Returns whether the next byte starts a line.
     */
    private static boolean sealIdLine(BufferedSource source, Buffer buf, OutputStream out, IdSealer sealer)
            throws IOException {
        long scanned = 0;
        long nl;
        while ((nl = buf.indexOf((byte) '\n', scanned)) < 0) {
            scanned = buf.size();
            if (scanned > MAX_ID_LINE) {
                // dropped with the rest of its line, which is skipped as it arrives
                while ((nl = buf.indexOf((byte) '\n')) < 0) {
                    buf.clear();
                    if (!source.request(1)) {
                        return false;
                    }
                }
                buf.skip(nl + 1);
                return true;
            }
            flush(out);
            if (!source.request(scanned + 1)) {
                drain(buf, out, buf.size()); // the stream ends inside the line: nothing to dispatch, passed on
                return false;
            }
        }
        if (nl > MAX_ID_LINE) {
            buf.skip(nl + 1); // too long to seal: dropped
            return true;
        }
        long start = nl > 3 && buf.getByte(3) == ' ' ? 4 : 3;
        long end = nl > start && buf.getByte(nl - 1) == '\r' ? nl - 1 : nl;
        if (end <= start) {
            drain(buf, out, nl + 1);
            return true;
        }
        buf.skip(start);
        byte[] id = buf.readByteArray(end - start);
        byte[] sealed = ("id: " + sealer.seal(id, 0, id.length)).getBytes(StandardCharsets.US_ASCII);
        write(out, sealed, 0, sealed.length);
        drain(buf, out, nl + 1 - end); // the line's end, CRLF or LF, as it was
        return true;
    }

    /**
     * Passes the {@code data:} line at the start of {@code buf} through the rewriter when it ends within
     * {@link #MAX_REWRITTEN_LINE} bytes; returns false, having consumed nothing, when it does not (a longer line, or
     * a stream that ends inside it), and then it is copied as any other line.
     */
    private static boolean rewriteDataLine(
            BufferedSource source, Buffer buf, OutputStream out, MessageRewriter rewriter) throws IOException {
        long nl;
        long scanned = 0;
        while ((nl = buf.indexOf((byte) '\n', scanned)) < 0) {
            scanned = buf.size();
            if (scanned > MAX_REWRITTEN_LINE) {
                return false;
            }
            flush(out);
            if (!source.request(scanned + 1)) {
                return false; // the stream ends inside the line
            }
        }
        if (nl > MAX_REWRITTEN_LINE || buf.size() < 5 || buf.getByte(3) != 'a' || buf.getByte(4) != ':') {
            return false;
        }
        int start = nl > 5 && buf.getByte(5) == ' ' ? 6 : 5;
        int end = (int) (nl > start && buf.getByte(nl - 1) == '\r' ? nl - 1 : nl);
        byte[] line = buf.readByteArray(nl + 1);
        byte[] rewritten = rewriter.rewrite(java.util.Arrays.copyOfRange(line, start, end));
        if (rewritten == null) {
            write(out, line, 0, line.length);
        } else {
            write(out, DATA, 0, DATA.length);
            write(out, rewritten, 0, rewritten.length);
            write(out, line, end, line.length - end); // the line's end, as it was
        }
        return true;
    }

    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private static final byte[] EVENT_START = "event: message\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NEXT_DATA_LINE = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * Writes a JSON body as one SSE {@code message} event, streamed: each line break of the JSON (only whitespace
     * between tokens can hold one) starts a new {@code data:} line, which an SSE client joins back with a line feed.
     */
    static void copyAsSseEvent(BufferedSource source, OutputStream out) throws IOException {
        Buffer buf = source.getBuffer();
        write(out, EVENT_START, 0, EVENT_START.length);
        boolean afterCr = false;
        while (true) {
            if (buf.size() == 0 && !source.request(1)) {
                break;
            }
            long brk = buf.indexOfElement(okio.ByteString.of((byte) '\r', (byte) '\n'));
            if (brk < 0) {
                drain(buf, out, buf.size());
                afterCr = false;
                continue;
            }
            drain(buf, out, brk);
            byte b = buf.readByte();
            if (!(afterCr && b == '\n' && brk == 0)) { // the LF of a CRLF already started the line
                write(out, NEXT_DATA_LINE, 0, NEXT_DATA_LINE.length);
            }
            afterCr = b == '\r';
        }
        write(out, EVENT_END, 0, EVENT_END.length);
        flush(out);
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
