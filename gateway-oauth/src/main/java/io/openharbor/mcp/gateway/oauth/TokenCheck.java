package io.openharbor.mcp.gateway.oauth;

import java.util.Set;
import org.jspecify.annotations.Nullable;

/** One way of checking an access token: its signature and claims (JWT), or the issuer's word (introspection). */
interface TokenCheck {

    /** Checks {@code token}; never throws for a bad token (the verdict says why). */
    Verdict check(String token);

    /** What a check found: an accepted token's caller and scopes, or why it was refused. Immutable. */
    final class Verdict {
        enum Kind {
            ACCEPTED,
            /** Not valid for this resource: expired, wrong audience, bad signature, unknown key, malformed. */
            INVALID,
            /** Cannot be decided now: the authorization server or its keys are out of reach. */
            UNAVAILABLE
        }

        final Kind kind;
        final @Nullable String subject;
        final @Nullable String clientId;
        final Set<String> scopes;
        /** Seconds since the epoch the token expires at, or {@link Long#MAX_VALUE} when it names none. */
        final long expiresAt;
        /** Why it was refused, for the log only (never for the client). */
        final String reason;

        private Verdict(
                Kind kind,
                @Nullable String subject,
                @Nullable String clientId,
                Set<String> scopes,
                long expiresAt,
                String reason) {
            this.kind = kind;
            this.subject = subject;
            this.clientId = clientId;
            this.scopes = scopes;
            this.expiresAt = expiresAt;
            this.reason = reason;
        }

        static Verdict accepted(String subject, @Nullable String clientId, Set<String> scopes, long expiresAt) {
            return new Verdict(Kind.ACCEPTED, subject, clientId, Set.copyOf(scopes), expiresAt, "");
        }

        static Verdict invalid(String reason) {
            return new Verdict(Kind.INVALID, null, null, Set.of(), 0, reason);
        }

        static Verdict unavailable(String reason) {
            return new Verdict(Kind.UNAVAILABLE, null, null, Set.of(), 0, reason);
        }

        @Override
        public String toString() {
            return kind == Kind.ACCEPTED
                    ? "Verdict[" + subject + " " + scopes + "]"
                    : "Verdict[" + kind + ": " + reason + "]";
        }
    }
}
