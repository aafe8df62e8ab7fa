package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class McpPeekTest {
    private static McpPeek peek(String json) {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        return McpPeek.of(b, b.length);
    }

    @Test
    void pullsIdMethodAndToolNameWhateverTheFieldOrder() {
        McpPeek p = peek("{\"params\":{\"arguments\":{\"name\":\"inner\"},\"name\":\"search\"},\"id\":\"a\\\"b\","
                + "\"method\":\"tools/call\",\"jsonrpc\":\"2.0\"}");
        assertThat(p.problem).isNull();
        assertThat(p.method).isEqualTo("tools/call");
        assertThat(p.toolName).isEqualTo("search");
        assertThat(p.idJson).isEqualTo("\"a\\\"b\"");
        assertThat(p.hasRequest).isTrue();
        assertThat(p.allReadOnly).isFalse();
    }

    @Test
    void serverDiscoverIsReadOnlyAndMayBeRetriedElsewhere() {
        // 2026-07-28's discovery request changes nothing on the server, as initialize did before it
        assertThat(peek("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"server/discover\"}").allReadOnly)
                .isTrue();
    }

    @Test
    void batchOfReadOnlyRequests() {
        McpPeek p = peek("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}]");
        assertThat(p.problem).isNull();
        assertThat(p.batch).isTrue();
        assertThat(p.hasRequest).isTrue();
        assertThat(p.allReadOnly).isTrue();
        assertThat(p.idJson).isNull();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}|OK",
                "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}|OK",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}|OK",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-1,\"message\":\"x\"}}|OK",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"|PARSE_ERROR",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} trailing|PARSE_ERROR",
                "''|PARSE_ERROR",
                "not json|PARSE_ERROR",
                "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}|INVALID_REQUEST",
                "{\"id\":1,\"method\":\"ping\"}|INVALID_REQUEST",
                "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}|INVALID_REQUEST",
                "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}|INVALID_REQUEST",
                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":7}|INVALID_REQUEST",
                "{\"jsonrpc\":\"2.0\",\"id\":1}|INVALID_REQUEST",
                "[]|INVALID_REQUEST",
                "[1,2]|INVALID_REQUEST",
                "\"just a string\"|INVALID_REQUEST",
                "42|INVALID_REQUEST",
            })
    void classifiesBodies(String json, String expected) {
        McpPeek p = peek(json);
        assertThat(p.problem == null ? "OK" : p.problem.name()).isEqualTo(expected);
    }
}
