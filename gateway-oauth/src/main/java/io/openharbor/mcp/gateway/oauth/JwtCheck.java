package io.openharbor.mcp.gateway.oauth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A JWT access token (RFC 9068) checked here: signed with an allowed algorithm by one of the issuer's keys, from the
 * issuer, for this resource ({@code aud}, RFC 8707), within its validity ({@code exp}, {@code nbf}) give or take the
 * clock skew. Immutable and thread-safe.
 */
final class JwtCheck implements TokenCheck {
    private final KeySet keys;
    private final Claims claims;
    private final Set<JWSAlgorithm> algorithms;

    JwtCheck(KeySet keys, Claims claims, Set<JWSAlgorithm> algorithms) {
        this.keys = keys;
        this.claims = claims;
        this.algorithms = Set.copyOf(algorithms);
    }

    @Override
    public Verdict check(String token) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            return Verdict.invalid("not a JWT: " + e.getMessage());
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return Verdict.invalid(jwt instanceof PlainJWT ? "an unsigned JWT (alg none)" : "an encrypted JWT");
        }
        JWSHeader header = signed.getHeader();
        if (!algorithms.contains(header.getAlgorithm())) {
            return Verdict.invalid(
                    "algorithm " + header.getAlgorithm() + " is not allowed (allowed: " + algorithms + ")");
        }
        JOSEObjectType type = header.getType();
        if (type != null && !isAccessTokenType(type.getType())) {
            return Verdict.invalid("typ " + type + " is not an access token's (at+jwt or JWT)");
        }
        List<KeySet.Entry> candidates;
        try {
            candidates = keys.candidates(header);
        } catch (KeySet.Unavailable e) {
            return Verdict.unavailable(String.valueOf(e.getMessage()));
        }
        if (candidates.isEmpty()) {
            return Verdict.invalid("signed by a key the issuer does not publish (kid " + header.getKeyID() + ")");
        }
        if (!verifies(signed, candidates)) {
            return Verdict.invalid("the signature does not verify (kid " + header.getKeyID() + ")");
        }
        JWTClaimsSet set;
        try {
            set = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            return Verdict.invalid("the claims are not a JSON object: " + e.getMessage());
        }
        return claims.check(
                set.getIssuer(),
                set.getAudience(),
                seconds(set.getExpirationTime()),
                seconds(set.getNotBeforeTime()),
                set.getClaims(),
                true);
    }

    private static boolean isAccessTokenType(String typ) {
        return typ.equalsIgnoreCase("at+jwt") || typ.equalsIgnoreCase("application/at+jwt") || typ.equals("JWT");
    }

    private static boolean verifies(SignedJWT signed, List<KeySet.Entry> candidates) {
        for (KeySet.Entry e : candidates) {
            try {
                if (signed.verify(e.verifier)) {
                    return true;
                }
            } catch (JOSEException | IllegalStateException ignored) {
                // this key cannot verify this algorithm: try the next
            }
        }
        return false;
    }

    @SuppressWarnings("JavaUtilDate") // Nimbus's claims API speaks Date; read at once as epoch seconds
    private static @Nullable Long seconds(@Nullable Date d) {
        return d == null ? null : d.getTime() / 1000;
    }

    /** The claim rules JWTs and introspection answers share: issuer, audience, validity, identity, scopes. */
    static final class Claims {
        private final String issuer;
        private final Set<String> audiences;
        private final Clock clock;
        private final long skewSeconds;
        private final String identityClaim;

        Claims(String issuer, Set<String> audiences, Clock clock, long skewSeconds, String identityClaim) {
            this.issuer = issuer;
            this.audiences = Set.copyOf(audiences);
            this.clock = clock;
            this.skewSeconds = skewSeconds;
            this.identityClaim = identityClaim;
        }

        /**
         * Checks the claims. A JWT must name its issuer and expiry ({@code jwt}); an introspection answer may leave
         * them out, the issuer having vouched for the token itself.
         */
        Verdict check(
                @Nullable String iss,
                @Nullable List<String> aud,
                @Nullable Long exp,
                @Nullable Long nbf,
                Map<String, Object> all,
                boolean jwt) {
            if (iss != null ? !issuer.equals(iss) : jwt) {
                return Verdict.invalid("issuer " + iss + " is not " + issuer);
            }
            if (aud == null || aud.stream().noneMatch(audiences::contains)) {
                return Verdict.invalid("audience " + aud + " is not this resource " + audiences);
            }
            long now = clock.millis() / 1000;
            if (exp == null) {
                if (jwt) return Verdict.invalid("no exp claim");
            } else if (now > exp + skewSeconds) {
                return Verdict.invalid("expired " + (now - exp) + " s ago");
            }
            if (nbf != null && now < nbf - skewSeconds) {
                return Verdict.invalid("not valid for another " + (nbf - now) + " s (nbf)");
            }
            Object id = all.get(identityClaim);
            if (!(id instanceof String subject) || subject.isBlank() || subject.length() > 256) {
                return Verdict.invalid("no usable " + identityClaim + " claim (a string of 1 to 256 characters)");
            }
            Object client = all.containsKey("client_id") ? all.get("client_id") : all.get("azp");
            return Verdict.accepted(
                    subject, client instanceof String c ? c : null, Scopes.of(all), exp == null ? Long.MAX_VALUE : exp);
        }
    }
}
