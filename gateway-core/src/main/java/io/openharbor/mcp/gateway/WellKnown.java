package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Serves the protected-resource metadata document (RFC 9728) the {@link Authenticator} offers, at its
 * {@link ResourceMetadata#paths() well-known paths}. Public by design: no authentication, rate limit or origin rule
 * applies, and any origin may read it (a browser-based MCP client fetches it before it has a token). Immutable.
 */
final class WellKnown {
    private static final String METHODS = "GET, HEAD, OPTIONS";

    private final List<String> paths;
    private final byte[] document;
    private final Answers answers;

    WellKnown(ResourceMetadata metadata, Answers answers) {
        this.paths = metadata.paths();
        this.document = metadata.toJson().getBytes(StandardCharsets.UTF_8);
        this.answers = answers;
    }

    /** Whether a request path is one the document is served at. */
    boolean serves(String path) {
        return paths.contains(path);
    }

    List<String> paths() {
        return paths;
    }

    void serve(RequestState r) throws IOException {
        GatewayExchange ex = r.ex;
        String method = ex.method();
        ex.addResponseHeader("Access-Control-Allow-Origin", "*");
        switch (method) {
            case "GET", "HEAD" -> {
                ex.addResponseHeader("Content-Type", "application/json");
                ex.addResponseHeader("Cache-Control", "public, max-age=3600");
                r.status = 200;
                try (var out = ex.sendResponseHeaders(200, document.length)) {
                    if (method.equals("GET")) out.write(document);
                } catch (IOException e) {
                    throw new Relay.ClientGoneException(e);
                }
            }
            case "OPTIONS" -> {
                // A browser's preflight: MCP clients send MCP-Protocol-Version with the discovery request.
                ex.addResponseHeader("Access-Control-Allow-Methods", "GET");
                ex.addResponseHeader("Access-Control-Allow-Headers", "MCP-Protocol-Version");
                ex.addResponseHeader("Access-Control-Max-Age", "86400");
                answers.empty(r, 204);
            }
            default -> {
                ex.addResponseHeader("Allow", METHODS);
                answers.reject(
                        r,
                        405,
                        JsonRpcErrors.INVALID_REQUEST,
                        "HTTP method " + method + " is not allowed on the protected-resource metadata; use GET",
                        "method not allowed");
            }
        }
    }
}
