package io.openharbor.mcp.gateway.examples;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.openharbor.mcp.gateway.AccessPolicy;
import io.openharbor.mcp.gateway.ApiKeys;
import io.openharbor.mcp.gateway.Authentication;
import io.openharbor.mcp.gateway.Authenticator;
import io.openharbor.mcp.gateway.Backend;
import io.openharbor.mcp.gateway.BackendCredentials;
import io.openharbor.mcp.gateway.BackendPool;
import io.openharbor.mcp.gateway.CircuitBreakerPolicy;
import io.openharbor.mcp.gateway.CircuitState;
import io.openharbor.mcp.gateway.ExchangeListener;
import io.openharbor.mcp.gateway.Gateway;
import io.openharbor.mcp.gateway.GatewayExchange;
import io.openharbor.mcp.gateway.GatewayListener;
import io.openharbor.mcp.gateway.HealthCheckPolicy;
import io.openharbor.mcp.gateway.LoadBalancer;
import io.openharbor.mcp.gateway.McpCall;
import io.openharbor.mcp.gateway.McpServer;
import io.openharbor.mcp.gateway.Outcome;
import io.openharbor.mcp.gateway.RateLimiter;
import io.openharbor.mcp.gateway.RateLimits;
import io.openharbor.mcp.gateway.ResourceMetadata;
import io.openharbor.mcp.gateway.SecurityPolicy;
import io.openharbor.mcp.gateway.TlsPolicy;
import io.openharbor.mcp.gateway.config.GatewayConfig;
import io.openharbor.mcp.gateway.config.ReloadingGateway;
import io.openharbor.mcp.gateway.jdk.GatewayHttpHandler;
import io.openharbor.mcp.gateway.micrometer.GatewayMeters;
import io.openharbor.mcp.gateway.oauth.OAuthClientCredentials;
import io.openharbor.mcp.gateway.oauth.OAuthResourceServer;
import io.openharbor.mcp.gateway.opentelemetry.GatewayTelemetry;
import io.openharbor.mcp.gateway.redis.RedisRateLimits;
import io.openharbor.mcp.gateway.servlet.GatewayServlet;
import io.openharbor.mcp.gateway.testing.DeadPort;
import io.openharbor.mcp.gateway.testing.FakeMcpServer;
import io.openharbor.mcp.gateway.testing.FakeRequest;
import io.openharbor.mcp.gateway.testing.FakeTicker;
import io.openharbor.mcp.gateway.tls.BackendTls;
import io.openharbor.mcp.gateway.tls.ClientAuth;
import io.openharbor.mcp.gateway.tls.ServerTls;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.X509TrustManager;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.ssl.SslContextFactory;

// spotless:off (the snippets stay exactly as the Javadoc shows them; JavadocSnippetsTest compares the two)

/**
 * The code snippets of the library's Javadoc, verbatim, each in a method that declares what the snippet uses but does
 * not declare itself: the build compiles them, so a snippet that no longer compiles fails the build, and
 * {@link JavadocSnippetsTest} fails when a snippet in the Javadoc is not the one here. Nothing calls these methods.
 */
