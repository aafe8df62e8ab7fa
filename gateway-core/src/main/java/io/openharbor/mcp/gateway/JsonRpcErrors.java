package io.openharbor.mcp.gateway;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * The JSON-RPC error codes the gateway answers with, and the body it writes. The HTTP status carries the transport
 * meaning; the JSON-RPC code lets an MCP client surface a readable error. See {@code docs/errors.md}.
 */
final class JsonRpcErrors {
    private JsonRpcErrors() {}

    /** Malformed JSON (JSON-RPC standard). */
    static final int PARSE_ERROR = -32700;
    /** Not a JSON-RPC message, or a request the gateway refuses at the HTTP level (JSON-RPC standard). */
    static final int INVALID_REQUEST = -32600;
    /** The gateway failed internally (JSON-RPC standard). */
    static final int INTERNAL_ERROR = -32603;
    /** Unknown, expired or foreign session; the client must initialize again (the TypeScript SDK's code). */
    static final int SESSION_NOT_FOUND = -32001;
    /** No backend can take the request now (503). */
    static final int BACKEND_UNAVAILABLE = -32010;
    /** The backend could not be reached or failed mid-exchange (502). */
    static final int BACKEND_ERROR = -32011;
    /** The backend did not answer in time (504). */
    static final int BACKEND_TIMEOUT = -32012;
    /** Refused at the edge: HTTPS required, host or origin not allowed, CORS preflight refused (403, 308). */
    static final int EDGE_FORBIDDEN = -32020;
    /**
     * MCP 2026-07-28's HeaderMismatch: a mirrored header ({@code Mcp-Method}, {@code Mcp-Name}) disagrees with the
     * body. The same number as {@link #EDGE_FORBIDDEN}, which predates that revision (see docs/errors.md).
     */
    static final int HEADER_MISMATCH = -32020;
    /** No or invalid credentials (401). */
    static final int UNAUTHORIZED = -32021;
    /** The authenticator refused a known caller (403). */
    static final int FORBIDDEN = -32022;
    /** The caller's rate limit is spent (429); {@code data.retryAfterSeconds} says when to try again. */
    static final int RATE_LIMITED = -32029;

    /**
     * {@code {"jsonrpc":"2.0","id":<idJson>,"error":{"code":<code>,"message":<message>,"data":<dataJson>}}} as UTF-8;
     * {@code data} only when {@code dataJson} is not null.
     */
    static byte[] body(@Nullable String idJson, int code, String message, @Nullable String dataJson) {
        StringBuilder sb = new StringBuilder(96 + message.length());
        sb.append("{\"jsonrpc\":\"2.0\",\"id\":")
                .append(idJson == null ? "null" : idJson)
                .append(",\"error\":{\"code\":")
                .append(code)
                .append(",\"message\":");
        quote(sb, message);
        if (dataJson != null) {
            sb.append(",\"data\":").append(dataJson);
        }
        sb.append("}}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Appends {@code s} as a JSON string literal. */
    static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"');
    }
}
