/**
 * TLS for the gateway: backend policies ({@link io.openharbor.mcp.gateway.tls.BackendTls}) and the host's HTTPS
 * listener ({@link io.openharbor.mcp.gateway.tls.ServerTls}), with JDK APIs only.
 */
@NullMarked
package io.openharbor.mcp.gateway.tls;

import org.jspecify.annotations.NullMarked;
