package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** JSON nesting depth, string length and JSON-RPC id rules, through a real host server. */
class InputLimitsTest {
    private EdgeFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    private static String nested(int depth) {
        return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\",\"arguments\":"
                + "[".repeat(depth) + "]".repeat(depth) + "}}";
    }

    @Test
    void nestingDepthIsLimited() throws Exception {
        f = new EdgeFixture(Hosts.Kind.JDK, b -> b.maxJsonDepth(10));
        // depth: message object 1, params 2, arguments arrays 3..
        assertThat(f.send(RawHttp.Req.post("/mcp", nested(8))).status).isEqualTo(200);
        RawHttp.Answer deep = f.send(RawHttp.Req.post("/mcp", nested(9)));
        assertThat(deep.status).isEqualTo(400);
        assertThat(deep.body)
                .isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":null,\"error\":{\"code\":-32600,\"message\":"
                        + "\"Invalid Request: JSON nested deeper than 10 levels\"}}");
        assertThat(f.backendRequests()).isEqualTo(1);
    }

    @Test
    void defaultDepthStopsAHugeNestingCheaply() throws Exception {
        f = new EdgeFixture(Hosts.Kind.JDK, b -> b);
        RawHttp.Answer a = f.send(RawHttp.Req.post("/mcp", nested(100_000)));
        assertThat(a.status).isEqualTo(400);
        assertThat(a.body).contains("deeper than 64");
        assertThat(f.backendRequests()).isZero();
    }

    @Test
    void stringLengthIsLimitedAnywhereInTheBody() throws Exception {
        f = new EdgeFixture(Hosts.Kind.JDK, b -> b.maxJsonStringLength(100));
        String ok = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"t\",\"arguments\":"
                + "{\"deep\":[{\"text\":\"" + "x".repeat(100) + "\"}]}}}";
        assertThat(f.send(RawHttp.Req.post("/mcp", ok)).status).isEqualTo(200);
        for (String tooLong : new String[] {
            ok.replace("x".repeat(100), "x".repeat(101)),
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"" + "m".repeat(101) + "\"}",
            "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"" + "k".repeat(101) + "\":1}}",
            "{\"jsonrpc\":\"2.0\",\"id\":\"" + "i".repeat(101) + "\",\"method\":\"ping\"}"
        }) {
            RawHttp.Answer a = f.send(RawHttp.Req.post("/mcp", tooLong));
            assertThat(a.status).as(tooLong).isEqualTo(400);
            assertThat(a.body).contains("longer than 100 characters").contains("\"id\":null");
        }
        assertThat(f.backendRequests()).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.5", "{}", "[]", "true", "null", "1e3"})
    void requestIdsMustBeStringsOrIntegers(String id) throws Exception {
        f = new EdgeFixture(Hosts.Kind.JDK, b -> b);
        RawHttp.Answer a =
                f.send(RawHttp.Req.post("/mcp", "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"ping\"}"));
        assertThat(a.status).isEqualTo(400);
        assertThat(a.body).contains("-32600");
        assertThat(f.backendRequests()).isZero();
    }

    @Test
    void limitsAreValidated() {
        assertThatThrownBy(() -> Gateway.builder().maxJsonDepth(1)).hasMessageContaining("maxJsonDepth");
        assertThatThrownBy(() -> Gateway.builder().maxJsonStringLength(10)).hasMessageContaining("maxJsonStringLength");
    }
}
