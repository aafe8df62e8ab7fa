package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * Every code snippet in the library's Javadoc (the {@code <pre>} blocks of {@code @code} text in the main sources of
 * core, tls, config and testing) is in {@link JavadocSnippets}, which the build compiles: a snippet cannot rot unseen.
 */
class JavadocSnippetsTest {
    private static final List<String> SOURCE_ROOTS = List.of(
            "gateway-core/src/main/java",
            "gateway-tls/src/main/java",
            "gateway-oauth/src/main/java",
            "gateway-redis/src/main/java",
            "gateway-config/src/main/java",
            "gateway-micrometer/src/main/java",
            "gateway-opentelemetry/src/main/java",
            "gateway-testing/src/main/java");
    private static final String SNIPPETS =
            "gateway-examples/src/test/java/io/openharbor/mcp/gateway/examples/JavadocSnippets.java";
    private static final String OPEN = "<pre>{@code";

    /** One snippet: the file it is in (relative to the project root), the line its block opens on, its code. */
    record Snippet(Path file, int line, String code) {}

    @Test
    void everyJavadocSnippetIsInJavadocSnippets() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Snippet> snippets = new ArrayList<>();
        for (String sourceRoot : SOURCE_ROOTS) {
            for (Path file : javaFiles(root.resolve(sourceRoot))) {
                snippets.addAll(extract(root.relativize(file), Files.readAllLines(file)));
            }
        }
        assertThat(snippets).as("snippets found in %s", SOURCE_ROOTS).hasSizeGreaterThanOrEqualTo(20);

        String compiled = "\n" + normalize(Files.readString(root.resolve(SNIPPETS))) + "\n";
        SoftAssertions.assertSoftly(softly -> {
            for (Snippet s : snippets) {
                String shown = normalize(s.code());
                softly.assertThat(compiled.contains("\n" + shown + "\n"))
                        .withFailMessage(
                                "the snippet of %s:%d is not in JavadocSnippets.java:%n%s", s.file(), s.line(), shown)
                        .isTrue();
            }
        });
    }

    /** The .java files under {@code dir}, sorted, so that snippets are always found in the same order. */
    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    /**
     * The snippets of one source file: the text after each {@code OPEN} up to the brace that closes it (braces inside
     * the code are balanced), each comment line without its leading {@code *} and the one space after it, and with
     * HTML escapes undone.
     */
    private static List<Snippet> extract(Path file, List<String> lines) {
        List<Snippet> snippets = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int open = lines.get(i).indexOf(OPEN);
            if (open < 0) {
                continue;
            }
            StringBuilder text = new StringBuilder(lines.get(i).substring(open + OPEN.length()));
            for (int j = i + 1; j < lines.size(); j++) {
                text.append('\n').append(uncomment(lines.get(j)));
            }
            int end = closingBrace(text);
            assertThat(end).as("end of the snippet of %s:%d", file, i + 1).isNotNegative();
            snippets.add(new Snippet(file, i + 1, unescape(text.substring(0, end))));
        }
        return snippets;
    }

    /** A Javadoc line without its leading spaces, {@code *} and one space. */
    private static String uncomment(String line) {
        String s = line.stripLeading();
        if (s.startsWith("*")) {
            s = s.substring(1);
            if (s.startsWith(" ")) {
                s = s.substring(1);
            }
        }
        return s;
    }

    /** The index of the brace that closes the block {@code text} starts inside of, or -1 if it is not closed. */
    private static int closingBrace(CharSequence text) {
        int depth = 1;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static String unescape(String code) {
        return code.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&#64;", "@")
                .replace("&amp;", "&");
    }

    /** Each line stripped of surrounding whitespace, blank lines dropped, joined with {@code \n}. */
    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }
}
