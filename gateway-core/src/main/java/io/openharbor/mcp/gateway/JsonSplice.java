package io.openharbor.mcp.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One value of a JSON object found by its path and replaced by splicing bytes: everything else in the message stays
 * byte for byte as the client wrote it (numbers, spacing, member order, unknown members), which is how a federation
 * renames the tool of a {@code tools/call} or restores the id of an answer without re-serialising the message.
 */
final class JsonSplice {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(
                    StreamReadConstraints.builder().maxNestingDepth(64).build())
            .build();

    private JsonSplice() {}

    /** Where a string or integer lies in the message ({@code [start, end)} in bytes), and its text if a string. */
    record Found(int start, int end, @Nullable String text) {}

    /**
     * Finds the value at {@code path} (member names from the top-level object down).
     *
     * @param json a well-formed JSON object (the peek has checked it)
     * @param path member names
     * @return where the value is, or null when the path leads nowhere (a member is missing or not an object) or to
     *     a value that is neither a string nor an integer
     */
    static @Nullable Found find(byte[] json, String... path) {
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int depth = 0;
            while (true) {
                JsonToken t = p.nextToken();
                if (t != JsonToken.FIELD_NAME) {
                    return null; // the end of the object: not found
                }
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!name.equals(path[depth])) {
                    p.skipChildren();
                    continue;
                }
                if (depth == path.length - 1) {
                    if (value != JsonToken.VALUE_STRING && value != JsonToken.VALUE_NUMBER_INT) {
                        return null;
                    }
                    int start = (int) p.currentTokenLocation().getByteOffset();
                    String text = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    return new Found(start, endOf(json, start), text);
                }
                if (value != JsonToken.START_OBJECT) {
                    return null;
                }
                depth++;
            }
        } catch (IOException e) {
            return null;
        }
    }

    /** The end of the string literal or integer that starts at {@code start}. */
    private static int endOf(byte[] json, int start) {
        int i = start;
        if (json[i] == '"') {
            for (i++; json[i] != '"'; i++) {
                if (json[i] == '\\') {
                    i++; // the escaped character (the digits of a u-escape are plain bytes)
                }
            }
            return i + 1;
        }
        while (i < json.length && (json[i] == '-' || (json[i] >= '0' && json[i] <= '9'))) {
            i++;
        }
        return i;
    }

    /** The message with the value at {@code found} replaced by {@code rawJson} (already JSON text). */
    static byte[] replace(byte[] json, Found found, String rawJson) {
        byte[] with = rawJson.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[json.length - (found.end() - found.start()) + with.length];
        System.arraycopy(json, 0, out, 0, found.start());
        System.arraycopy(with, 0, out, found.start(), with.length);
        System.arraycopy(json, found.end(), out, found.start() + with.length, json.length - found.end());
        return out;
    }

    /** {@code s} as a JSON string literal. */
    static String quote(String s) {
        return JsonRpcErrors.quote(new StringBuilder(s.length() + 2), s).toString();
    }
}
