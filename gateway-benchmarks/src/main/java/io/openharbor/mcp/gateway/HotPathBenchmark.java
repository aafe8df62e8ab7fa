package io.openharbor.mcp.gateway;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request work the gateway adds on top of moving bytes: the JSON-RPC peek, the session token (sealed once per
 * session, opened on every request of it). The balancers' picks are in {@link PickBenchmark}. Run with
 * {@code bash bench/jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmark {
    private byte[] toolsCall;
    private byte[] bigToolsCall;
    private SessionTokens tokens;
    private String token;

    @Setup
    public void setUp() {
        toolsCall = ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
                        + "\"arguments\":{\"text\":\"hi\"}}}")
                .getBytes(StandardCharsets.UTF_8);
        StringBuilder big = new StringBuilder("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
                + "{\"name\":\"index\",\"arguments\":{\"docs\":[");
        for (int i = 0; i < 200; i++) {
            big.append(i == 0 ? "" : ",")
                    .append("{\"id\":")
                    .append(i)
                    .append(",\"text\":\"lorem ipsum dolor sit amet\"}");
        }
        bigToolsCall = big.append("]}}}").toString().getBytes(StandardCharsets.UTF_8);
        SecureRandom random = new SecureRandom();
        tokens = new SessionTokens(
                List.of(SessionTokens.randomKey(random)), Clock.systemUTC(), Duration.ofHours(24), random);
        token = tokens.encode("pool", "replica-1", "3f2b9c1e-5d7a-4e8b-9c0d-1a2b3c4d5e6f", "");
    }

    @Benchmark
    public McpPeek peekToolsCall() {
        return McpPeek.of(toolsCall, toolsCall.length);
    }

    @Benchmark
    public McpPeek peekToolsCall8KiB() {
        return McpPeek.of(bigToolsCall, bigToolsCall.length);
    }

    @Benchmark
    public String sealSessionToken() {
        return tokens.encode("pool", "replica-1", "3f2b9c1e-5d7a-4e8b-9c0d-1a2b3c4d5e6f", "");
    }

    @Benchmark
    public SessionTokens.Session openSessionToken() throws SessionTokens.InvalidTokenException {
        return tokens.decode(token, "");
    }
}
