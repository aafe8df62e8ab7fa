package io.openharbor.mcp.gateway.oauth;

import io.openharbor.mcp.gateway.GatewayRequest;
import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** A {@link GatewayRequest} with just an {@code Authorization} header, for calling an authenticator directly. */
final class Requests {
    private Requests() {}

    static GatewayRequest bearer(@Nullable String token) {
        return with(token == null ? List.of() : List.of("Bearer " + token));
    }

    static GatewayRequest with(List<String> authorization) {
        return new GatewayRequest() {
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
                return name.equalsIgnoreCase("Authorization") && !authorization.isEmpty() ? authorization.get(0) : null;
            }

            @Override
            public List<String> headers(String name) {
                return name.equalsIgnoreCase("Authorization") ? authorization : List.of();
            }

            @Override
            public InetSocketAddress remoteAddress() {
                return InetSocketAddress.createUnresolved("127.0.0.1", 50000);
            }
        };
    }
}
