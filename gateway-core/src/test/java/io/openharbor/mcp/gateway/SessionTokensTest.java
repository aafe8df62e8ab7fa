package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTokensTest {
    private final SecureRandom random = new SecureRandom();
    private final byte[] keyA = SessionTokens.randomKey(random);
    private final byte[] keyB = SessionTokens.randomKey(random);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-25T00:00:00Z"));

    private SessionTokens tokens(byte[]... keys) {
        return new SessionTokens(List.of(keys), clock, Duration.ofHours(1), random);
    }

    @Test
    void roundTripsPoolBackendUpstreamIdAndIssueTime() throws Exception {
        SessionTokens t = tokens(keyA);
        String token = t.encode("pool", "replica-1", "upstream-42", "");
        SessionTokens.Session s = t.decode(token, "");
        assertThat(s.pool).isEqualTo("pool");
        assertThat(s.backend).isEqualTo("replica-1");
        assertThat(s.upstreamSessionId).isEqualTo("upstream-42");
        assertThat(s.issuedAtSeconds).isEqualTo(clock.instant().getEpochSecond());
    }

    @Test
    void tokenIsVisibleAsciiAndNeverRepeats() {
        SessionTokens t = tokens(keyA);
        String a = t.encode("pool", "b", "same", "");
        String b = t.encode("pool", "b", "same", "");
        assertThat(a).isNotEqualTo(b);
        assertThat(a.chars()).allMatch(c -> c >= 0x21 && c <= 0x7E);
        assertThat(a).doesNotContain("upstream").doesNotContain("same");
    }

    @Test
    void everyTamperedByteIsRefused() {
        SessionTokens t = tokens(keyA);
        byte[] raw = Base64.getUrlDecoder().decode(t.encode("pool", "b", "up", ""));
        for (int i = 0; i < raw.length; i++) {
            byte[] copy = raw.clone();
            copy[i] ^= 0x01;
            String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(copy);
            assertThatThrownBy(() -> t.decode(forged, "")).isInstanceOf(SessionTokens.InvalidTokenException.class);
        }
    }

    @Test
    void garbageIsMalformed() {
        SessionTokens t = tokens(keyA);
        for (String junk : List.of("", "abc", "not base64 !!", "A".repeat(5000), "AQAAAAA")) {
            assertThatThrownBy(() -> t.decode(junk, ""))
                    .isInstanceOfSatisfying(
                            SessionTokens.InvalidTokenException.class,
                            e -> assertThat(e.failure).isEqualTo(SessionTokens.Failure.MALFORMED));
        }
    }

    @Test
    void expiresAfterTheTtlButNotBefore() throws Exception {
        SessionTokens t = tokens(keyA);
        String token = t.encode("pool", "b", "up", "");
        clock.advance(Duration.ofMinutes(59));
        assertThat(t.decode(token, "").backend).isEqualTo("b");
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> t.decode(token, ""))
                .isInstanceOfSatisfying(
                        SessionTokens.InvalidTokenException.class,
                        e -> assertThat(e.failure).isEqualTo(SessionTokens.Failure.EXPIRED));
    }

    @Test
    void tokenIssuedFarInTheFutureIsRefused() {
        SessionTokens t = tokens(keyA);
        clock.advance(Duration.ofHours(2));
        String token = t.encode("pool", "b", "up", "");
        clock.advance(Duration.ofHours(-2));
        assertThatThrownBy(() -> t.decode(token, ""))
                .isInstanceOfSatisfying(
                        SessionTokens.InvalidTokenException.class,
                        e -> assertThat(e.failure).isEqualTo(SessionTokens.Failure.FROM_THE_FUTURE));
    }

    @Test
    void rotationNewKeyFirstStillOpensTokensOfTheOldKey() throws Exception {
        String old = tokens(keyA).encode("pool", "b", "up-old", "");
        SessionTokens rotated = tokens(keyB, keyA);
        assertThat(rotated.decode(old, "").upstreamSessionId).isEqualTo("up-old");
        String fresh = rotated.encode("pool", "b", "up-new", "");
        // An instance that only knows the old key cannot open tokens of the new one.
        assertThatThrownBy(() -> tokens(keyA).decode(fresh, ""))
                .isInstanceOfSatisfying(
                        SessionTokens.InvalidTokenException.class,
                        e -> assertThat(e.failure).isEqualTo(SessionTokens.Failure.UNKNOWN_KEY));
        // Once the old key is retired, its tokens stop working.
        assertThatThrownBy(() -> tokens(keyB).decode(old, "")).isInstanceOf(SessionTokens.InvalidTokenException.class);
    }

    @Test
    void aSecondInstanceWithTheSameKeyOpensTheToken() throws Exception {
        String token = tokens(keyA).encode("pool", "b", "up", "");
        assertThat(tokens(keyA.clone()).decode(token, "").upstreamSessionId).isEqualTo("up");
    }

    @Test
    void tokenIsBoundToItsCaller() throws Exception {
        SessionTokens t = tokens(keyA);
        String token = t.encode("pool", "b", "up", "alice");
        assertThat(t.decode(token, "alice").backend).isEqualTo("b");
        assertThatThrownBy(() -> t.decode(token, "mallory"))
                .isInstanceOfSatisfying(
                        SessionTokens.InvalidTokenException.class,
                        e -> assertThat(e.failure).isEqualTo(SessionTokens.Failure.OTHER_CALLER));
        assertThatThrownBy(() -> t.decode(token, "")).isInstanceOf(SessionTokens.InvalidTokenException.class);
    }

    @Test
    void keysMustBe32Bytes() {
        assertThatThrownBy(() -> Gateway.builder().sessionKeys(List.of(new byte[16])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sessionKeys[0] must be 32 bytes");
    }

    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void serverRequestIdsRoundTripWithTheirServerAndTheirJsonType() {
        SessionTokens one = tokens(keyA);
        SessionTokens other = tokens(keyA); // another gateway instance with the same key
        String fromA = one.sealServerRequestId("server-a", "0");
        String fromB = one.sealServerRequestId("server-b", "\"0\"");
        assertThat(fromA).isNotEqualTo(fromB).matches("^[A-Za-z0-9_-]+$");
        assertThat(other.openServerRequestId(fromA)).containsExactly("server-a", "0");
        assertThat(other.openServerRequestId(fromB)).containsExactly("server-b", "\"0\"");
        // the same id sealed twice gives two values (fresh nonce), both opening to the original
        String again = one.sealServerRequestId("server-a", "0");
        assertThat(again).isNotEqualTo(fromA);
        assertThat(one.openServerRequestId(again)).containsExactly("server-a", "0");
    }

    @Test
    void aTamperedForeignOrOtherKindOfValueIsNotAServerRequestId() {
        SessionTokens t = tokens(keyA);
        String sealed = t.sealServerRequestId("server-a", "17");
        char last = sealed.charAt(sealed.length() - 2);
        String tampered = sealed.substring(0, sealed.length() - 2)
                + (last == 'A' ? 'B' : 'A')
                + sealed.charAt(sealed.length() - 1);
        assertThat(t.openServerRequestId(tampered)).isNull();
        assertThat(tokens(keyB).openServerRequestId(sealed))
                .as("sealed with another key")
                .isNull();
        assertThat(t.openServerRequestId("17")).isNull();
        assertThat(t.openServerRequestId("")).isNull();
        // a sealed event id or a session token is not a request id, and a request id is not an event id
        byte[] eventId = "e1".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(t.openServerRequestId(t.sealEventId("server-a", eventId, 0, eventId.length)))
                .isNull();
        assertThat(t.openServerRequestId(t.encode("pool", "b", "up", ""))).isNull();
        assertThat(t.openEventId(sealed)).isNull();
    }
}
