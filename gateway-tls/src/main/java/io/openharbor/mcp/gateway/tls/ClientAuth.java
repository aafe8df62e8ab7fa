package io.openharbor.mcp.gateway.tls;

/** Whether the host's HTTPS listener asks callers for a client certificate. */
public enum ClientAuth {
    /** No client certificate is asked for (the default). */
    NONE,
    /** A certificate is asked for; callers without one are let in, callers with an untrusted one are refused. */
    WANT,
    /** A trusted client certificate is required: the handshake fails without one (mutual TLS). */
    NEED
}
