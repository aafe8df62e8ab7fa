package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Utf8Test {
    @Test
    void wellFormedTextPasses() {
        byte[] b = "a é € 𝄞 \u007f \u0080 \uFFFD \uD7FF \uE000 \uDBFF\uDFFF".getBytes(StandardCharsets.UTF_8);
        assertThat(Utf8.firstInvalid(b, b.length)).isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "c0af",
                "c1bf",
                "e08080",
                "eda080",
                "edbfbf",
                "f08f8080",
                "f4908080",
                "f5808080",
                "ff",
                "80",
                "c3",
                "e282",
                "f09d84",
                "c328"
            })
    void malformedSequencesAreFound(String hex) {
        byte[] bad = HexFormat.of().parseHex(hex);
        byte[] b = new byte[bad.length + 2];
        b[0] = 'x';
        System.arraycopy(bad, 0, b, 1, bad.length);
        b[b.length - 1] = 'y';
        assertThat(Utf8.firstInvalid(b, b.length)).isEqualTo(1);
        // truncated at the end too
        assertThat(Utf8.firstInvalid(b, b.length - 1)).isEqualTo(1);
    }

    @Test
    void aPeekRefusesOverlongAndSurrogateBytesAsParseErrors() {
        byte[] body = HexFormat.of()
                .parseHex(HexFormat.of()
                                .formatHex(
                                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"a"
                                                .getBytes(StandardCharsets.UTF_8))
                        + "c0af" + HexFormat.of().formatHex("\"}}".getBytes(StandardCharsets.UTF_8)));
        McpPeek p = McpPeek.of(body, body.length);
        assertThat(p.problem).isEqualTo(McpPeek.Problem.PARSE_ERROR);
        assertThat(p.problemDetail).contains("not valid UTF-8");
    }
}
