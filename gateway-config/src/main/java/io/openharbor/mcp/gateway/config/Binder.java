package io.openharbor.mcp.gateway.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads typed values out of a {@link FlatConfig}, collecting every problem instead of stopping at the first: each
 * error names the key path, the value and where it came from, and what was expected. Keys nobody asked for are errors
 * too ({@link #unknownKeys}), with the nearest known key as a suggestion.
 */
final class Binder {
    private static final Logger log = LoggerFactory.getLogger(GatewayConfig.class);

    final FlatConfig cfg;
    final List<String> errors;
    private final Set<String> used = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    /** For each section, the keys the binder knows there (for "did you mean"). */
    private final Map<String, TreeSet<String>> known = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    /** Files secrets and other values were read from: a reload watches them too. */
    final List<Path> files = new ArrayList<>();

    Binder(FlatConfig cfg, List<String> errors) {
        this.cfg = cfg;
        this.errors = errors;
    }

    // ---- raw access ----

    private void know(String path) {
        String p = path;
        int colon;
        while ((colon = p.lastIndexOf(':')) > 0) {
            String parent = p.substring(0, colon);
            String leaf = p.substring(colon + 1);
            if (!leaf.chars().allMatch(Character::isDigit)) {
                known.computeIfAbsent(wildcard(parent), k -> new TreeSet<>(String.CASE_INSENSITIVE_ORDER))
                        .add(leaf);
            }
            p = parent;
        }
    }

    /** " (where the value came from)", or "" when nothing is set there. */
    String origin(String path) {
        FlatConfig.Entry e = cfg.entries.get(path);
        return e == null ? "" : " (" + e.origin() + ")";
    }

    /** Array indices become {@code *}, so suggestions for element 3 come from what element 0 was asked. */
    private static String wildcard(String path) {
        return path.replaceAll(":\\d+(?=:|$)", ":*");
    }

    /** Whether anything is set at or under {@code path}. */
    boolean has(String path) {
        know(path);
        return cfg.entries.containsKey(path) || !cfg.under(path).isEmpty();
    }

    /** The entry at {@code path}, or null; an error if the path holds a section instead of a value. */
    FlatConfig.@Nullable Entry entry(String path) {
        know(path);
        FlatConfig.Entry e = cfg.entries.get(path);
        NavigableMap<String, FlatConfig.Entry> below = cfg.under(path);
        if (!below.isEmpty()) {
            if (e != null) {
                used.add(path);
            }
            FlatConfig.Entry first = below.firstEntry().getValue();
            errors.add(path + " (" + first.origin() + "): expected a single value, found a section or an array");
            return null;
        }
        if (e == null) {
            return null;
        }
        used.add(path);
        if (e.value().equals(FlatConfig.EMPTY)) {
            errors.add(path + " (" + e.origin() + "): expected a single value, found an empty array or object");
            return null;
        }
        return e;
    }

    void fail(String path, FlatConfig.Entry e, String expected) {
        errors.add(path + " = \"" + e.value() + "\" (" + e.origin() + "): " + expected);
    }

    // ---- typed values ----

    @Nullable
    String string(String path) {
        FlatConfig.Entry e = entry(path);
        return e == null ? null : e.value();
    }

    @Nullable
    Integer integer(String path, long min, long max) {
        Long v = longValue(path, min, max);
        return v == null ? null : v.intValue();
    }

    @Nullable
    Long longValue(String path, long min, long max) {
        FlatConfig.Entry e = entry(path);
        if (e == null) {
            return null;
        }
        try {
            long v = Long.parseLong(e.value().trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        fail(path, e, "expected a whole number from " + min + " to " + max);
        return null;
    }

    @Nullable
    Double decimal(String path, double min, double max) {
        FlatConfig.Entry e = entry(path);
        if (e == null) {
            return null;
        }
        try {
            double v = Double.parseDouble(e.value().trim());
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        fail(path, e, "expected a number from " + min + " to " + max);
        return null;
    }

    @Nullable
    Boolean bool(String path) {
        FlatConfig.Entry e = entry(path);
        if (e == null) {
            return null;
        }
        String v = e.value().trim();
        if (v.equalsIgnoreCase("true")) return true;
        if (v.equalsIgnoreCase("false")) return false;
        fail(path, e, "expected true or false");
        return null;
    }

    @Nullable
    Duration duration(String path) {
        FlatConfig.Entry e = entry(path);
        if (e == null) {
            return null;
        }
        Duration d = ConfigDurations.parse(e.value());
        if (d == null) {
            fail(path, e, "expected a duration: .NET TimeSpan [d.]hh:mm:ss[.fffffff] (00:00:30) or ISO-8601 (PT30S)");
        } else if (d.isNegative()) {
            fail(path, e, "expected a duration that is not negative");
            return null;
        }
        return d;
    }

    /** One of {@code options} (keys matched case-insensitively). */
    <T> @Nullable T choice(String path, Map<String, T> options) {
        FlatConfig.Entry e = entry(path);
        if (e == null) {
            return null;
        }
        for (Map.Entry<String, T> o : options.entrySet()) {
            if (o.getKey().equalsIgnoreCase(e.value().trim())) {
                return o.getValue();
            }
        }
        fail(path, e, "expected one of " + String.join(", ", options.keySet()));
        return null;
    }

    /**
     * The number of elements of the array at {@code path} (0 when absent or empty). Elements must be numbered 0 to
     * n-1: a gap is an error, since it is usually a typo in an environment variable's index.
     */
    int count(String path) {
        know(path);
        FlatConfig.Entry self = cfg.entries.get(path);
        NavigableMap<String, FlatConfig.Entry> below = cfg.under(path);
        if (self != null) {
            used.add(path);
            if (!self.value().equals(FlatConfig.EMPTY)) {
                if (below.isEmpty()) {
                    fail(path, self, "expected an array ([...] in JSON, or " + envName(path) + "__0 and so on)");
                    return 0;
                }
            }
        }
        TreeSet<Integer> indices = new TreeSet<>();
        for (Map.Entry<String, FlatConfig.Entry> e : below.entrySet()) {
            String rest = e.getKey().substring(path.length() + 1);
            int colon = rest.indexOf(':');
            String segment = colon < 0 ? rest : rest.substring(0, colon);
            int index = -1;
            if (!segment.isEmpty() && segment.length() < 6 && segment.chars().allMatch(Character::isDigit)) {
                index = Integer.parseInt(segment);
            }
            if (index < 0) {
                used.add(e.getKey());
                errors.add(e.getKey() + " (" + e.getValue().origin() + "): " + path
                        + " is an array: expected an index 0, 1, ... instead of '" + segment + "'");
                continue;
            }
            indices.add(index);
        }
        int n = indices.isEmpty() ? 0 : indices.last() + 1;
        if (indices.size() != n) {
            for (int i = 0; i < n; i++) {
                if (!indices.contains(i)) {
                    errors.add(path + ":" + i + ": missing: the array has elements up to index " + (n - 1)
                            + " but none at " + i + " (a gap is usually a mistyped index in an environment variable)");
                }
            }
        }
        return n;
    }

    /** A section of free-form names to single values (header names, say); empty when absent. */
    Map<String, String> map(String path) {
        know(path);
        Map<String, String> out = new LinkedHashMap<>();
        FlatConfig.Entry self = cfg.entries.get(path);
        if (self != null) {
            used.add(path);
            if (!self.value().equals(FlatConfig.EMPTY)) {
                fail(path, self, "expected an object of names to values");
            }
        }
        for (Map.Entry<String, FlatConfig.Entry> e : cfg.under(path).entrySet()) {
            used.add(e.getKey());
            String name = e.getKey().substring(path.length() + 1);
            if (name.contains(":")) {
                errors.add(e.getKey() + " (" + e.getValue().origin() + "): expected a single value under " + path);
            } else if (!e.getValue().value().equals(FlatConfig.EMPTY)) {
                out.put(name, e.getValue().value());
            }
        }
        return out;
    }

    /** An array of single values: null when absent. */
    @Nullable
    List<String> strings(String path) {
        if (!has(path)) {
            return null;
        }
        int n = count(path);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String v = string(path + ":" + i);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /**
     * A secret: either the value at {@code path} (from an environment variable, ideally; written in the file it is
     * accepted with a warning) or the contents of the file named at {@code path + "File"} (trimmed), never both.
     */
    @Nullable
    String secret(String path) {
        FlatConfig.Entry inline = entryQuiet(path);
        String filePath = string(path + "File");
        if (inline != null && filePath != null) {
            errors.add(path + ": set either " + path + " or " + path + "File, not both");
            return null;
        }
        if (inline != null) {
            if (inline.fromFile()) {
                log.warn(
                        "{} is written in the configuration file ({}); prefer the environment variable {} or {}",
                        path,
                        inline.origin(),
                        envName(path),
                        fileAlternative(path));
            }
            return inline.value();
        }
        if (filePath != null) {
            return readFile(path + "File", filePath);
        }
        return null;
    }

    /** Like {@link #entry} but without echoing the value in errors (secrets). */
    private FlatConfig.@Nullable Entry entryQuiet(String path) {
        know(path);
        if (!cfg.under(path).isEmpty()) {
            errors.add(path + ": expected a single value, found a section or an array");
            return null;
        }
        FlatConfig.Entry e = cfg.entries.get(path);
        if (e != null) {
            used.add(path);
            if (e.value().equals(FlatConfig.EMPTY) || e.value().isBlank()) {
                errors.add(path + " (" + e.origin() + "): expected a secret value, found an empty one");
                return null;
            }
        }
        return e;
    }

    /** A file's contents, trimmed; an error naming the key if it cannot be read. */
    @Nullable
    String readFile(String path, String file) {
        try {
            Path p = Path.of(file);
            files.add(p);
            String s = Files.readString(p, StandardCharsets.UTF_8).trim();
            if (s.isEmpty()) {
                errors.add(path + " = \"" + file + "\": the file is empty");
                return null;
            }
            return s;
        } catch (IOException | RuntimeException e) {
            errors.add(path + " = \"" + file + "\": cannot read the file: " + e);
            return null;
        }
    }

    /** A path to an existing readable file; remembered so that a reload notices when it changes. */
    @Nullable
    Path file(String path) {
        FlatConfig.Entry e = entry(path);
        if (e == null) {
            return null;
        }
        Path p = Path.of(e.value());
        if (!Files.isReadable(p)) {
            fail(path, e, "expected a readable file; there is none at that path");
            return null;
        }
        files.add(p);
        return p;
    }

    /**
     * Runs a builder call that validates its argument, turning its complaint into an error about {@code path}.
     */
    void apply(String path, Runnable call) {
        try {
            call.run();
        } catch (IllegalArgumentException
                | IllegalStateException
                | NullPointerException
                | java.io.UncheckedIOException e) {
            FlatConfig.Entry entry = cfg.entries.get(path);
            errors.add(path
                    + (entry == null || isSecretKey(path)
                            ? ""
                            : " = \"" + entry.value() + "\" (" + entry.origin() + ")")
                    + ": " + e.getMessage());
        }
    }

    private static boolean isSecretKey(String path) {
        String p = path.toLowerCase(Locale.ROOT);
        return p.endsWith("key") || p.endsWith("password") || p.contains(":keys:");
    }

    /**
     * Marks every key under {@code prefix} as read: an element already reported unusable (a backend without a URL)
     * whose other keys are then not read, and must not be reported as unknown on top.
     */
    void skip(String prefix) {
        used.addAll(cfg.under(prefix).keySet());
    }

    /** Every key under {@code root} that nothing read is an error: a typo must not be silently ignored. */
    void unknownKeys(String root) {
        for (Map.Entry<String, FlatConfig.Entry> e : cfg.under(root).entrySet()) {
            if (used.contains(e.getKey())) {
                continue;
            }
            String key = canonical(e.getKey());
            String hint = suggestion(key);
            errors.add(key + " (" + e.getValue().origin() + "): unknown key" + hint);
        }
    }

    /** The key with each segment spelled as the binder knows it (environment variables arrive upper-case). */
    private String canonical(String key) {
        String[] parts = key.split(":", -1);
        StringBuilder sb = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            TreeSet<String> names = known.get(wildcard(sb.toString()));
            String spelled = names == null ? null : names.ceiling(parts[i]);
            sb.append(':').append(spelled != null && spelled.equalsIgnoreCase(parts[i]) ? spelled : parts[i]);
        }
        return sb.toString();
    }

    private String suggestion(String key) {
        // the deepest known section this key is under
        String[] parts = key.split(":");
        for (int depth = parts.length - 1; depth >= 1; depth--) {
            String section = wildcard(String.join(":", java.util.Arrays.copyOf(parts, depth)));
            Set<String> names = known.get(section);
            if (names == null) {
                continue;
            }
            String typed = parts[depth];
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (String n : names) {
                int d = distance(typed.toLowerCase(Locale.ROOT), n.toLowerCase(Locale.ROOT));
                if (d < bestDistance) {
                    bestDistance = d;
                    best = n;
                }
            }
            String prefix = String.join(":", java.util.Arrays.copyOf(parts, depth));
            if (best != null && bestDistance <= Math.max(2, typed.length() / 3)) {
                return ": did you mean " + prefix + ":" + best + "?";
            }
            return "; known keys in " + prefix + ": " + String.join(", ", names);
        }
        return "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** The environment variable that sets {@code path}: {@code Gateway:BackendServers:0:Url} → GATEWAY__BACKENDSERVERS__0__URL. */
    static String envName(String path) {
        return path.replace(":", "__").toUpperCase(Locale.ROOT);
    }

    private static String lastSegment(String path) {
        return path.substring(path.lastIndexOf(':') + 1);
    }

    /**
     * The key naming a file that holds the secret at {@code path}: {@code ApiKeyFile} for {@code ...:ApiKey}; for an
     * element of a list ({@code Sessions:Keys:0}) the list's own file key ({@code KeysFile}, one value per line).
     */
    static String fileAlternative(String path) {
        String last = lastSegment(path);
        if (!last.isEmpty() && last.chars().allMatch(Character::isDigit)) {
            String list = path.substring(0, path.lastIndexOf(':'));
            return lastSegment(list) + "File (a file with one value per line)";
        }
        return last + "File";
    }

    /** The flattened keys of a host-owned section, relative to it, case-insensitive. */
    Map<String, String> section(String name) {
        Map<String, String> out = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, FlatConfig.Entry> e : cfg.under(name).entrySet()) {
            if (!e.getValue().value().equals(FlatConfig.EMPTY)) {
                out.put(e.getKey().substring(name.length() + 1), e.getValue().value());
            }
        }
        return out;
    }

    static <T> Map<String, T> options(Object... pairs) {
        Map<String, T> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked")
            T v = (T) pairs[i + 1];
            m.put((String) pairs[i], v);
        }
        return m;
    }
}
