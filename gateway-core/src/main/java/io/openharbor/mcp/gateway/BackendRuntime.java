package io.openharbor.mcp.gateway;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/** The live side of one {@link Backend}: its parsed URL, the HTTP client that reaches it and its load. */
final class BackendRuntime {
    final Backend backend;
    final int index;
    final HttpUrl url;
    final OkHttpClient client;
    final AtomicInteger inFlight = new AtomicInteger();
    /**
     * A short, stable tag for the backend, the same on every gateway instance with the same configuration: it prefixes
     * SSE event ids on session-less streams so that a resumption GET with {@code Last-Event-ID} finds its backend.
     */
    final String eventTag;

    BackendRuntime(String poolName, Backend backend, int index, OkHttpClient client) {
        this.backend = backend;
        this.index = index;
        this.url = HttpUrl.get(backend.url().toString());
        this.client = client;
        byte[] digest = SessionTokens.sha256((poolName + "\u0000" + backend.name()).getBytes(StandardCharsets.UTF_8));
        this.eventTag = "g" + Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, 10);
    }

    /** The backend URL with the client's query string added to any query the backend URL already has. */
    HttpUrl urlWithQuery(String query) {
        if (query == null || query.isEmpty()) {
            return url;
        }
        String existing = url.encodedQuery();
        return url.newBuilder().encodedQuery(existing == null ? query : existing + "&" + query).build();
    }
}
