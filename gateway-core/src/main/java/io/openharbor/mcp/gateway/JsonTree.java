package io.openharbor.mcp.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Small JSON values as plain Java ones (objects as ordered maps, arrays as lists, numbers exact), for the few messages
 * a federation must take apart and build (initialize answers, discovery, server-sent requests): bounded in size, read
 * once per session or per catalog refresh, never on the pass-through path. Core depends on jackson-core only.
 */
final class JsonTree {
    /** JSON {@code null}, so that maps can hold it. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private JsonTree() {}

    /** Reads one JSON value. */
    static Object parse(String json) throws IOException {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() == null) {
                throw new IOException("empty JSON");
            }
            Object v = read(p);
            if (p.nextToken() != null) {
                throw new IOException("trailing data after the JSON value");
            }
            return v;
        }
    }

    static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, read(p));
                }
                return m;
            }
            case START_ARRAY -> {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_STRING -> {
                return p.getText();
            }
            case VALUE_NUMBER_INT -> {
                return p.getBigIntegerValue();
            }
            case VALUE_NUMBER_FLOAT -> {
                return p.getDecimalValue();
            }
            case VALUE_TRUE -> {
                return true;
            }
            case VALUE_FALSE -> {
                return false;
            }
            case VALUE_NULL -> {
                return NULL;
            }
            default -> throw new IOException("unexpected JSON token " + t);
        }
    }

    static String write(Object value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new IllegalStateException("writing to a string failed", e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, Object v) throws IOException {
        if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                g.writeFieldName(String.valueOf(e.getKey()));
                write(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> l) {
            g.writeStartArray();
            for (Object o : l) {
                write(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof java.math.BigInteger i) {
            g.writeNumber(i);
        } else if (v instanceof java.math.BigDecimal d) {
            g.writeNumber(d);
        } else if (v instanceof Number n) {
            g.writeNumber(n.longValue());
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof RawJson r) {
            g.writeRawValue(r.json());
        } else {
            g.writeNull();
        }
    }

    /** JSON text written as it is (entries of a catalog, already JSON). */
    record RawJson(String json) {}

    /** The object member {@code name} of {@code v} when {@code v} is an object holding an object there, else null. */
    @SuppressWarnings("unchecked")
    static @Nullable Map<String, Object> object(@Nullable Object v, String name) {
        if (v instanceof Map<?, ?> m && m.get(name) instanceof Map<?, ?> inner) {
            return (Map<String, Object>) inner;
        }
        return null;
    }

    /** The string member {@code name} of an object, or null. */
    static @Nullable String string(@Nullable Map<String, Object> m, String name) {
        return m != null && m.get(name) instanceof String s ? s : null;
    }
}
