package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.openharbor.mcp.gateway.testing.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBudgetTest {
    private final FakeTicker ticker = new FakeTicker();

    private static int retriesAllowed(RetryBudget budget, int max) {
        int n = 0;
        while (n < max && budget.tryRetry()) n++;
        return n;
    }

    @Test
    void retriesAreAShareOfRecentRequests() {
        RetryBudget budget = new RetryBudget(ticker, 0.2, 0);
        for (int i = 0; i < 100; i++) budget.onRequest();
        assertThat(retriesAllowed(budget, 1000)).isEqualTo(20);
    }

    @Test
    void aFloorPerSecondLetsAQuietGatewayFailOver() {
        RetryBudget budget = new RetryBudget(ticker, 0.2, 10);
        assertThat(retriesAllowed(budget, 1000))
                .as("10 per second over the 10 s window")
                .isEqualTo(100);
    }

    @Test
    void theWindowForgetsRequestsAndRetriesOlderThanTenSeconds() {
        RetryBudget budget = new RetryBudget(ticker, 0.5, 0);
        for (int i = 0; i < 10; i++) budget.onRequest();
        assertThat(retriesAllowed(budget, 100)).isEqualTo(5);
        ticker.advance(Duration.ofSeconds(9));
        assertThat(budget.tryRetry()).isFalse();
        for (int i = 0; i < 2; i++) budget.onRequest();
        assertThat(retriesAllowed(budget, 100)).isEqualTo(1);
        ticker.advance(Duration.ofSeconds(1));
        // the first second's 10 requests and 5 retries have left the window: 2 requests, 1 retry remain
        assertThat(budget.tryRetry()).isFalse();
        for (int i = 0; i < 4; i++) budget.onRequest();
        assertThat(retriesAllowed(budget, 100)).isEqualTo(2);
    }
}
