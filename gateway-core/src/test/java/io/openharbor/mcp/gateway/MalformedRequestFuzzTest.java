package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded, bounded fuzzing of malformed requests through the JDK and Jetty adapters, with every edge rule on: truncated
 * and deeply nested JSON, huge strings, invalid UTF-8, wrong JSON types, duplicate and injected headers, bad session
 * tokens, wrong methods and media types. For each request: an answer comes back, it is not a 5xx, no body carries a
 * stack trace, and when the gateway refuses the request the backend has received nothing. The backend answers every
 * request it gets with 200, so any 4xx is the gateway's (or the host server's) own.
 */
class MalformedRequestFuzzTest {
    /** Fixed so that a failure can be replayed; change it (or set -Dfuzz.seed) to explore. */
    private static final long SEED = Long.getLong("fuzz.seed", 20261125L);

    private static final int CASES = 300;
    private static final String KEY = "fuzz-key-0123456789abcdef";
    private EdgeFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    @ParameterizedTest
    @EnumSource(Hosts.Kind.class)
    void malformedRequestsNeverGetA5xxOrAStackTraceOrReachTheBackend(Hosts.Kind kind) throws Exception {
        java.util.concurrent.atomic.AtomicInteger seen = new java.util.concurrent.atomic.AtomicInteger();
        f = new EdgeFixture(
                kind,
                b -> b.maxRequestBodyBytes(64 * 1024)
                        .maxJsonStringLength(4096)
                        .listener(new GatewayListener() {
                            @Override
                            public void requestStart(GatewayRequest request) {
                                seen.incrementAndGet();
                            }
                        })
                        .authenticator(ApiKeys.builder()
                                .key("fuzzer", KEY)
                                .bearer(true)
                                .build())
                        .rateLimiter(RateLimits.builder()
                                .perCaller(1_000_000, 1_000_000)
                                .build())
                        .security(SecurityPolicy.builder()
                                .allowedOrigins(List.of("https://app.example.com"))
                                .allowedHosts(List.of("127.0.0.1"))
                                .build()));
        RawHttp.Answer init = f.send(RawHttp.Req.post("/mcp", EdgeFixture.INIT).header("X-API-Key", KEY));
        assertThat(init.status).isEqualTo(200);
        String token = init.header("Mcp-Session-Id");

        Random random = new Random(SEED);
        long deadline = System.nanoTime() + 120_000_000_000L;
        int answered = 0;
        int refused = 0;
        for (int i = 0; i < CASES && System.nanoTime() < deadline; i++) {
            Case c = nextCase(random, token);
            int before = f.backendRequests();
            int seenBefore = seen.get();
            RawHttp.Answer a;
            try {
                a = RawHttp.send(f.port, c.bytes(f.port));
            } catch (IOException e) {
                // Only requests the host server cannot parse as HTTP may be cut off without an answer.
                assertThat(c.brokenHttp).as("case %d (%s): %s", i, c.kind, e).isTrue();
                continue;
            }
            answered++;
            String what = "case " + i + " (" + c.kind + "): " + a.status + " " + a.body;
            assertThat(a.status).as(what).isLessThan(500);
            if (c.mustRefuse) {
                assertThat(a.status).as(what).isBetween(400, 499);
            }
            assertThat(a.body)
                    .as(what)
                    .doesNotContain("Exception")
                    .doesNotContain("\tat ")
                    .doesNotContain("java.");
            if (a.status >= 400) {
                refused++;
                assertThat(f.backendRequests())
                        .as("backend reached by a refused request: " + what)
                        .isEqualTo(before);
                if (seen.get() != seenBefore) {
                    // the gateway handled it (the host server refused the others itself: bad HTTP, huge headers)
                    assertThat(a.body).as(what).startsWith("{\"jsonrpc\":\"2.0\",");
                }
            }
        }
        assertThat(answered).isGreaterThan(CASES / 2);
        assertThat(refused).isGreaterThan(CASES / 3);
    }

    /** One fuzzed request: method, path, headers and body, or raw bytes for broken HTTP. */
    private static final class Case {
        final String kind;
        String method = "POST";
        final List<String[]> headers = new ArrayList<>();
        byte[] body;
        byte[] raw;
        boolean brokenHttp;
        /** Requests no gateway may forward: malformed JSON, invalid UTF-8, limits passed, no credentials. */
        boolean mustRefuse;

