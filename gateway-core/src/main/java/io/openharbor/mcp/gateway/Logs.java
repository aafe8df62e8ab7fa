package io.openharbor.mcp.gateway;

/**
 * The one log category of the gateway's classes, {@value #NAME}: what users configure. A name, not
 * {@code Gateway.class}, so that the stages do not depend on the facade that builds them.
 */
final class Logs {
    static final String NAME = "io.openharbor.mcp.gateway.Gateway";

    private Logs() {}
}
