package io.openharbor.mcp.gateway.redis;

import io.openharbor.mcp.gateway.RateLimits;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import redis.clients.jedis.RedisClient;

/**
 * One rate-limit decision: {@link RedisRateLimits} (a round trip to a real redis-server on 127.0.0.1, which setup
 * starts) against {@link RateLimits} (buckets in this process), for 1,000 callers at limits they never reach.
 * {@code bash bench/jmh.sh RedisLimiterBenchmark} (needs redis-server; SampleTime gives p50/p99, Throughput the rate
 * with the threads given by {@code -t}).
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime, Mode.Throughput})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class RedisLimiterBenchmark {
    private Process server;
    private RedisRateLimits redis;
    private RateLimits local;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        server = new ProcessBuilder(
                        List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", ""))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectErrorStream(true)
                .start();
        URI uri = URI.create("redis://127.0.0.1:" + port);
        for (int i = 0; ; i++) {
            try (RedisClient c = RedisClient.create(uri)) {
                c.ping();
                break;
            } catch (RuntimeException e) {
                if (i > 100) throw new IllegalStateException("redis-server did not start", e);
                Thread.sleep(50);
            }
        }
        redis = RedisRateLimits.builder(uri)
                .perCaller(1_000_000, 1_000_000)
                .timeout(Duration.ofMillis(100))
                .build();
        local = RateLimits.builder().perCaller(1_000_000, 1_000_000).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        redis.close();
        server.destroy();
        server.waitFor(5, TimeUnit.SECONDS);
    }

    private static String caller() {
        return "caller-" + ThreadLocalRandom.current().nextInt(1000);
    }

    @Benchmark
    public Duration redisLimiter() {
        return redis.acquire(caller(), null);
    }

    @Benchmark
    public Duration localLimiter() {
        return local.acquire(caller(), null);
    }
}
