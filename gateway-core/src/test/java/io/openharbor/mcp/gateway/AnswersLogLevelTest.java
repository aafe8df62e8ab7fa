package io.openharbor.mcp.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** A client's mistakes are logged at DEBUG, so one hostile client cannot fill the host's log; failures at WARN. */
class AnswersLogLevelTest {
    @Test
    void clientErrorsAreDebugAndFailuresWarn() {
        for (int status : new int[] {308, 400, 401, 403, 404, 405, 406, 413, 415, 429}) {
            assertThat(Answers.level(status)).as("HTTP %d", status).isEqualTo(Level.DEBUG);
        }
        for (int status : new int[] {500, 502, 503, 504}) {
            assertThat(Answers.level(status)).as("HTTP %d", status).isEqualTo(Level.WARN);
        }
    }
}
