package io.openharbor.mcp.gateway.oauth;

import static org.assertj.core.api.Assertions.assertThat;

import io.openharbor.mcp.gateway.testing.FakeTicker;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the verdict cache keeps, for how long, and what it never keeps. */
class VerdictCacheTest {
    private final FakeTicker ticker = new FakeTicker();
    private final Instant start = Instant.parse("2026-12-03T12:00:00Z");
    private final OAuthResourceServerTest.TestClock clock = new OAuthResourceServerTest.TestClock();
    private final Map<String, Integer> checks = new HashMap<>();
    private final Map<String, TokenCheck.Verdict> answers = new HashMap<>();

    VerdictCacheTest() {
        clock.now = start;
    }

    private VerdictCache cache(Duration period) {
        TokenCheck counting = token -> {
            checks.merge(token, 1, Integer::sum);
            return answers.get(token);
        };
        return new VerdictCache(counting, clock, ticker, period, Duration.ofSeconds(5), 100);
    }

    @Test
    void anAcceptedTokenIsCheckedOnceUntilThePeriodOrItsExpiryEnds() {
        answers.put("a", TokenCheck.Verdict.accepted("alice", null, Set.of(), start.getEpochSecond() + 3600));
        answers.put("b", TokenCheck.Verdict.accepted("bob", null, Set.of(), start.getEpochSecond() + 20));
        VerdictCache cache = cache(Duration.ofSeconds(60));
        for (int i = 0; i < 10; i++) {
            assertThat(cache.check("a").subject).isEqualTo("alice");
            assertThat(cache.check("b").subject).isEqualTo("bob");
        }
        assertThat(checks).containsEntry("a", 1).containsEntry("b", 1);
        ticker.advance(Duration.ofSeconds(21));
        clock.now = start.plusSeconds(21);
        cache.check("a");
        cache.check("b");
        assertThat(checks)
                .as("b expired: checked again; a within the period")
                .containsEntry("a", 1)
                .containsEntry("b", 2);
        ticker.advance(Duration.ofSeconds(40));
        cache.check("a");
        assertThat(checks).containsEntry("a", 2);
    }

    @Test
    void aRefusalIsKeptBrieflyAndAnUncheckableTokenNever() {
        answers.put("bad", TokenCheck.Verdict.invalid("forged"));
        answers.put("later", TokenCheck.Verdict.unavailable("issuer down"));
        VerdictCache cache = cache(Duration.ofSeconds(60));
        cache.check("bad");
        cache.check("bad");
        cache.check("later");
        cache.check("later");
        assertThat(checks).containsEntry("bad", 1).containsEntry("later", 2);
        ticker.advance(Duration.ofSeconds(6));
        cache.check("bad");
        assertThat(checks).containsEntry("bad", 2);
    }

    @Test
    void itIsBoundedAndCanBeTurnedOff() {
        VerdictCache cache = cache(Duration.ofSeconds(60));
        for (int i = 0; i < 1000; i++) {
            answers.put("t" + i, TokenCheck.Verdict.accepted("u" + i, null, Set.of(), Long.MAX_VALUE));
            cache.check("t" + i);
        }
        assertThat(cache.size()).isLessThanOrEqualTo(100);
        VerdictCache off = cache(Duration.ZERO);
        off.check("t1");
        off.check("t1");
        assertThat(checks.get("t1")).isEqualTo(3);
        assertThat(off.size()).isZero();
    }
}
