package io.openharbor.mcp.gateway.oauth;

import io.openharbor.mcp.gateway.GatewayRequest;
import io.openharbor.mcp.gateway.testing.FakeRequest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Requests with just {@code Authorization} headers, for calling an authenticator directly. */
final class Requests {
    private Requests() {}

    static GatewayRequest bearer(@Nullable String token) {
        return token == null ? FakeRequest.empty() : FakeRequest.withHeader("Authorization", "Bearer " + token);
    }

    static GatewayRequest with(List<String> authorization) {
        return FakeRequest.withHeader("Authorization", authorization.toArray(new String[0]));
    }
}
