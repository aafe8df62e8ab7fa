package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Relaying one SSE event whose {@code data:} line is large (a base64 image in a tool result), delivered in 8 KiB reads
 * as a socket would: the relay that seals event ids (every uncompressed SSE stream) against the plain copy. Run with
 * {@code bash bench/jmh.sh SseRelayBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SseRelayBenchmark {
    @Param({"65536", "8388608"})
    public int lineBytes;

    private byte[] event;
    private SessionTokens tokens;
    private static final OutputStream SINK = OutputStream.nullOutputStream();

    @Setup
    public void setUp() {
        byte[] data = new byte[lineBytes];
        Arrays.fill(data, (byte) 'A');
        Buffer b = new Buffer()
                .writeUtf8("id: 42\nevent: message\ndata: ")
                .write(data)
                .writeUtf8("\n\n");
        event = b.readByteArray();
        tokens = new SessionTokens(
                java.util.List.of(new byte[32]),
                java.time.Clock.systemUTC(),
                java.time.Duration.ofHours(1),
                new java.security.SecureRandom());
    }

    @Benchmark
    public void sealing() throws IOException {
        Relay.copySseSealingIds(source(), SINK, (id, off, len) -> tokens.sealEventId("b1", id, off, len));
    }

    @Benchmark
    public long plainCopy() throws IOException {
        return Relay.copy(source(), SINK);
    }

    private BufferedSource source() {
        byte[] bytes = event;
        return Okio.buffer(new Source() {
            private int pos;

            @Override
            public long read(Buffer sink, long byteCount) {
                if (pos == bytes.length) return -1;
                int n = (int) Math.min(Math.min(byteCount, 8192), bytes.length - pos);
                sink.write(bytes, pos, n);
                pos += n;
                return n;
            }

            @Override
            public Timeout timeout() {
                return Timeout.NONE;
            }

            @Override
            public void close() {}
        });
    }
}
