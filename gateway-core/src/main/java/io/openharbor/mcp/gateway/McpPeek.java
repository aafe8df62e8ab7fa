package io.openharbor.mcp.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * A peek at a JSON-RPC POST body with Jackson's streaming parser: it checks that the whole body is well-formed JSON
 * and JSON-RPC 2.0, and pulls out only what routing needs ({@code id}, {@code method}, {@code params.name}). The
 * body's bytes are forwarded untouched; nothing is re-serialised.
 */
final class McpPeek {

    /** Why a body was refused. */
    enum Problem {
        /** Not well-formed JSON: -32700. */
        PARSE_ERROR,
        /** Well-formed JSON that is not a JSON-RPC 2.0 message or batch: -32600. */
        INVALID_REQUEST
    }

    static final JsonFactory JSON = JsonFactory.builder().build();

    /** Methods that change nothing on the server, so they may be retried on another backend before any answer byte. */
    static boolean isReadOnly(String method) {
        if (method == null) return false;
        switch (method) {
            case "initialize":
            case "ping":
            case "tools/list":
            case "prompts/list":
            case "resources/list":
            case "resources/templates/list":
                return true;
            default:
                return false;
        }
    }

    Problem problem;
    String problemDetail;
    /** The raw JSON of the id of a single request ({@code "abc"} with quotes, or {@code 7}), or null. */
    String idJson;
    String method;
    String toolName;
    boolean batch;
    /** Whether the body holds at least one request (a message with both method and id). */
    boolean hasRequest;
    /** Whether every request in the body is read-only. */
    boolean allReadOnly = true;

    static McpPeek of(byte[] body, int length) {
        McpPeek peek = new McpPeek();
        try (JsonParser p = JSON.createParser(body, 0, length)) {
            JsonToken root = p.nextToken();
            if (root == JsonToken.START_OBJECT) {
                peek.message(p, true);
            } else if (root == JsonToken.START_ARRAY) {
                peek.batch = true;
                int count = 0;
                JsonToken t;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.START_OBJECT) {
                        peek.invalid("batch element is not a JSON object");
                        p.skipChildren();
                        continue;
                    }
                    peek.message(p, false);
                    count++;
                }
                if (count == 0 && peek.problem == null) {
                    peek.invalid("empty batch");
                }
            } else if (root == null) {
                peek.problem = Problem.PARSE_ERROR;
                peek.problemDetail = "empty body";
                return peek;
            } else {
                peek.invalid("body is not a JSON-RPC object or batch");
                p.skipChildren();
            }
            if (p.nextToken() != null) {
                peek.problem = Problem.PARSE_ERROR;
                peek.problemDetail = "trailing data after the JSON value";
            }
        } catch (JsonProcessingException e) {
            peek.problem = Problem.PARSE_ERROR;
            peek.problemDetail = e.getOriginalMessage();
        } catch (IOException e) {
            peek.problem = Problem.PARSE_ERROR;
            peek.problemDetail = e.getMessage();
        }
        if (peek.problem == Problem.PARSE_ERROR) {
            peek.idJson = null;
        }
        return peek;
    }

    private void invalid(String detail) {
        if (problem == null) {
            problem = Problem.INVALID_REQUEST;
            problemDetail = detail;
        }
    }

    /** Reads one message object; the parser is on its START_OBJECT. */
    private void message(JsonParser p, boolean single) throws IOException {
        boolean versionOk = false;
        boolean hasId = false;
        boolean idValid = true;
        String id = null;
        String m = null;
        String name = null;
        boolean hasResultOrError = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            switch (field) {
                case "jsonrpc":
                    versionOk = v == JsonToken.VALUE_STRING && "2.0".equals(p.getText());
                    break;
                case "id":
                    hasId = true;
                    if (v == JsonToken.VALUE_STRING) {
                        id = JsonRpcErrors.quote(new StringBuilder(), p.getText()).toString();
                    } else if (v == JsonToken.VALUE_NUMBER_INT) {
                        id = p.getText();
                    } else if (v == JsonToken.VALUE_NULL) {
                        id = null;
                    } else {
                        idValid = false;
                        p.skipChildren();
                    }
                    break;
                case "method":
                    if (v == JsonToken.VALUE_STRING) {
                        m = p.getText();
                    } else {
                        m = null;
                        p.skipChildren();
                        invalid("method is not a string");
                    }
                    break;
                case "params":
                    if (v == JsonToken.START_OBJECT) {
                        name = paramsName(p);
                    } else {
                        p.skipChildren();
                    }
                    break;
                case "result":
                case "error":
                    hasResultOrError = true;
                    p.skipChildren();
                    break;
                default:
                    p.skipChildren();
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new JsonParseFailure("unexpected token " + t);
        }
        if (!versionOk) {
            invalid("missing or wrong \"jsonrpc\": \"2.0\"");
        } else if (!idValid) {
            invalid("id must be a string, a number or null");
        } else if (m != null) {
            if (hasId) {
                if (id == null) {
                    invalid("a request id must not be null");
                }
                hasRequest = true;
                if (!isReadOnly(m)) allReadOnly = false;
            }
        } else if (!(hasResultOrError && hasId)) {
            invalid("neither a request, a notification nor a response");
        }
        if (single) {
            idJson = hasId && m != null ? id : null;
            method = m;
            toolName = "tools/call".equals(m) ? name : null;
        }
    }

    /** Reads the params object and returns its top-level string "name", if any. */
    private static String paramsName(JsonParser p) throws IOException {
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if ("name".equals(field) && v == JsonToken.VALUE_STRING) {
                name = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return name;
    }

    /** Internal: a structural surprise the streaming parser itself would not flag. */
    private static final class JsonParseFailure extends JsonProcessingException {
        JsonParseFailure(String msg) {
            super(msg);
        }
    }
}
