package io.openharbor.mcp.gateway;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link LoadBalancer#pick} of each built-in strategy, as the gateway calls it: on the live candidate list of a real
 * {@link Gateway}'s pool, whose backends carry latency averages and requests in flight. Goal: under 1 µs and no
 * allocation at 100 backends ({@code bash bench/jmh.sh PickBenchmark -prof gc}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PickBenchmark {
    @Param({"roundRobin", "leastConnections", "peakEwma", "consistentHash"})
    public String strategy;

    @Param({"10", "100"})
    public int backends;

    private Gateway gateway;
    private LoadBalancer balancer;
    private Candidates.Live candidates;
    private RoutingContext context;

    @Setup(Level.Trial)
    public void setUp() {
        balancer = switch (strategy) {
            case "roundRobin" -> LoadBalancer.roundRobin();
            case "leastConnections" -> LoadBalancer.leastConnections();
            case "peakEwma" -> LoadBalancer.peakEwma();
            default -> LoadBalancer.consistentHash(r -> r.header("X-Tenant"));
        };
        BackendPool.Builder pool =
                BackendPool.builder("bench").loadBalancer(balancer).healthCheck(HealthCheckPolicy.disabled());
        for (int i = 0; i < backends; i++) {
            pool.backend(Backend.builder("b" + i, java.net.URI.create("http://127.0.0.1:" + (10000 + i) + "/mcp"))
                    .weight(1 + i % 3)
                    .build());
        }
        gateway = Gateway.builder().pool(pool.build()).build();
        RandomGenerator seeded = new java.util.SplittableRandom(42);
        for (BackendRuntime br : gateway.poolRuntime.members().list) {
            br.recordLatency(5_000_000 + seeded.nextInt(20_000_000));
            br.inFlight.set(seeded.nextInt(8));
        }
        candidates = gateway.poolRuntime.snapshot().available;
        GatewayRequest request = new GatewayRequest() {
            @Override
            public String httpMethod() {
                return "POST";
            }

            @Override
            public String rpcMethod() {
                return "tools/call";
            }

            @Override
            public String toolName() {
                return "search";
            }

            @Override
            public boolean isBatch() {
                return false;
            }

            @Override
            public boolean hasSession() {
                return false;
            }

            @Override
            public String header(String name) {
                return "tenant-42";
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return InetSocketAddress.createUnresolved("127.0.0.1", 40000);
            }
        };
        context = new RoutingContext() {
            @Override
            public GatewayRequest request() {
                return request;
            }

            @Override
            public int inFlight(Backend backend) {
                return 0;
            }

            @Override
            public double latencyNanos(Backend backend) {
                return 0;
            }

            @Override
            public double weight(Backend backend) {
                return backend.weight();
            }

            @Override
            public RandomGenerator random() {
                return java.util.concurrent.ThreadLocalRandom.current();
            } // the default
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gateway.close();
    }

    @Benchmark
    public Backend pick() {
        return balancer.pick(candidates, context);
    }
}
