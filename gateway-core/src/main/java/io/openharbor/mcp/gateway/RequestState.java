package io.openharbor.mcp.gateway;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * What the gateway knows about one request as the stages of the request path learn it: the client, the peeked
 * message, the caller, the session route, the early answer, and the outcome. One per request, used by the request's
 * thread. It is also the {@link GatewayRequest} listeners and authenticators see and the {@link RoutingContext} load
 * balancers see.
 */
final class RequestState implements GatewayRequest, RoutingContext {
    /** The caller identity without authentication: everyone is the same anonymous caller. */
    private static final String ANONYMOUS = "";

    final GatewayExchange ex;
    final ClientInfo client;
    final long startNanos;
    /** The pool the request is routed in: the gateway's, or the federated server's it was routed to. */
    PoolRuntime pool;

    private final RandomGenerator random;

    /** The peeked JSON-RPC message of a POST, or null. */
    @Nullable
    McpPeek peek;
    /** The identity the authenticator gave, or null without authentication. */
    @Nullable
    String caller;
    /** The client's session token as it came, or null without a session. */
    @Nullable
    String clientToken;
    /** The backend's own session id the token holds, or null. */
    @Nullable
    String upstreamSession;
    /** The backend the request must go to (from its session or its Last-Event-ID), or null to balance. */
    @Nullable
    BackendRuntime pinned;
    /** The backend's own event id to resume from (from a sealed Last-Event-ID), or null. */
    @Nullable
    String lastEventIdForBackend;
    /**
     * Headers forwarded in place of the client's, as {@code lower-case name, value} pairs (a federated server's
     * protocol version, a rewritten {@code Mcp-Name}); or null.
     */
    String @Nullable [] headerOverrides;
    /** The backend whose answer was relayed, or null before. */
    @Nullable
    BackendRuntime answeredBy;
    /** The session id the backend's answer carried (its own, before it became the client's token), or null. */
    @Nullable
    String answeredSession;
    /** What a federation rewrites in the answer's messages (server request ids, URIs), or null. */
    Relay.@Nullable MessageRewriter rewriter;
    /** How another thread ends this request's attempts (a federation's fan-out deadline), or null. */
    UpstreamCall.@Nullable Cancellation cancellation;

    /** A GET stream a draining gateway ended: its cancelled backend call is no failure of the backend's. */
    volatile boolean drained;
    /** This request's early stream answer, armed for slow backends; or null. */
    @Nullable
    EarlyAnswer early;

    /** The exchange's events when someone listens (shared by a federation's fan-out calls), or null. */
    @Nullable
    ExchangeEvents events;
    /** What the gateway's own answer stands for, when it answered itself; null otherwise. */
    Outcome.@Nullable Kind gatewayKind;
    /** Whether the answer carried a JSON-RPC error (the gateway's or, scanned, the backend's): then its code. */
    boolean hasRpcError;

    int rpcError;
    /** Whether the backend's {@code tools/call} result had {@code isError: true}. */
    boolean toolError;
    /** Whether the only backends left had their circuit breakers open. */
    boolean circuitOpen;
    /** Whether the client left before the answer was out. */
    boolean clientGone;
    /** Whether {@link #pool} is the one the request is served by (always with one pool; in a federation, once routed). */
    boolean serverKnown;
    /** A federation found the target among the names it exposes. */
    boolean targetListed;
    /** The name the target has upstream (a federation's original name), or null for the client's. */
    @Nullable
    String upstreamTarget;
    /** The session token the gateway gave the client with this answer ({@code initialize}), or null. */
    @Nullable
    String issuedToken;

    /** The status sent (or, inside an early answer, the one it stands for); 0 until then. */
    int status;
    /** What made the request fail, for the listener's {@code requestEnd}; or null. */
    @Nullable
    Throwable failure;

    RequestState(GatewayExchange ex, ClientInfo client, PoolRuntime pool, RandomGenerator random) {
        this.ex = ex;
        this.client = client;
        this.pool = pool;
        this.random = random;
        this.startNanos = System.nanoTime();
    }

    /** Ends a GET stream for a draining gateway: its backend call is cancelled, and the stream ends. */
    void drain() {
        drained = true;
        UpstreamCall.Cancellation c = cancellation;
        if (c != null) {
            c.cancel(Outcome.Kind.GATEWAY_CLOSED);
        }
    }

    /** The JSON-RPC id of the request being answered (raw JSON), or null. */
    @Nullable
    String idJson() {
        return peek == null ? null : peek.idJson;
    }

    /** The key of the caller's rate limits: its identity, or its address when unauthenticated. */
    String rateKey() {
        return caller != null ? caller : "ip:" + client.address;
    }

    /** What session tokens are bound to: the caller's identity, or the same "anonymous" for everyone. */
    String sessionCaller() {
        return caller != null ? caller : ANONYMOUS;
    }

    // ---- GatewayRequest ----

    @Override
    public String httpMethod() {
        return ex.method();
    }

    @Override
    public @Nullable String rpcMethod() {
        return peek == null || peek.batch ? null : peek.method;
    }

    @Override
    public @Nullable String toolName() {
        return peek == null ? null : peek.toolName;
    }

    @Override
    public boolean isBatch() {
        return peek != null && peek.batch;
    }

    @Override
    public boolean hasSession() {
        return clientToken != null;
    }

    @Override
    public @Nullable String header(String name) {
        return ex.requestHeader(name);
    }

    @Override
    public List<String> headers(String name) {
        return ex.requestHeaders(name);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return ex.remoteAddress();
    }

    @Override
    public InetSocketAddress clientAddress() {
        return client.socketAddress;
    }

    @Override
    public boolean isSecure() {
        return client.secure;
    }

    @Override
    public @Nullable String caller() {
        return caller;
    }

    @Override
    public List<X509Certificate> clientCertificates() {
        return ex.clientCertificates();
    }

    // ---- RoutingContext ----

    @Override
    public GatewayRequest request() {
        return this;
    }

    @Override
    public int inFlight(Backend backend) {
        BackendRuntime br = pool.members().byBackend.get(backend);
        return br == null ? 0 : br.inFlight.get();
    }

    @Override
    public double latencyNanos(Backend backend) {
        BackendRuntime br = pool.members().byBackend.get(backend);
        return br == null ? 0 : br.latencyNanos();
    }

    @Override
    public double weight(Backend backend) {
        BackendRuntime br = pool.members().byBackend.get(backend);
        return br == null ? backend.weight() : br.effectiveWeight();
    }

    @Override
    public RandomGenerator random() {
        return random;
    }
}
