package io.openharbor.mcp.gateway.oauth;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.openharbor.mcp.gateway.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * The authorization server as the gateway reaches it: its metadata (RFC 8414, or OpenID Connect discovery), found
 * once and kept, and bounded HTTP exchanges with its endpoints (TLS, a timeout, a size cap, no redirects). Thread-safe.
 */
final class AuthorizationServer implements AutoCloseable {
    /** The most of a metadata document, JWKS or introspection answer read: {@value} bytes. */
    static final int MAX_DOCUMENT_BYTES = 1 << 20;
    /** After a failed discovery, the next is tried no sooner than this. */
    private static final long DISCOVERY_RETRY_NANOS = Duration.ofSeconds(5).toNanos();

    final String issuer;
    private final @Nullable String jwksUri;
    private final @Nullable String introspectionUri;
    private final OkHttpClient http;
    private final Ticker ticker;

    private volatile @Nullable Map<String, Object> metadata;
    private long discoveryFailedAt;
    private @Nullable IOException discoveryFailure;

    AuthorizationServer(
            String issuer,
            @Nullable String jwksUri,
            @Nullable String introspectionUri,
            Duration timeout,
            @Nullable X509TrustManager trust,
            Ticker ticker) {
        this.issuer = issuer;
        this.jwksUri = jwksUri;
        this.introspectionUri = introspectionUri;
        this.ticker = ticker;
        OkHttpClient.Builder b = new OkHttpClient.Builder()
                .connectTimeout(timeout)
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .callTimeout(timeout)
                .followRedirects(false)
                .followSslRedirects(false)
                .retryOnConnectionFailure(false);
        if (trust != null) {
            try {
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(null, new TrustManager[] {trust}, null);
                b.sslSocketFactory(tls.getSocketFactory(), trust);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot set up TLS to the authorization server: " + e.getMessage(), e);
            }
        }
        this.http = b.build();
    }

    /** The JWKS URI: configured, or from the issuer's metadata. */
    String jwksUri() throws IOException {
        return jwksUri != null ? jwksUri : endpoint("jwks_uri");
    }

    /** The introspection endpoint: configured, or from the issuer's metadata. */
    String introspectionUri() throws IOException {
        return introspectionUri != null ? introspectionUri : endpoint("introspection_endpoint");
    }

    /** An endpoint the issuer's metadata names ({@code token_endpoint}, ...), checked as an OAuth URL. */
    String endpoint(String name) throws IOException {
        Object value = metadata().get(name);
        if (!(value instanceof String s) || s.isEmpty()) {
            throw new IOException("the metadata of " + issuer + " has no " + name);
        }
        OAuthResourceServer.requireOAuthUrl(s, name + " of " + issuer);
        return s;
    }

    /** The issuer's metadata, discovered once; a failure is remembered for a few seconds (no storm of retries). */
    private Map<String, Object> metadata() throws IOException {
        Map<String, Object> m = metadata;
        if (m != null) return m;
        synchronized (this) {
            m = metadata;
            if (m != null) return m;
            IOException failed = discoveryFailure;
            if (failed != null && ticker.read() - discoveryFailedAt < DISCOVERY_RETRY_NANOS) {
                throw failed;
            }
            try {
                m = discover();
                metadata = m;
                discoveryFailure = null;
                return m;
            } catch (IOException e) {
                discoveryFailure = e;
                discoveryFailedAt = ticker.read();
                throw e;
            }
        }
    }

    /**
     * The well-known locations of the issuer's metadata, in the order MCP 2025-11-25 gives: RFC 8414's (the suffix
     * inserted before the issuer's path), then OpenID Connect's inserted and appended forms.
     */
    static List<String> discoveryUrls(String issuer) {
        URI u = URI.create(issuer);
        String origin = u.getScheme() + "://" + u.getRawAuthority();
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        if (path.endsWith("/")) path = path.substring(0, path.length() - 1);
        List<String> urls = new ArrayList<>(3);
        urls.add(origin + "/.well-known/oauth-authorization-server" + path);
        urls.add(origin + "/.well-known/openid-configuration" + path);
        if (!path.isEmpty()) urls.add(origin + path + "/.well-known/openid-configuration");
        return urls;
    }

