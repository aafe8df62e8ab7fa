package io.openharbor.mcp.gateway;

import java.util.random.RandomGenerator;

/**
 * What a {@link LoadBalancer} may consult when it picks a backend: the request, the live state of each candidate, and
 * the gateway's (injectable) source of randomness, so that randomised strategies are reproducible in tests.
 */
public interface RoutingContext {

    /** {@return the request being routed} */
    GatewayRequest request();

    /**
     * Requests this gateway currently has in flight to the backend (including streams still open).
     *
     * @param backend a candidate
     * @return its requests in flight
     */
    int inFlight(Backend backend);

    /**
     * The backend's peak-sensitive moving average of time to response headers, decayed towards zero while no answers
     * arrive, in nanoseconds; 0 before its first answer.
     *
     * @param backend a candidate
     * @return its latency average, in nanoseconds
     */
    double latencyNanos(Backend backend);

    /**
     * {@return the backend's weight as strategies should use it: {@link Backend#weight()}, reduced during slow start}
     *
     * @param backend a candidate
     */
    double weight(Backend backend);

    /**
     * The gateway's random generator; set with {@link Gateway.Builder#random(RandomGenerator)}.
     *
     * @return the random source
     */
    RandomGenerator random();
}