        Case(String kind) {
            this.kind = kind;
        }

        Case h(String name, String value) {
            headers.add(new String[] {name, value});
            return this;
        }

        byte[] bytes(int port) {
            if (raw != null) return raw;
            RawHttp.Req r = new RawHttp.Req(method, "/mcp");
            for (String[] h : headers) r.header(h[0], h[1]);
            if (body != null) r.body(body);
            return r.bytes(port, true);
        }
    }

    private static final String[] VALID = {
        EdgeFixture.PING,
        EdgeFixture.call("echo"),
        "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
        "[" + EdgeFixture.PING + "," + EdgeFixture.call("a") + "]",
    };

    private static final String[] WRONG_TYPES = {
        "{\"jsonrpc\":2,\"id\":1,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":5}",
        "{\"jsonrpc\":\"2.0\",\"id\":{},\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":1.5,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":[1],\"method\":\"ping\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":null,\"method\":\"ping\"}",
        "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"ping\"}",
        "{\"id\":1,\"method\":\"ping\"}",
        "[]",
        "[1,2]",
        "null",
        "true",
        "42",
        "\"x\"",
        "",
        "   ",
        "{\"jsonrpc\":\"2.0\",\"id\":1}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} {}",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"id\":\"dup\"}",
        "{\"jsonrpc\":\"2.0\",\"id\":99999999999999999999999999999,\"method\":\"ping\"}",
    };

    private Case nextCase(Random r, String token) {
        int pick = r.nextInt(14);
        Case c;
        switch (pick) {
            case 0 -> {
                // truncated JSON
                String v = VALID[r.nextInt(VALID.length)];
                c = json("truncated", v.substring(0, r.nextInt(v.length())));
                c.mustRefuse = true;
            }
            case 1 -> {
                // deep nesting
                int depth = 64 + r.nextInt(20_000); // + the message object: always past the default 64
                boolean arrays = r.nextBoolean();
                String open = arrays ? "[" : "{\"a\":";
                String close = arrays ? "]" : "}";
                c = json(
                        "nested " + depth,
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":" + open.repeat(depth) + "1"
                                + close.repeat(depth) + "}");
                c.mustRefuse = true;
            }
            case 2 -> {
                // huge strings
                int len = 4000 + r.nextInt(100_000);
                c = json(
                        "string " + len,
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
                                + "\"t\",\"arguments\":{\"s\":\"" + "x".repeat(len) + "\"}}}");
            }
            case 3 -> {
                // invalid UTF-8
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                byte[] head = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\""
                        .getBytes(StandardCharsets.UTF_8);
                b.write(head, 0, head.length);
                byte[][] bad = {
                    {(byte) 0xC3},
                    {(byte) 0xFF},
                    {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                    {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80},
                    {(byte) 0xC0, (byte) 0xAF}
                };
                byte[] x = bad[r.nextInt(bad.length)];
                b.write(x, 0, x.length);
                byte[] tail = "\"}}".getBytes(StandardCharsets.UTF_8);
                b.write(tail, 0, tail.length);
                c = new Case("invalid utf-8")
                        .h("Content-Type", "application/json")
                        .h("Accept", "application/json, text/event-stream")
                        .h("X-API-Key", KEY);
                c.body = b.toByteArray();
                c.mustRefuse = true;
            }
            case 4 -> c = json("wrong types", WRONG_TYPES[r.nextInt(WRONG_TYPES.length)]);
            case 5 -> {
                // duplicate headers
                String[][] dups = {
                    {"Content-Type", "text/plain"},
                    {"Host", "evil.example.com"},
                    {"X-API-Key", "other-key-0123456789abcdef"},
                    {"Origin", "https://app.example.com"},
                    {"Mcp-Session-Id", "AAAA"},
                    {"Content-Length", "3"}
                };
                String[] d = dups[r.nextInt(dups.length)];
                c = json("duplicate " + d[0], EdgeFixture.PING).h(d[0], d[1]);
                if (d[0].equals("Origin")) c.h("Origin", "https://evil.example.com");
                if (d[0].equals("Content-Length")) c.brokenHttp = true;
            }
            case 6 -> {
                // injected and spoofed headers
                String[][] inj = {
                    {"X-Forwarded-For", "127.0.0.1"},
                    {"X-Forwarded-Proto", "https"},
                    {"Forwarded", "for=\"_x\";proto=https;host=evil"},
                    {"X-Forwarded-Host", "evil.example.com"},
                    {"Origin", "https://evil.example.com"},
                    {"Origin", "null"},
                    {"Host", "evil.example.com"},
                    {"Mcp-Session-Id", "x\u0001y"},
                    {"Authorization", "Bearer " + "A".repeat(5000)},
                    {"X-API-Key", ""},
                    {"Accept", "text/html"},
                    {"Transfer-Encoding", "gzip"}
                };
                String[] d = inj[r.nextInt(inj.length)];
                c = json("injected " + d[0], EdgeFixture.PING);
                c.headers.removeIf(h -> h[0].equalsIgnoreCase(d[0]));
                c.h(d[0], d[1]);
                c.brokenHttp = d[0].equals("Transfer-Encoding");
            }
            case 7 -> {
                // header-splitting attempt in raw bytes
                c = new Case("header splitting");
                c.raw = ("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: " + KEY + "\rX-Injected: 1\r\n"
                                + "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n"
                                + "Content-Length: " + EdgeFixture.PING.length() + "\r\nConnection: close\r\n\r\n"
                                + EdgeFixture.PING)
                        .getBytes(StandardCharsets.ISO_8859_1);
                c.brokenHttp = true;
            }
            case 8 -> {
                // bad session tokens
                String[] bad = {
                    "",
                    "x",
                    token.substring(0, token.length() / 2),
                    token + "A",
                    Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(r, 80)),
                    "A".repeat(8000),
                    token.replace(token.charAt(10), token.charAt(10) == 'A' ? 'B' : 'A')
                };
                c = json("session token", EdgeFixture.PING).h("Mcp-Session-Id", bad[r.nextInt(bad.length)]);
            }
            case 9 -> {
                // media types and methods
                String[][] m = {
                    {"POST", "text/plain"},
                    {"POST", "application/json-seq"},
                    {"PUT", "application/json"},
                    {"PATCH", "application/json"},
                    {"TRACE", null},
                    {"GET", null},
                    {"DELETE", null}
                };
                String[] x = m[r.nextInt(m.length)];
                c = json("method " + x[0] + " " + x[1], EdgeFixture.PING);
                c.method = x[0];
                c.headers.removeIf(h -> h[0].equals("Content-Type") || h[0].equals("Accept"));
                if (x[1] != null) c.h("Content-Type", x[1]);
                if (x[0].equals("GET")) c.h("Accept", "application/json");
                if (!x[0].equals("POST")) c.body = null;
            }
            case 10 -> {
                // oversized body, declared or not
                c = json(
                        "oversized",
                        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"p\":\"" + "y".repeat(70 * 1024)
                                + "\"}}");
                c.mustRefuse = true;
            }
            case 11 -> {
                // no or wrong credentials
                c = json("credentials", EdgeFixture.PING);
                c.headers.removeIf(h -> h[0].equals("X-API-Key"));
                if (r.nextBoolean()) c.h("Authorization", r.nextBoolean() ? "Basic Zm9vOmJhcg==" : "Bearer wrong");
                c.mustRefuse = true;
            }
            case 12 -> {
                // random bytes as body
                c = new Case("random bytes")
                        .h("Content-Type", "application/json")
                        .h("Accept", "application/json, text/event-stream")
                        .h("X-API-Key", KEY);
                c.body = randomBytes(r, 1 + r.nextInt(2000));
            }
            default -> {
                // random mutation of a valid message
                byte[] v = VALID[r.nextInt(VALID.length)].getBytes(StandardCharsets.UTF_8);
                for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                    v[r.nextInt(v.length)] = (byte) r.nextInt(256);
                }
                c = new Case("mutated")
                        .h("Content-Type", "application/json")
                        .h("Accept", "application/json, text/event-stream")
                        .h("X-API-Key", KEY);
                c.body = v;
            }
        }
        return c;
    }

    private static Case json(String kind, String body) {
        Case c = new Case(kind)
                .h("Content-Type", "application/json")
                .h("Accept", "application/json, text/event-stream")
                .h("X-API-Key", KEY);
        c.body = body.getBytes(StandardCharsets.UTF_8);
        return c;
    }

    private static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }
}
