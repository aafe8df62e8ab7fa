package io.openharbor.mcp.gateway.oauth;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import okhttp3.FormBody;
import org.jspecify.annotations.Nullable;

/**
 * An opaque access token checked by asking its issuer (RFC 7662 token introspection, client authentication with HTTP
 * Basic). Its answers are cached by {@link VerdictCache}. Thread-safe.
 */
final class Introspection implements TokenCheck {
    private final AuthorizationServer server;
    private final JwtCheck.Claims claims;
    private final String authorization;

    Introspection(AuthorizationServer server, JwtCheck.Claims claims, String clientId, String clientSecret) {
        this.server = server;
        this.claims = claims;
        this.authorization = AuthorizationServer.basic(clientId, clientSecret);
    }

    @Override
    public Verdict check(String token) {
        Map<String, Object> answer;
        try {
            FormBody form = new FormBody.Builder()
                    .add("token", token)
                    .add("token_type_hint", "access_token")
                    .build();
            answer = AuthorizationServer.json(server.postForm(server.introspectionUri(), form, authorization));
        } catch (IOException e) {
            return Verdict.unavailable("introspection at " + server.issuer + " failed: " + e.getMessage());
        }
        if (!Boolean.TRUE.equals(answer.get("active"))) {
            return Verdict.invalid("the issuer says the token is not active");
        }
        return claims.check(
                answer.get("iss") instanceof String s ? s : null,
                audience(answer.get("aud")),
                number(answer.get("exp")),
                number(answer.get("nbf")),
                answer,
                false);
    }

    private static @Nullable List<String> audience(@Nullable Object aud) {
        if (aud instanceof String s) return List.of(s);
        if (aud instanceof List<?> list) {
            return list.stream()
                    .filter(String.class::isInstance)
                    .map(String.class::cast)
                    .toList();
        }
        return null;
    }

    private static @Nullable Long number(@Nullable Object n) {
        return n instanceof Number num ? num.longValue() : null;
    }
}
