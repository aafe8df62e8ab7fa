package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/** The SSE relay that seals event ids: correct at every split of the input, linear and bounded on huge lines. */
class RelayTest {
    private static final String IN =
            "id: 1\ndata: x\n\nid:2\r\ndata: y\r\n\r\nid:\n\n: note\nidle: no\nid: \n" + "data: {\"id\":3}\n\n";
    private static final String OUT =
            "id: <1>\ndata: x\n\nid: <2>\r\ndata: y\r\n\r\nid:\n\n: note\nidle: no\nid: \n" + "data: {\"id\":3}\n\n";

    @Test
    void tagsIdFieldsAndCopiesEverythingElseVerbatim() throws IOException {
        assertThat(relay(IN.getBytes(StandardCharsets.UTF_8), Integer.MAX_VALUE).output)
                .isEqualTo(OUT);
    }

    @Test
    void theResultDoesNotDependOnHowTheBytesArrive() throws IOException {
        byte[] in = IN.getBytes(StandardCharsets.UTF_8);
        for (int chunk = 1; chunk <= in.length; chunk++) {
            assertThat(relay(in, chunk).output).as("chunks of %d bytes", chunk).isEqualTo(OUT);
        }
    }

    @Test
    void anOverlongIdLineIsDroppedAndTheRestRelayed() throws IOException {
        String longId = "x".repeat(Relay.MAX_ID_LINE + 10);
        String in = "id: " + longId + "\ndata: after\n\n";
        assertThat(relay(in.getBytes(StandardCharsets.UTF_8), 100).output).isEqualTo("data: after\n\n");
    }

    @Test
    void aMultiMegabyteLineIsStreamedNotHeld() throws IOException {
        byte[] data = new byte[8 * 1024 * 1024];
        Arrays.fill(data, (byte) 'A');
        Buffer in = new Buffer().writeUtf8("id: 9\ndata: ").write(data).writeUtf8("\n\n");
        byte[] bytes = in.readByteArray();
        Result r = relay(bytes, 8192);
        assertThat(r.output.length()).isEqualTo(bytes.length + 2); // "<" and ">"
        assertThat(r.output).startsWith("id: <9>\ndata: AAAA").endsWith("AAAA\n\n");
        // Bounded: the relay never lets more than a read's worth pile up (the quadratic version held the whole line).
        assertThat(r.maxBuffered).isLessThanOrEqualTo(2 * 8192);
        // Linear: each byte is read from the backend once, in a number of reads proportional to the input.
        assertThat(r.reads).isLessThanOrEqualTo(bytes.length / 8192 + 16);
    }

    private static final class Result {
        String output;
        long maxBuffered;
        int reads;
    }

    /** Relays {@code in}, delivered at most {@code chunk} bytes per read, recording what the relay held buffered. */
    private static Result relay(byte[] in, int chunk) throws IOException {
        Result r = new Result();
        Buffer pending = new Buffer().write(in);
        BufferedSource[] self = new BufferedSource[1];
        Source source = new Source() {
            @Override
            public long read(Buffer sink, long byteCount) {
                r.maxBuffered = Math.max(r.maxBuffered, self[0].getBuffer().size());
                if (pending.size() == 0) return -1;
                r.reads++;
                long n = Math.min(Math.min(byteCount, chunk), pending.size());
                sink.write(pending, n);
                return n;
            }

            @Override
            public Timeout timeout() {
                return Timeout.NONE;
            }

            @Override
            public void close() {}
        };
        self[0] = Okio.buffer(source);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Relay.copySseSealingIds(
                self[0], out, (id, off, len) -> "<" + new String(id, off, len, StandardCharsets.UTF_8) + ">");
        r.output = out.toString(StandardCharsets.UTF_8);
        return r;
    }
}
