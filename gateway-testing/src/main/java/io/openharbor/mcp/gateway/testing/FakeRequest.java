package io.openharbor.mcp.gateway.testing;

import static java.util.Objects.requireNonNull;

import io.openharbor.mcp.gateway.GatewayRequest;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * A {@link GatewayRequest} of a {@code tools/call} POST from 127.0.0.1 with the headers given, for calling an
 * {@link io.openharbor.mcp.gateway.Authenticator} or a {@link io.openharbor.mcp.gateway.RateLimiter} directly.
 *
 * <pre>{@code
 * Authentication a = authenticator.authenticate(FakeRequest.withHeader("Authorization", "Bearer " + token));
 * }</pre>
 */
public final class FakeRequest implements GatewayRequest {
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    private FakeRequest(Map<String, List<String>> headers) {
        headers.forEach((name, values) -> this.headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    }

    /**
     * A request with one header of one or more values.
     *
     * @param name the header name
     * @param values its values, in order (none: the header is absent)
     * @return the request
     */
    public static FakeRequest withHeader(String name, String... values) {
        return new FakeRequest(Map.of(requireNonNull(name, "name"), List.of(values)));
    }

    /** {@return a request without headers} */
    public static FakeRequest empty() {
        return new FakeRequest(Map.of());
    }

    @Override
    public String httpMethod() {
        return "POST";
    }

    @Override
    public @Nullable String rpcMethod() {
        return "tools/call";
    }

    @Override
    public @Nullable String toolName() {
        return "echo";
    }

    @Override
    public boolean isBatch() {
        return false;
    }

    @Override
    public boolean hasSession() {
        return false;
    }

    @Override
    public @Nullable String header(String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    @Override
    public List<String> headers(String name) {
        List<String> v = headers.get(name);
        return v == null ? List.of() : v;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return InetSocketAddress.createUnresolved("127.0.0.1", 50000);
    }
}
