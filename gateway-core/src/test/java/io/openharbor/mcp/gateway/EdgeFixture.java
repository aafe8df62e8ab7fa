package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;

/**
 * One MockWebServer backend that answers every request (an {@code initialize} with a session id of its own, anything
 * else with an empty JSON-RPC result, GET with a short SSE stream, DELETE with 200) behind a gateway on a real host
 * server. Tests count and inspect what reached the backend.
 */
final class EdgeFixture implements AutoCloseable {
    static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    static final String INIT = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
            + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";

    static String call(String tool) {
        return "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool
                + "\",\"arguments\":{}}}";
    }

    final MockWebServer backend = new MockWebServer();
    final Hosts.Host host;
    final int port;

    EdgeFixture(Hosts.Kind kind, UnaryOperator<Gateway.Builder> configure) throws Exception {
        this(kind, configure, null);
    }

    /** With the backend's settings from {@code backend} (its URL is replaced by the MockWebServer's), or defaults. */
    EdgeFixture(Hosts.Kind kind, UnaryOperator<Gateway.Builder> configure, Backend.@Nullable Builder backendSettings)
            throws Exception {
        backend.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String body = request.getBody() == null ? "" : request.getBody().utf8();
                if ("GET".equals(request.getMethod())) {
                    return new MockResponse.Builder()
                            .addHeader("Content-Type", "text/event-stream")
                            .body("id: 1\ndata: {}\n\n")
                            .build();
                }
                MockResponse.Builder answer = new MockResponse.Builder()
                        .addHeader("Content-Type", "application/json")
                        .addHeader("X-Frame-Options", "SAMEORIGIN") // replaced by the gateway's own
                        .addHeader("Access-Control-Allow-Origin", "*") // dropped: the gateway owns CORS
                        .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}");
                if (body.contains("\"initialize\"")) {
                    answer.addHeader("Mcp-Session-Id", "upstream-" + request.getExchangeIndex());
                }
                return answer.build();
            }
        });
        backend.start(InetAddress.getByName("127.0.0.1"), 0);
        BackendPool pool = BackendPool.builder("p")
                .healthCheck(HealthCheckPolicy.disabled())
                .backend(settings(backendSettings, "http://127.0.0.1:" + this.backend.getPort() + "/mcp"))
                .build();
        Gateway gateway = configure
                .apply(Gateway.builder()
                        .pool(pool)
                        .sessionKeys(List.of(SessionTokens.randomKey(new java.security.SecureRandom()))))
                .build();
        this.host = Hosts.start(kind, gateway);
        this.port = java.net.URI.create(host.url()).getPort();
    }

    private static Backend settings(Backend.@Nullable Builder settings, String url) {
        if (settings == null) return Backend.of("a", url);
        Backend s = settings.build();
        return Backend.builder(s.name(), java.net.URI.create(url))
                .headers(s.headers())
                .forwardClientCredentials(s.forwardsClientCredentials())
                .credentials(s.credentials())
                .build();
    }

    RawHttp.Answer send(RawHttp.Req req) throws IOException {
        return RawHttp.send(host.url(), req);
    }

    int backendRequests() {
        return backend.getRequestCount();
    }

    RecordedRequest takeBackendRequest() throws InterruptedException {
        RecordedRequest r = backend.takeRequest(10, TimeUnit.SECONDS);
        if (r == null) throw new AssertionError("the backend received no request");
        return r;
    }

    @Override
    public void close() {
        host.close();
        backend.close();
    }
}
