package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** The built-in strategies on plain lists, with the numbers a routing context reports and a seeded random. */
class BalancersTest {
    private final Map<String, Integer> inFlight = new HashMap<>();
    private final Map<String, Double> latency = new HashMap<>();
    private final Map<String, Double> weight = new HashMap<>();
    private String key = "tenant-1";
    private final RandomGenerator random = new SplittableRandom(7);

    private final GatewayRequest request = new GatewayRequest() {
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
            return "t";
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
            return key;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return null;
        }
    };

    private final RoutingContext ctx = new RoutingContext() {
        @Override
        public GatewayRequest request() {
            return request;
        }

        @Override
        public int inFlight(Backend b) {
            return inFlight.getOrDefault(b.name(), 0);
        }

        @Override
        public double latencyNanos(Backend b) {
            return latency.getOrDefault(b.name(), 0.0);
        }

        @Override
        public double weight(Backend b) {
            return weight.getOrDefault(b.name(), (double) b.weight());
        }

        @Override
        public RandomGenerator random() {
            return random;
        }
    };

    private static Backend backend(String name, int weight) {
        return Backend.builder(name, URI.create("http://127.0.0.1:9/" + name))
                .weight(weight)
                .build();
    }

    private static List<Backend> backends(String... names) {
        List<Backend> out = new ArrayList<>();
        for (String n : names) out.add(backend(n, 1));
        return List.copyOf(out);
    }

    private String picks(LoadBalancer lb, List<Backend> list, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) sb.append(lb.pick(list, ctx).name());
        return sb.toString();
    }

    @Test
    void roundRobinRotatesStrictlyWithEqualWeights() {
        assertThat(picks(LoadBalancer.roundRobin(), backends("a", "b", "c"), 7)).isEqualTo("abcabca");
    }

    @Test
    void roundRobinInterleavesWeightsSmoothlyAsNginxDoes() {
        List<Backend> list = List.of(backend("a", 5), backend("b", 1), backend("c", 1));
        assertThat(picks(LoadBalancer.roundRobin(), list, 14)).isEqualTo("aabacaa" + "aabacaa");
    }

    @Test
    void roundRobinFollowsReducedWeightsDuringSlowStart() {
        weight.put("b", 0.25);
        String seq = picks(LoadBalancer.roundRobin(), backends("a", "b"), 100);
        assertThat(seq.chars().filter(ch -> ch == 'b').count()).isEqualTo(20);
    }

    @Test
    void leastConnectionsPrefersTheLessLoadedOfTwo() {
        inFlight.put("a", 9);
        inFlight.put("b", 0);
        assertThat(picks(LoadBalancer.leastConnections(), backends("a", "b"), 20))
                .isEqualTo("b".repeat(20));
    }

    @Test
    void leastConnectionsWeighsLoadByWeight() {
        inFlight.put("a", 4);
        inFlight.put("b", 1);
        List<Backend> list = List.of(backend("a", 10), backend("b", 1));
        // (4+1)/10 < (1+1)/1: the big backend still wins
        assertThat(picks(LoadBalancer.leastConnections(), list, 10)).isEqualTo("a".repeat(10));
    }

    @Test
    void powerOfTwoNeverPicksTheWorstOfThreeAndSpreadsOverTheOthers() {
        inFlight.put("a", 0);
        inFlight.put("b", 1);
        inFlight.put("c", 50);
        String seq = picks(LoadBalancer.leastConnections(), backends("a", "b", "c"), 300);
        assertThat(seq).doesNotContain("c").contains("a", "b");
    }

    @Test
    void peakEwmaAvoidsTheSlowBackend() {
        latency.put("a", 15e6);
        latency.put("b", 2000e6);
        latency.put("c", 12e6);
        String seq = picks(LoadBalancer.peakEwma(), backends("a", "b", "c"), 300);
        assertThat(seq).doesNotContain("b").contains("a", "c");
    }

    @Test
    void peakEwmaWeighsLatencyByLoad() {
        latency.put("a", 10e6);
        latency.put("b", 30e6);
        inFlight.put("a", 5); // 10 ms x 6 = 60 > 30 ms x 1
        assertThat(picks(LoadBalancer.peakEwma(), backends("a", "b"), 10)).isEqualTo("b".repeat(10));
    }

    @Test
    void peakEwmaKeepsAnUnmeasuredBusyBackendOutUntilItAnswers() {
        latency.put("a", 500e6);
        inFlight.put("b", 1); // sent one request, no answer yet
        assertThat(picks(LoadBalancer.peakEwma(), backends("a", "b"), 10)).isEqualTo("a".repeat(10));
        inFlight.put("b", 0); // idle and unmeasured: cheapest
        assertThat(picks(LoadBalancer.peakEwma(), backends("a", "b"), 10)).isEqualTo("b".repeat(10));
    }

    @Test
    void consistentHashSendsAKeyToTheSameBackend() {
        LoadBalancer lb = LoadBalancer.consistentHash(r -> r.header("X-Tenant"));
        List<Backend> list = backends("a", "b", "c", "d", "e");
        Map<String, String> home = new HashMap<>();
        for (int t = 0; t < 200; t++) {
            key = "tenant-" + t;
            String first = lb.pick(list, ctx).name();
            for (int i = 0; i < 3; i++) {
                assertThat(lb.pick(list, ctx).name()).isEqualTo(first);
            }
            home.put(key, first);
        }
        assertThat(home.values()).contains("a", "b", "c", "d", "e");

        // Removing one backend moves only the keys it owned.
        List<Backend> fewer = backends("a", "b", "d", "e");
        int moved = 0;
        for (Map.Entry<String, String> e : home.entrySet()) {
            key = e.getKey();
            String now = lb.pick(fewer, ctx).name();
            if (!e.getValue().equals("c")) {
                assertThat(now).as("key %s", key).isEqualTo(e.getValue());
            } else {
                moved++;
            }
        }
        assertThat(moved).isPositive();
    }

    @Test
    void consistentHashSpillsOverWhenTheHomeBackendIsOverloaded() {
        LoadBalancer lb = LoadBalancer.consistentHash(r -> r.header("X-Tenant"));
        List<Backend> list = backends("a", "b", "c", "d");
        key = "tenant-9";
        String home = lb.pick(list, ctx).name();
        for (Backend b : list) inFlight.put(b.name(), 3);
        // 12 in flight + this one over 4 backends, x 1.25: a backend takes it while it has fewer than 5
        assertThat(lb.pick(list, ctx).name()).isEqualTo(home);
        inFlight.put(home, 10); // now 20 in total: cap 7, the home backend is over it
        String spill = lb.pick(list, ctx).name();
        assertThat(spill).isNotEqualTo(home);
        assertThat(lb.pick(list, ctx).name()).as("the spill is stable too").isEqualTo(spill);
    }

    @Test
    void consistentHashWithoutAKeyBalancesByLoad() {
        LoadBalancer lb = LoadBalancer.consistentHash(r -> null);
        inFlight.put("a", 7);
        assertThat(picks(lb, backends("a", "b"), 10)).isEqualTo("b".repeat(10));
    }

    @Test
    void consistentHashRefusesABalanceFactorThatCannotWork() {
        assertThatThrownBy(() -> LoadBalancer.consistentHash(r -> "k", 1.0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("balanceFactor");
    }

    @Test
    void everyStrategyHandlesASingleCandidate() {
        List<Backend> one = backends("only");
        for (LoadBalancer lb : List.of(
                LoadBalancer.roundRobin(),
                LoadBalancer.leastConnections(),
                LoadBalancer.peakEwma(),
                LoadBalancer.consistentHash(r -> "k"))) {
            assertThat(lb.pick(one, ctx).name()).isEqualTo("only");
        }
    }
}
