package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's embedding example is EmbeddingExample's code, which the build compiles: it cannot rot unseen. */
class ReadmeExampleTest {

    private static String between(String text, String begin, String end) {
        int from = text.indexOf(begin);
        int to = text.indexOf(end, from + begin.length());
        assertThat(from).as("marker %s", begin).isNotNegative();
        assertThat(to).as("marker %s", end).isPositive();
        return text.substring(from + begin.length(), to);
    }

    private static String normalize(String code) {
        return code.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.joining("\n"));
    }

    @Test
    void readmeShowsTheCompiledEmbeddingExample() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        String readme = Files.readString(root.resolve("README.md"));
        String source = Files.readString(root.resolve(
                "gateway-examples/src/main/java/io/openharbor/mcp/gateway/examples/EmbeddingExample.java"));
        String shown =
                between(readme, "<!-- embedding-example:begin -->\n```java", "```\n<!-- embedding-example:end -->");
        String compiled = between(source, "// README:BEGIN", "// README:END");
        // the README shows the file's imports (which class is in which package) above the method
        String imports = source.lines().filter(l -> l.startsWith("import ")).collect(Collectors.joining("\n"));
        assertThat(normalize(shown)).isEqualTo(normalize(imports + "\n" + compiled));
        assertThat(compiled.lines().filter(l -> !l.isBlank()).count()).isLessThanOrEqualTo(20);
    }
}
