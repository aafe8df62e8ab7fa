package io.openharbor.mcp.gateway.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Configuration as .NET keeps it: a flat, case-insensitive map from key paths ({@code Gateway:BackendServers:0:Url})
 * to string values, each remembering where it came from. A JSON file is flattened into it (comments and trailing
 * commas allowed, as in {@code appsettings.json}); environment variables ({@code GATEWAY__BACKENDSERVERS__0__URL})
 * override single keys, so an override can add an array element, or change one, without restating the rest.
 */
final class FlatConfig {
    /** The value of an empty JSON array or object: the key exists (so it counts as set) but holds nothing. */
    static final String EMPTY = "\u0000empty";

    /** A value and where it came from. */
    record Entry(String value, String origin, boolean fromFile) {}

    final NavigableMap<String, Entry> entries = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .build();

    /**
     * Jackson's message without its internal source description: {@code start marker at [Source: REDACTED (`...`
     * disabled); line: 1, column: 1]} becomes {@code start marker at line 1, column 1}.
     */
    static String withoutSource(String message) {
        return message == null
                ? ""
                : message.replaceAll("\\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)\\]", "line $1, column $2");
    }

    /**
     * Flattens a JSON document into this map. Problems (malformed JSON, duplicate keys, a top level that is not an
     * object) are added to {@code errors}.
     */
    void addJson(String json, String sourceName, List<String> errors) {
        try (JsonParser p = JSON.createParser(json)) {
            JsonToken t = p.nextToken();
            if (t != JsonToken.START_OBJECT) {
                errors.add(sourceName + ": expected a JSON object at the top level, found "
                        + (t == null ? "nothing" : p.getText()));
                return;
            }
            readObject(p, "", sourceName, errors);
            if (p.nextToken() != null) {
                errors.add(sourceName + " line " + line(p) + ": unexpected content after the top-level object");
            }
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            errors.add(sourceName + (at == null ? "" : " line " + at.getLineNr() + " column " + at.getColumnNr())
                    + ": malformed JSON: " + withoutSource(e.getOriginalMessage()));
        } catch (IOException e) {
            errors.add(sourceName + ": could not be read: " + e.getMessage());
        }
    }

    private void readObject(JsonParser p, String prefix, String source, List<String> errors) throws IOException {
        Map<String, String> seen = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        boolean any = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            any = true;
            String name = p.currentName();
            String path = prefix.isEmpty() ? name : prefix + ":" + name;
            String earlier = seen.put(name, name);
            if (earlier != null) {
                errors.add(path + " (" + source + " line " + line(p) + "): duplicate key (keys are case-insensitive:"
                        + " '" + earlier + "' is already set in the same object)");
            }
            if (name.isEmpty() || name.indexOf(':') >= 0) {
                errors.add(path + " (" + source + " line " + line(p) + "): a key must be non-empty and must not contain"
                        + " ':'");
            }
            readValue(p, p.nextToken(), path, source, errors);
        }
        if (!any && !prefix.isEmpty()) {
            entries.put(prefix, new Entry(EMPTY, source + " line " + line(p), true));
        }
    }

    private void readValue(JsonParser p, JsonToken t, String path, String source, List<String> errors)
            throws IOException {
        switch (t) {
            case START_OBJECT -> readObject(p, path, source, errors);
            case START_ARRAY -> {
                int i = 0;
                JsonToken e;
                while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                    readValue(p, e, path + ":" + i++, source, errors);
                }
                if (i == 0) {
                    entries.put(path, new Entry(EMPTY, source + " line " + line(p), true));
                }
            }
            case VALUE_NULL -> {
                // .NET reads null as "not set here": the default applies.
            }
            default -> entries.put(path, new Entry(p.getText(), source + " line " + line(p), true));
        }
    }

    private static int line(JsonParser p) {
        return p.currentTokenLocation().getLineNr();
    }

    /**
     * Applies environment variables whose name starts with one of {@code sections} followed by {@code __}: each
     * {@code __} is a {@code :}, so {@code GATEWAY__BACKENDSERVERS__0__URL} sets {@code Gateway:BackendServers:0:Url}.
     * The variable wins over the file.
     */
    void addEnvironment(Map<String, String> environment, List<String> sections) {
        for (Map.Entry<String, String> e : new TreeMap<>(environment).entrySet()) {
            String name = e.getKey();
            for (String section : sections) {
                String prefix = section.toUpperCase(Locale.ROOT) + "__";
                if (name.toUpperCase(Locale.ROOT).startsWith(prefix)) {
                    String path =
                            section + ":" + name.substring(prefix.length()).replace("__", ":");
                    entries.put(path, new Entry(e.getValue(), "environment variable " + name, false));
                }
            }
        }
    }

    /** Adds keys already flattened (a host framework's properties), each with its origin. */
    void addKeys(Map<String, String> keys, java.util.function.Function<String, String> origins) {
        for (Map.Entry<String, String> e : new TreeMap<>(keys).entrySet()) {
            entries.put(e.getKey(), new Entry(e.getValue(), origins.apply(e.getKey()), false));
        }
    }

    /** The keys under {@code prefix} (exclusive), in order. */
    NavigableMap<String, Entry> under(String prefix) {
        return entries.subMap(prefix + ":", true, prefix + ";", false);
    }
}
