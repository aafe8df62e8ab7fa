package io.openharbor.mcp.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

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
        INVALID_REQUEST,
        /** Past an input limit: nested too deep, a string or number too long (400, -32600). */
        TOO_COMPLEX
    }

    /** The input limits of one gateway, with the parser factory that enforces the nesting depth. */
    static final class Limits {
        /** Default nesting depth: deep enough for any real MCP message, shallow enough for recursive parsers. */
        static final int DEFAULT_DEPTH = 64;

        static final Limits DEFAULT = new Limits(DEFAULT_DEPTH, 0);

        final int maxDepth;
        /** Longest string (or member name) in characters; 0 for no limit but the body size. */
        final int maxStringLength;

        final JsonFactory factory;

        Limits(int maxDepth, int maxStringLength) {
            this.maxDepth = maxDepth;
            this.maxStringLength = maxStringLength;
            this.factory = JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(maxDepth)
                            .build())
                    .build();
        }
    }

    /** Methods that change nothing on the server, so they may be retried on another backend before any answer byte. */
    static boolean isReadOnly(String method) {
        if (method == null) return false;
        return switch (method) {
            case "initialize",
                    "server/discover",
                    "ping",
                    "tools/list",
                    "prompts/list",
                    "resources/list",
                    "resources/templates/list" -> true;
            default -> false;
        };
    }

    @Nullable
    Problem problem;

    @Nullable
    String problemDetail;
    /** The raw JSON of the id of a single request ({@code "abc"} with quotes, or {@code 7}), or null. */
    @Nullable
    String idJson;

    @Nullable
    String method;

    @Nullable
    String toolName;
    /** {@code params.name} of a single {@code tools/call} or {@code prompts/get}, or null. */
    @Nullable
    String target;
    /** {@code params._meta.traceparent} of a single message, or null. */
    @Nullable
    String traceparent;
    /** {@code params._meta.tracestate} of a single message, or null. */
    @Nullable
    String tracestate;
    /**
     * Where the value of {@link #traceparent} starts in the body when its bytes are the string itself (no escapes), so
     * that it can be overwritten in place by one of the same length; else -1.
     */
    int traceparentOffset = -1;

    boolean batch;
    /** Whether the body holds at least one request (a message with both method and id). */
    boolean hasRequest;
    /** Whether every request in the body is read-only. */
    boolean allReadOnly = true;
    /** The tool names of the {@code tools/call} requests in the body (several in a batch), or null when none. */
    @Nullable
    List<String> tools;
    /** The body being read (for the offset of its trace context), during {@link #of} only. */
    private byte @Nullable [] body;
    /** The string length limit to check, or 0 when no string in this body can pass it. */
    private int stringLimit;

    static McpPeek of(byte[] body, int length) {
        return of(body, length, Limits.DEFAULT);
    }

    static McpPeek of(byte[] body, int length, Limits limits) {
        McpPeek peek = new McpPeek();
        int bad = Utf8.firstInvalid(body, length);
        if (bad >= 0) {
            peek.problem = Problem.PARSE_ERROR;
            peek.problemDetail = "body is not valid UTF-8 (at byte " + bad + ")";
            return peek;
        }
        // A string has at most as many characters as the body has bytes: short bodies need no string check.
        peek.stringLimit = limits.maxStringLength > 0 && length > limits.maxStringLength ? limits.maxStringLength : 0;
        peek.body = body;
        try (JsonParser p = limits.factory.createParser(body, 0, length)) {
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
                        peek.skip(p);
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
                peek.body = null;
                return peek;
            } else {
                peek.invalid("body is not a JSON-RPC object or batch");
                peek.skip(p);
            }
            if (p.nextToken() != null) {
                peek.problem = Problem.PARSE_ERROR;
                peek.problemDetail = "trailing data after the JSON value";
            }
        } catch (StreamConstraintsException e) {
            peek.problem = Problem.TOO_COMPLEX;
            String m = String.valueOf(e.getOriginalMessage());
            peek.problemDetail = m.contains("nesting depth")
                    ? "JSON nested deeper than " + limits.maxDepth + " levels"
                    : m.contains("Number") ? "a JSON number is too long" : "a JSON value is too long";
        } catch (TooLong e) {
            peek.problem = Problem.TOO_COMPLEX;
            peek.problemDetail = "a JSON string is longer than " + limits.maxStringLength + " characters";
        } catch (JsonProcessingException e) {
            peek.problem = Problem.PARSE_ERROR;
            // without Jackson's "[Source: REDACTED (...)]" in messages that point back at a start marker
            peek.problemDetail = String.valueOf(e.getOriginalMessage())
                    .replaceAll("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
        } catch (IOException e) {
            peek.problem = Problem.PARSE_ERROR;
            peek.problemDetail = e.getMessage();
        }
        peek.body = null;
        if (peek.problem == Problem.PARSE_ERROR || peek.problem == Problem.TOO_COMPLEX) {
            peek.idJson = null;
        }
        return peek;
    }

    /**
     * Skips the value the parser is on (a scalar, or a whole object or array). Without a string limit this is
     * Jackson's skip, which does not even decode strings; with one, every string and member name is measured.
     */
    private void skip(JsonParser p) throws IOException {
        if (stringLimit == 0) {
            p.skipChildren();
            return;
        }
        JsonToken t = p.currentToken();
        int open = 0;
        while (true) {
            if (t == JsonToken.VALUE_STRING || t == JsonToken.FIELD_NAME) {
                if (p.getTextLength() > stringLimit) throw new TooLong();
            } else if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                open++;
            } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                open--;
            }
            if (open == 0) return;
            t = p.nextToken();
            if (t == null) throw new JsonParseFailure("unexpected end of input");
        }
    }

    /** A string past the configured limit. */
    private static final class TooLong extends IOException {
        private static final long serialVersionUID = 1L;

        TooLong() {
            super("string too long", null);
        }
    }

    /** Measures a string the peek reads itself (method, id, tool name). */
    private String text(JsonParser p) throws IOException {
        if (stringLimit > 0 && p.getTextLength() > stringLimit) throw new TooLong();
        return p.getText();
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
            if (stringLimit > 0 && field.length() > stringLimit) throw new TooLong();
            JsonToken v = p.nextToken();
            switch (field) {
                case "jsonrpc" -> versionOk = v == JsonToken.VALUE_STRING && "2.0".equals(text(p));
                case "id" -> {
                    hasId = true;
                    if (v == JsonToken.VALUE_STRING) {
                        id = JsonRpcErrors.quote(new StringBuilder(), text(p)).toString();
                    } else if (v == JsonToken.VALUE_NUMBER_INT) {
                        id = p.getText();
                    } else if (v == JsonToken.VALUE_NULL) {
                        id = null;
                    } else {
                        idValid = false;
                        skip(p);
                    }
                }
                case "method" -> {
                    if (v == JsonToken.VALUE_STRING) {
                        m = text(p);
                    } else {
                        m = null;
                        skip(p);
                        invalid("method is not a string");
                    }
                }
                case "params" -> {
                    if (v == JsonToken.START_OBJECT) {
                        name = paramsName(p, single);
                    } else {
                        skip(p);
                    }
                }
                case "result", "error" -> {
                    hasResultOrError = true;
                    skip(p);
                }
                default -> skip(p);
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
            if ("tools/call".equals(m) && name != null) {
                if (tools == null) tools = new ArrayList<>(1);
                tools.add(name);
            }
        } else if (!(hasResultOrError && hasId)) {
            invalid("neither a request, a notification nor a response");
        }
        if (single) {
            idJson = hasId && m != null ? id : null;
            method = m;
            toolName = "tools/call".equals(m) ? name : null;
            target = "tools/call".equals(m) || "prompts/get".equals(m) ? name : null;
        }
    }

    /**
     * Reads the params object and returns its top-level string "name", if any; of a single message, also its
     * {@code _meta} trace context.
     */
    private @Nullable String paramsName(JsonParser p, boolean single) throws IOException {
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (stringLimit > 0 && field.length() > stringLimit) throw new TooLong();
            JsonToken v = p.nextToken();
            if ("name".equals(field) && v == JsonToken.VALUE_STRING) {
                name = text(p);
            } else if (single && "_meta".equals(field) && v == JsonToken.START_OBJECT) {
                meta(p);
            } else {
                skip(p);
            }
        }
        return name;
    }

    /**
     * Whether a JSON string value is its own bytes between the quotes: printable ASCII without a quote or a backslash
     * (a W3C {@code traceparent} always is), so that one such value can replace another of the same length in place.
     */
    static boolean writableInPlace(String value) {
        return value.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '"' && c != '\\');
    }

    /** Reads {@code traceparent} and {@code tracestate} of the {@code _meta} object the parser is on. */
    private void meta(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            if (stringLimit > 0 && field.length() > stringLimit) throw new TooLong();
            JsonToken v = p.nextToken();
            if ("traceparent".equals(field) && v == JsonToken.VALUE_STRING) {
                traceparent = text(p);
                long quote = p.currentTokenLocation().getByteOffset();
                int length = p.getTextLength();
                byte[] b = body;
                // the value's bytes are the string itself when it is ASCII without escapes: one byte per character,
                // closed by a quote right after
                traceparentOffset = b != null
                                && quote >= 0
                                && quote + length + 1 < b.length
                                && b[(int) quote] == '"'
                                && b[(int) quote + length + 1] == '"'
                                && writableInPlace(traceparent)
                        ? (int) quote + 1
                        : -1;
            } else if ("tracestate".equals(field) && v == JsonToken.VALUE_STRING) {
                tracestate = text(p);
            } else {
                skip(p);
            }
        }
    }

    /** Internal: a structural surprise the streaming parser itself would not flag. */
    private static final class JsonParseFailure extends JsonProcessingException {
        private static final long serialVersionUID = 1L;

        JsonParseFailure(String msg) {
            super(msg);
        }
    }
}