@SuppressWarnings("UnusedVariable") // a snippet declares what it shows; nothing after it reads the value
final class JavadocSnippets {
    private JavadocSnippets() {}

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/Gateway.java
    static void gatewayBuilder(byte[] keyFromYourSecretStore) throws IOException {
        Gateway gateway = Gateway.builder()
            .pool(BackendPool.builder("tools")
                .backend(Backend.of("replica-1", "http://10.0.0.5:8080/mcp"))
                .backend(Backend.of("replica-2", "http://10.0.0.6:8080/mcp"))
                .build())
            .sessionKeys(List.of(keyFromYourSecretStore))   // 32 bytes; share it between instances
            .build();

        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 8080), 0);
        server.createContext("/mcp", new GatewayHttpHandler(gateway));
        server.setExecutor(Gateway.newRequestExecutor("mcp-"));
        server.start();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/Backend.java
    static void backendBuilder() {
        Backend b = Backend.builder("replica-1", URI.create("http://10.0.0.5:8080/mcp"))
            .maxConnections(50)
            .build();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/BackendPool.java
    static void backendPoolBuilder() {
        BackendPool pool = BackendPool.builder("search")
            .backend(Backend.of("search-1", "http://10.0.0.5:8080/mcp"))
            .backend(Backend.of("search-2", "http://10.0.0.6:8080/mcp"))
            .loadBalancer(LoadBalancer.peakEwma())              // the default
            .healthCheck(HealthCheckPolicy.defaults())          // GET /health every 30 s
            .circuitBreaker(CircuitBreakerPolicy.defaults())    // 5 failures open, 2 successes close, 60 s open
            .build();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/LoadBalancer.java
    static void loadBalancerLeastBusy() {
        // Send everything to the replica with the fewest requests in flight.
        LoadBalancer leastBusy = (candidates, ctx) -> {
          Backend best = candidates.get(0);
          for (Backend b : candidates) if (ctx.inFlight(b) < ctx.inFlight(best)) best = b;
          return best;
        };
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/LoadBalancer.java
    static void loadBalancerConsistentHash() {
        BackendPool pool = BackendPool.builder("tenants")
                .backend(Backend.of("tenants-1", "http://10.0.0.5:8080/mcp"))
                .loadBalancer(
                        LoadBalancer.consistentHash(request -> request.header("X-Tenant"))
                )
                .build();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/HealthCheckPolicy.java
    static void healthCheckPolicyMcpPing() {
        BackendPool pool =
                BackendPool.builder("tools")
                    .healthCheck(HealthCheckPolicy.builder()
                        .mode(HealthCheckPolicy.Mode.MCP_PING)      // initialize + ping, instead of GET /health
                        .interval(Duration.ofSeconds(10))
                        .build())
                    .backend(Backend.of("tools-1", "http://10.0.0.5:8080/mcp"))
                    .build();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/SecurityPolicy.java
    static void securityPolicyBuilder() {
        SecurityPolicy security = SecurityPolicy.builder()
            .requireHttps(true)                                  // plain HTTP gets a 308 to https://
            .trustForwardedHeaders(true)                         // believe X-Forwarded-* / Forwarded ...
            .trustedProxies(List.of("10.0.0.0/8"))               // ... only from these peers
            .allowedOrigins(List.of("https://app.example.com", "https://*.example.com"))
            .allowedHosts(List.of("mcp.example.com"))            // DNS-rebinding guard
            .build();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/ApiKeys.java
    static void apiKeysBuilder(BackendPool pool) {
        ApiKeys keys = ApiKeys.builder()
            .key("ci-bot", System.getenv("CI_BOT_KEY"))                       // hashed at once
            .keyHash("alice", "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")  // sha256 hex
            .bearer(true)
            .build();
        Gateway gateway = Gateway.builder().pool(pool).authenticator(keys).build();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/Authenticator.java
    static void authenticatorJwt(JwtVerifier verifier) {
        Authenticator jwt = request -> {
            String auth = request.header("Authorization");
            if (auth == null || !auth.startsWith("Bearer ")) {
                return Authentication.unauthorized("Bearer resource_metadata=\"https://mcp.example.com/.well-known/"
                    + "oauth-protected-resource\"", "a bearer token is required");
            }
            Claims claims = verifier.verify(auth.substring(7));   // your JWT library: signature, expiry, audience
            return claims == null ? Authentication.unauthorized("Bearer error=\"invalid_token\"", "invalid token")
                                  : Authentication.success(claims.subject());
        };
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/ResourceMetadata.java
    static void resourceMetadataBuilder() {
        ResourceMetadata metadata = ResourceMetadata.builder(URI.create("https://mcp.example.com/mcp"))
                .authorizationServer(URI.create("https://login.example.com/realms/mcp"))
                .scopesSupported(List.of("mcp:tools"))
                .build();
    }

    // from gateway-oauth/src/main/java/io/openharbor/mcp/gateway/oauth/OAuthResourceServer.java
    static void oauthResourceServerBuilder(BackendPool pool) {
        OAuthResourceServer oauth = OAuthResourceServer.builder(URI.create("https://mcp.example.com/mcp"))
                .issuer(URI.create("https://login.example.com/realms/mcp"))   // keys found by discovery
                .requiredScopes(List.of("mcp:tools"))
                .build();
        Gateway gateway = Gateway.builder().pool(pool).authenticator(oauth).build();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/BackendCredentials.java
    static void backendCredentialsLambda(Vault vault) {
        BackendCredentials fromVault = backend -> "Bearer " + vault.currentToken(backend.name());
    }

    // from gateway-oauth/src/main/java/io/openharbor/mcp/gateway/oauth/OAuthClientCredentials.java
    static void oauthClientCredentialsBuilder() {
        OAuthClientCredentials search = OAuthClientCredentials.builder(URI.create("https://login.example.com/realms/mcp"))
                .client("gateway", System.getenv("GATEWAY_CLIENT_SECRET"))
                .resource(URI.create("https://search.internal/mcp"))
                .scopes(List.of("search:read"))
                .build();
        Backend backend = Backend.builder("search", URI.create("https://search.internal/mcp")).credentials(search).build();
    }

    // from gateway-redis/src/main/java/io/openharbor/mcp/gateway/redis/RedisRateLimits.java
    static void redisRateLimitsBuilder(BackendPool pool) {
        RedisRateLimits limits = RedisRateLimits.builder(URI.create("redis://redis.internal:6379"))
                .perCaller(100, 20)
                .tool("search", 10, 2)
                .timeout(Duration.ofMillis(20))
                .failurePolicy(RedisRateLimits.FailurePolicy.FAIL_OPEN)
                .build();
        Gateway gateway = Gateway.builder().pool(pool).rateLimiter(limits).build();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/RateLimits.java
    static void rateLimitsPerTool() {
        RateLimits limits = RateLimits.builder()
            .perCaller(100, 20)                   // the seed's defaults
            .tool("web_search", 10, 2)            // at most 10 searches a minute per caller
            .build();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/RateLimiter.java
    static void rateLimiterShared(RedisBucket redisBucket) {
        RateLimiter shared = (caller, tool) -> {
            long wait = redisBucket.tryConsume(tool == null ? caller : caller + "|" + tool);   // your store
            return wait <= 0 ? Duration.ZERO : Duration.ofMillis(wait);
        };
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/GatewayListener.java
    static void gatewayListenerPoolEvents() {
        Gateway.builder().listener(new GatewayListener() {
          @Override public void circuitStateChanged(Backend backend, CircuitState state) {
            System.out.println("backend " + backend.name() + ": circuit " + state);
          }
        });
    }

    // from gateway-micrometer/src/main/java/io/openharbor/mcp/gateway/micrometer/GatewayMeters.java
    static void gatewayMeters(MeterRegistry registry, BackendPool pool) {
        GatewayMeters meters = GatewayMeters.create(registry);
        Gateway gateway = meters.addTo(Gateway.builder().pool(pool)).build();
        meters.bindTo(gateway); // the gauges
    }

    // from gateway-opentelemetry/src/main/java/io/openharbor/mcp/gateway/opentelemetry/GatewayTelemetry.java
    static void gatewayTelemetry(OpenTelemetry openTelemetry, BackendPool pool) {
        Gateway gateway = Gateway.builder()
            .pool(pool)
            .exchangeListener(GatewayTelemetry.create(openTelemetry))
            .build();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/ExchangeListener.java
    static void exchangeListenerEnd() {
        Gateway.builder().exchangeListener(request -> new ExchangeListener() {
          @Override public void exchangeEnd(McpCall call, Outcome outcome) {
            System.out.println(call.method() + " " + outcome.errorType() + " " + outcome.duration());
          }
        });
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/GatewayExchange.java
    static void gatewayExchangeAdapter(Gateway gateway, HttpServletRequest request, HttpServletResponse response) {
        gateway.handle(new GatewayExchange() {
          @Override public String method() { return request.getMethod(); }
          @Override public String path() { return request.getRequestURI(); }
          @Override public String query() { return request.getQueryString(); }
          @Override public Iterable<String> requestHeaderNames() { return Collections.list(request.getHeaderNames()); }
          @Override public List<String> requestHeaders(String name) {
            return Collections.list(request.getHeaders(name));
          }
          @Override public InetSocketAddress remoteAddress() {
            return InetSocketAddress.createUnresolved(request.getRemoteAddr(), request.getRemotePort());
          }
          @Override public boolean isSecure() { return request.isSecure(); }
          @Override public InputStream requestBody() throws IOException { return request.getInputStream(); }
          @Override public void addResponseHeader(String name, String value) { response.addHeader(name, value); }
          @Override public OutputStream sendResponseHeaders(int status, long contentLength) throws IOException {
            response.setStatus(status);
            if (contentLength >= 0) response.setContentLengthLong(contentLength);
            return response.getOutputStream();
          }
        });
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/TlsPolicy.java
    static void tlsPolicyByHand(SSLContext ctx, X509TrustManager tm) {
        // ctx: your SSLContext; tm: the X509TrustManager it was initialised with
        TlsPolicy custom = new TlsPolicy() {
          @Override public SSLSocketFactory socketFactory() { return ctx.getSocketFactory(); }
          @Override public X509TrustManager trustManager() { return tm; }
        };
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/jdk/GatewayHttpHandler.java
    static void gatewayHttpHandlerMount(Gateway gateway) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 8080), 0);
        server.createContext("/mcp", new GatewayHttpHandler(gateway));
        server.setExecutor(Gateway.newRequestExecutor("mcp-"));   // virtual threads on Java 21+
        server.start();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/servlet/GatewayServlet.java
    static void gatewayServletMount(Gateway gateway, Server server) {
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new GatewayServlet(gateway)), "/mcp");
        server.setHandler(context);
    }

    // from gateway-tls/src/main/java/io/openharbor/mcp/gateway/tls/ServerTls.java
    static void serverTlsJdkHttpsServer() throws IOException {
        ServerTls tls = ServerTls.builder().certificatePem(Path.of("tls.crt"), Path.of("tls.key")).build();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(8443), 0);
        server.setHttpsConfigurator(tls.httpsConfigurator());
    }

    // from gateway-tls/src/main/java/io/openharbor/mcp/gateway/tls/ServerTls.java
    static void serverTlsJetty(ServerTls tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setSslContext(tls.sslContext());
        ssl.setIncludeProtocols(tls.protocols().toArray(String[]::new));
        ssl.setNeedClientAuth(tls.clientAuth() == ClientAuth.NEED);
        ssl.setWantClientAuth(tls.clientAuth() == ClientAuth.WANT);
    }

    // from gateway-tls/src/main/java/io/openharbor/mcp/gateway/tls/BackendTls.java
    static void backendTlsBuilder() {
        TlsPolicy tls = BackendTls.builder()
            .trustPem(Path.of("/etc/mcp/internal-ca.pem"))          // instead of the JVM's roots
            .pins("sha256/r8udi/Mxd6pLOS9cMk4Vn6tYb0QaA3l5dBCY3pr1Dv0=")  // the CA's key
            .clientCertificatePem(Path.of("/etc/mcp/gw.crt"), Path.of("/etc/mcp/gw.key"))
            .build();
        Backend.builder("tools-1", URI.create("https://tools-1.internal:8443/mcp")).tlsPolicy(tls).build();
    }

    // from gateway-config/src/main/java/io/openharbor/mcp/gateway/config/GatewayConfig.java
    static void gatewayConfigLoad(GatewayListener myMetrics) {
        GatewayConfig config = GatewayConfig.load(Path.of("appsettings.json"));   // + GATEWAY__... variables
        Gateway gateway = config.toBuilder().listener(myMetrics).build();
    }

    // from gateway-config/src/main/java/io/openharbor/mcp/gateway/config/ReloadingGateway.java
    static void reloadingGatewayStart(HttpServer server) {
        ReloadingGateway gateway = ReloadingGateway.start(GatewayConfig.loader().file(Path.of("gateway.json")));
        server.createContext("/mcp", new GatewayHttpHandler(gateway));      // gateway::get per request
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/McpServer.java
    static void mcpServerBuilder() {
        McpServer search = McpServer.builder("docs", BackendPool.builder("docs-search")
                .backend(Backend.of("docs-1", "http://10.0.0.7:8080/mcp"))
                .build())
            .required(true)
            .exclude("debug_*")
            .build();
    }

    // from gateway-core/src/main/java/io/openharbor/mcp/gateway/AccessPolicy.java
    static void accessPolicyLambda() {
        AccessPolicy policy = (caller, server, kind, name) ->
            !(server.equals("billing") && kind == AccessPolicy.Kind.TOOL && name.startsWith("refund")
                && !"finance-bot".equals(caller));
    }

    // from gateway-testing/src/main/java/io/openharbor/mcp/gateway/testing/DeadPort.java
    static void deadPortHeld() {
        try (DeadPort dead = new DeadPort()) {
            BackendPool pool = BackendPool.builder("p").backend(Backend.of("down", dead.url())).build();
        }
    }

    // from gateway-testing/src/main/java/io/openharbor/mcp/gateway/testing/FakeRequest.java
    static void fakeRequestHeader(Authenticator authenticator, String token) {
        Authentication a = authenticator.authenticate(FakeRequest.withHeader("Authorization", "Bearer " + token));
    }

    // from gateway-testing/src/main/java/io/openharbor/mcp/gateway/testing/FakeMcpServer.java
    static void fakeMcpServerStart() throws IOException {
        try (FakeMcpServer backend = FakeMcpServer.start("replica-1")) {
            String url = backend.url() + "/mcp";
            assert backend.requests() == 0;
        }
    }

    // from gateway-testing/src/main/java/io/openharbor/mcp/gateway/testing/FakeTicker.java
    static void fakeTickerAdvance() {
        FakeTicker ticker = new FakeTicker();
        long before = ticker.read();
        ticker.advance(Duration.ofSeconds(30));
        assert ticker.read() - before == Duration.ofSeconds(30).toNanos();
    }

    /** The JWT library of the Authenticator snippet: verifies a token and returns its claims, or null. */
    interface Vault {
        String currentToken(String name);
    }

    interface JwtVerifier {
        Claims verify(String token);
    }

    /** A verified token's claims. */
    interface Claims {
        String subject();
    }

    /** The shared store of the RateLimiter snippet: takes a token and returns the wait in milliseconds, or 0. */
    interface RedisBucket {
        long tryConsume(String key);
    }
}
// spotless:on
