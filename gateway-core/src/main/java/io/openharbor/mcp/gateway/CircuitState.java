package io.openharbor.mcp.gateway;

/** The state of a backend's circuit breaker (see {@link CircuitBreakerPolicy}). */
public enum CircuitState {
    /** Traffic flows; failures are being counted. */
    CLOSED,
    /** The backend gets no new requests until the open duration has passed. */
    OPEN,
    /** A few trial requests decide whether the breaker closes or opens again. */
    HALF_OPEN
}
