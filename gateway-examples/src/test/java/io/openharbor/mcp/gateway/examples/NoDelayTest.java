package io.openharbor.mcp.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's example as written (server created before the handler) must not stall keep-alive answers on Nagle's
 * algorithm: in a fresh JVM, 20 requests on one connection take a few milliseconds, not 20 × 40 ms. This is a check of
 * a socket option through its only visible effect, with a bound ten times above the healthy case and eight times below
 * the stalled one.
 */
class NoDelayTest {
    @Test
    void theReadmeExampleAnswersKeepAliveRequestsWithoutTheNagleStall() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), NoDelayProbe.class.getName())
                .redirectErrorStream(true)
                .start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String line = output.lines()
                    .filter(l -> l.startsWith("millis="))
                    .findFirst()
                    .orElseThrow(() -> new IOException("no result from the probe:\n" + output));
            long millis = Long.parseLong(line.substring("millis=".length()).trim());
            System.out.println("20 keep-alive requests to the README example: " + millis + " ms");
            assertThat(millis)
                    .as("20 keep-alive requests (Nagle stalls 40 ms each)")
                    .isLessThan(100);
        } finally {
            p.destroyForcibly();
        }
    }
}
