package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.util.Locale;

/**
 * The session route: which backend a request must go to, from its session token or its sealed {@code Last-Event-ID},
 * before any balancing. Sets {@link RequestState#pinned} and what is forwarded in place of what the client sent.
 */
final class SessionRoute {
    static final String SESSION_HEADER = "Mcp-Session-Id";
    static final String LAST_EVENT_ID = "Last-Event-ID";

    private final SessionTokens tokens;
    private final PoolRuntime pool;
    private final String poolName;
    private final Answers answers;

    SessionRoute(SessionTokens tokens, PoolRuntime pool, String poolName, Answers answers) {
        this.tokens = tokens;
        this.pool = pool;
        this.poolName = poolName;
        this.answers = answers;
    }

    /** Decodes the session token, if any; answers 404 and returns false when it is not valid here. */
    boolean session(RequestState r) throws IOException {
        String token = r.ex.requestHeader(SESSION_HEADER);
        if (token == null) {
            return true;
        }
        token = token.trim();
        SessionTokens.Session s;
        try {
            s = tokens.decode(token, r.sessionCaller());
        } catch (SessionTokens.InvalidTokenException e) {
            answers.sessionNotFound(
                    r, "session token refused (" + e.failure.name().toLowerCase(Locale.ROOT) + ")");
            return false;
        }
        BackendRuntime br = s.pool.equals(poolName) ? pool.members().byName.get(s.backend) : null;
        if (br == null) {
            answers.sessionNotFound(
                    r,
                    "session names pool '" + s.pool + "' backend '" + s.backend + "', which this" + " gateway lacks");
            return false;
        }
        r.clientToken = token;
        r.upstreamSession = s.upstreamSessionId;
        r.pinned = br;
        return true;
    }

    /**
     * A {@code Last-Event-ID} sealed by this gateway (see {@link SessionTokens#sealEventId}) names the backend that owns
     * the stream and holds that backend's own event id, which is what is forwarded. On a session-less request it pins
     * the request to that backend; on a session request it must name the session's backend. Anything else is forwarded
     * as it came.
     */
    void lastEventId(RequestState r) {
        String id = r.ex.requestHeader(LAST_EVENT_ID);
        if (id == null) {
            return;
        }
        String[] opened = tokens.openEventId(id.trim());
        if (opened == null) {
            return;
        }
        BackendRuntime br = pool.members().byEventTag.get(opened[0]);
        if (br == null || (r.pinned != null && r.pinned != br)) {
            return;
        }
        r.pinned = br;
        r.lastEventIdForBackend = opened[1];
    }

    /** The token the client gets for the backend's session id {@code upstream} on {@code br}. */
    String token(RequestState r, BackendRuntime br, String upstream) {
        String current = r.clientToken;
        return current != null && upstream.equals(r.upstreamSession)
                ? current
                : tokens.encode(poolName, br.backend.name(), upstream, r.sessionCaller());
    }
}