    private Map<String, Object> discover() throws IOException {
        List<String> tried = new ArrayList<>();
        for (String url : discoveryUrls(issuer)) {
            Map<String, Object> doc;
            try {
                doc = json(get(url));
            } catch (IOException e) {
                tried.add(url + ": " + e.getMessage());
                continue;
            }
            if (!issuer.equals(doc.get("issuer"))) { // RFC 8414 §3.3: a document of another issuer is not used
                tried.add(url + ": names issuer " + doc.get("issuer"));
                continue;
            }
            return doc;
        }
        throw new IOException("no metadata found for issuer " + issuer + " (" + String.join("; ", tried) + ")");
    }

    /** A GET of a JSON document, read whole (at most {@link #MAX_DOCUMENT_BYTES}). */
    String get(String url) throws IOException {
        return execute(http.newCall(jsonGet(url)));
    }

    private static Request jsonGet(String url) {
        return new Request.Builder()
                .url(url)
                .header("Accept", "application/json")
                .build();
    }

    /** The same, without waiting: {@code done} gets the body or the failure on OkHttp's dispatcher thread. */
    void getAsync(String url, Completion done) {
        async(jsonGet(url), done);
    }

    /** {@link #postForm} without waiting, as {@link #getAsync}. */
    void postFormAsync(String url, RequestBody form, String authorization, Completion done) {
        async(formPost(url, form, authorization), done);
    }

    private void async(Request request, Completion done) {
        http.newCall(request).enqueue(new Callback() {
            @Override
            public void onResponse(Call call, Response response) {
                try (response) {
                    done.completed(read(response), null);
                } catch (IOException e) {
                    done.completed(null, e);
                }
            }

            @Override
            public void onFailure(Call call, IOException e) {
                done.completed(null, e);
            }
        });
    }

    /** A form POST with HTTP Basic client authentication (RFC 6749 §2.3.1), read whole. */
    String postForm(String url, RequestBody form, String authorization) throws IOException {
        return execute(http.newCall(formPost(url, form, authorization)));
    }

    private static Request formPost(String url, RequestBody form, String authorization) {
        return new Request.Builder()
                .url(url)
                .header("Accept", "application/json")
                .header("Authorization", authorization)
                .post(form)
                .build();
    }

    /** HTTP Basic client authentication at the authorization server (RFC 6749 §2.3.1: each part form-encoded first). */
    static String basic(String clientId, String clientSecret) {
        String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @FunctionalInterface
    interface Completion {
        void completed(@Nullable String body, @Nullable IOException failure);
    }

    private static String execute(Call call) throws IOException {
        try (Response response = call.execute()) {
            return read(response);
        }
    }

    private static String read(Response response) throws IOException {
        if (response.code() != 200) {
            throw new IOException(
                    "HTTP " + response.code() + " from " + response.request().url());
        }
        ResponseBody body = response.body();
        String type =
                body.contentType() == null ? "" : body.contentType().toString().toLowerCase(Locale.ROOT);
        if (!type.isEmpty() && !type.contains("json")) {
            throw new IOException(
                    "not JSON (" + type + ") from " + response.request().url());
        }
        try (InputStream in = body.byteStream()) {
            byte[] bytes = in.readNBytes(MAX_DOCUMENT_BYTES + 1);
            if (bytes.length > MAX_DOCUMENT_BYTES) {
                throw new IOException("more than " + MAX_DOCUMENT_BYTES + " bytes from "
                        + response.request().url());
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    /** A JSON object, or an IOException saying it is not one. */
    static Map<String, Object> json(String text) throws IOException {
        try {
            return JSONObjectUtils.parse(text);
        } catch (ParseException e) {
            throw new IOException("not a JSON object: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
