package io.openharbor.mcp.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one page of a server's list answer ({@code tools/list}, {@code prompts/list}, {@code resources/list},
 * {@code resources/templates/list}) into entries a federated view can merge (the fifth step of federation; nothing
 * calls it yet). Each entry keeps its key (name, URI or URI template) and its JSON text as the server sent it, so that
 * fields the gateway does not know pass through untouched.
 */
final class ListPageReader {
    /** The kinds of list, with the member that holds the entries and the member that names each. */
    enum Kind {
        TOOLS("tools", "name"),
        PROMPTS("prompts", "name"),
        RESOURCES("resources", "uri"),
        RESOURCE_TEMPLATES("resourceTemplates", "uriTemplate");

        final String array;
        final String key;

        Kind(String array, String key) {
            this.array = array;
            this.key = key;
        }
    }

    /** One entry: the value that names it, and its JSON object as the server wrote it (re-serialised compactly). */
    record Entry(String key, String json) {}

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private ListPageReader() {}

    /**
     * Reads a JSON-RPC answer to a list request.
     *
     * @param answer the answer's JSON text (the caller bounds its size)
     * @param kind which list it answers
     * @return the entries and the next cursor (null or absent on the last page)
     * @throws IOException if the answer is a JSON-RPC error, not JSON, has no array of entries, or an entry has no key
     */
    static UpstreamPages.Page<Entry> read(String answer, Kind kind) throws IOException {
        try (JsonParser p = JSON.createParser(answer)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the answer is not a JSON object");
            }
            UpstreamPages.Page<Entry> page = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (field.equals("result") && value == JsonToken.START_OBJECT) {
                    page = result(p, kind);
                } else if (field.equals("error") && value == JsonToken.START_OBJECT) {
                    throw new IOException("the server answered with an error: " + error(p));
                } else {
                    p.skipChildren();
                }
            }
            if (page == null) {
                throw new IOException("the answer has no result");
            }
            return page;
        } catch (JsonProcessingException e) {
            throw new IOException("the answer is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static UpstreamPages.Page<Entry> result(JsonParser p, Kind kind) throws IOException {
        List<Entry> entries = null;
        String nextCursor = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals(kind.array) && value == JsonToken.START_ARRAY) {
                entries = entries(p, kind);
            } else if (field.equals("nextCursor") && value == JsonToken.VALUE_STRING) {
                nextCursor = p.getText();
            } else {
                p.skipChildren();
            }
        }
        if (entries == null) {
            throw new IOException("the result has no '" + kind.array + "' array");
        }
        return new UpstreamPages.Page<>(entries, nextCursor);
    }

    private static List<Entry> entries(JsonParser p, Kind kind) throws IOException {
        List<Entry> entries = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                throw new IOException("entry " + entries.size() + " of '" + kind.array + "' is not an object");
            }
            StringWriter json = new StringWriter();
            String key = null;
            try (JsonGenerator g = JSON.createGenerator(json)) {
                g.writeStartObject();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken value = p.nextToken();
                    if (field.equals(kind.key) && value == JsonToken.VALUE_STRING) {
                        key = p.getText();
                    }
                    g.writeFieldName(field);
                    g.copyCurrentStructure(p);
                }
                g.writeEndObject();
            }
            if (key == null || key.isEmpty()) {
                throw new IOException("entry " + entries.size() + " of '" + kind.array + "' has no '" + kind.key + "'");
            }
            entries.add(new Entry(key, json.toString()));
        }
        return entries;
    }

    private static String error(JsonParser p) throws IOException {
        String message = null;
        long code = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            if (field.equals("message") && value == JsonToken.VALUE_STRING) {
                message = p.getText();
            } else if (field.equals("code") && value == JsonToken.VALUE_NUMBER_INT) {
                code = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        return code + " " + HeaderText.printable(message);
    }
}
