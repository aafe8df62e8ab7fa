package io.openharbor.mcp.gateway;

import org.jspecify.annotations.Nullable;

/**
 * Credentials the gateway presents to a backend of its own accord, never the client's: for instance an OAuth access
 * token it obtained for that backend with the client-credentials grant ({@code OAuthClientCredentials} in module
 * {@code gateway-oauth}). Set per backend with {@link Backend.Builder#credentials(BackendCredentials)}.
 *
 * <pre>{@code
 * BackendCredentials fromVault = backend -> "Bearer " + vault.currentToken(backend.name());
 * }</pre>
 *
 * <p>Called on the request thread for every attempt and health check to the backend, so it must answer from memory
 * (refresh in the background) and must not throw.
 */
@FunctionalInterface
public interface BackendCredentials {

    /**
     * The {@code Authorization} value for the next request to {@code backend}.
     *
     * @param backend the backend the request goes to
     * @return the header value ({@code Bearer ...}), or null to send none this time (no credentials to be had now)
     */
    @Nullable
    String authorization(Backend backend);
}
