package io.openharbor.mcp.gateway;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/** Picks as the request path makes them (routable candidates, the pool's balancer), without sending anything. */
final class PoolRoutes {
    private PoolRoutes() {}

    static final GatewayRequest REQUEST = new GatewayRequest() {
        @Override
        public String httpMethod() {
            return "POST";
        }

        @Override
        public String rpcMethod() {
            return "tools/list";
        }

        @Override
        public String toolName() {
            return null;
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
            return null;
        }

        @Override
        public InetSocketAddress remoteAddress() {
            return new InetSocketAddress("127.0.0.1", 1);
        }
    };

    static RoutingContext context(RandomGenerator random, GatewayRequest request) {
        return new RoutingContext() {
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
                return random;
            }
        };
    }

    /** {@code n} picks of the gateway's balancer over its routable backends, with a seeded random. */
    static List<String> pickMany(Gateway gw, int n) {
        List<String> out = new ArrayList<>(n);
        RoutingContext ctx = context(new java.util.SplittableRandom(42), REQUEST);
        for (int i = 0; i < n; i++) {
            PoolRuntime.Snapshot s = gw.poolRuntime.snapshot();
            out.add(gw.pool()
                    .loadBalancer()
                    .pick(gw.poolRuntime.routable(s), ctx)
                    .name());
        }
        return out;
    }
}
