package io.openharbor.mcp.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads each message of a backend's answer, as the relay passes it, for what the exchange's listeners are told: the
 * JSON-RPC error code or the {@code isError} of the answer to the request, and the names a {@code tools/list} or
 * {@code prompts/list} answer lists. Used only while someone listens; changes nothing (a federation's rewriter, if
 * any, runs after it). A message that is not JSON, or longer than {@link Relay#MAX_REWRITTEN_LINE}, teaches nothing.
 */
final class AnswerScan implements Relay.MessageRewriter {
    private static final JsonFactory JSON = new JsonFactory();

    private final RequestState r;
    private final @Nullable ListedNames learn;
    private final Relay.@Nullable MessageRewriter next;

    private AnswerScan(RequestState r, @Nullable ListedNames learn, Relay.@Nullable MessageRewriter next) {
        this.r = r;
        this.learn = learn;
        this.next = next;
    }

    /** What the relay passes each message through: the request's rewriter, with a scan before it when observed. */
    static Relay.@Nullable MessageRewriter of(RequestState r) {
        ExchangeEvents events = r.events;
        if (events == null || r.peek == null || r.peek.idJson == null) {
            return r.rewriter;
        }
        ListedNames learn = ListedNames.lists(r.peek.method) ? events.listed() : null;
        return new AnswerScan(r, learn, r.rewriter);
    }

    @Override
    public byte @Nullable [] rewrite(byte[] message) {
        try {
            scan(message);
        } catch (IOException e) {
            // not a JSON message: nothing to learn from it
        }
        return next == null ? null : next.rewrite(message);
    }

    private void scan(byte[] message) throws IOException {
        try (JsonParser p = JSON.createParser(message)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            String id = null;
            boolean request = false;
            boolean error = false;
            int code = 0;
            boolean isError = false;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                switch (field) {
                    case "id" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            id = JsonRpcErrors.quote(new StringBuilder(), p.getText())
                                    .toString();
                        } else if (v == JsonToken.VALUE_NUMBER_INT) {
                            id = p.getText();
                        } else {
                            p.skipChildren();
                        }
                    }
                    case "method" -> {
                        request = true;
                        p.skipChildren();
                    }
                    case "error" -> {
                        error = true;
                        code = v == JsonToken.START_OBJECT ? errorCode(p) : 0;
                    }
                    case "result" -> isError = v == JsonToken.START_OBJECT && result(p);
                    default -> p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT || request || id == null || !id.equals(r.idJson())) {
                return; // a notification, a request of the server's, or another message
            }
            if (error) {
                r.hasRpcError = true;
                r.rpcError = code;
            } else {
                r.toolError = isError;
            }
        }
    }

    /** The {@code code} of the error object the parser is on. */
    private static int errorCode(JsonParser p) throws IOException {
        int code = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("code") && v == JsonToken.VALUE_NUMBER_INT) {
                code = p.getIntValue();
            } else {
                p.skipChildren();
            }
        }
        return code;
    }

    /** Reads the result object the parser is on: whether it says {@code isError: true}; learns listed names. */
    private boolean result(JsonParser p) throws IOException {
        boolean isError = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken v = p.nextToken();
            if (field.equals("isError")) {
                isError = v == JsonToken.VALUE_TRUE;
            } else if (learn != null
                    && v == JsonToken.START_ARRAY
                    && (field.equals("tools") || field.equals("prompts"))) {
                names(p, field.equals("tools") ? "tools/list" : "prompts/list");
            } else {
                p.skipChildren();
            }
        }
        return isError;
    }

    /** Learns the {@code name} of each object of the array the parser is on. */
    private void names(JsonParser p, String listMethod) throws IOException {
        ListedNames names = learn;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken v = p.nextToken();
                if (field.equals("name") && v == JsonToken.VALUE_STRING && names != null) {
                    names.add(listMethod, p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
    }
}
