package io.openharbor.mcp.gateway.example.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Shutting the application down while a tool call streams: the call runs to its end and its client gets the result;
 * the client's GET stream ends at once; the context closes right after the call, not at the drain's deadline.
 */
class GracefulShutdownTest {
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private ExampleReplica replica;

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        if (replica != null) {
            replica.close();
        }
    }

    @Test
    void aCallInFlightAtShutdownRunsToItsEndAndTheContextClosesAfterIt() throws Exception {
        replica = ExampleReplica.start("replica-a", 0, step -> {
            if (step == 1) {
                started.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        ConfigurableApplicationContext context = SpringApplication.run(
                ExampleApplication.class,
                "--server.port=0",
                "--example.replicas.start=false",
                "--mcp.gateway.backend-servers[0].url=" + replica.url(),
                "--mcp.gateway.timeouts.drain=10s");
        int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        McpSyncClient client = Clients.client(port, null);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            client.initialize();
            // Threads of the test's own: on 2 cores the common pool may have one thread, which the call would hold.
            CompletableFuture<CallToolResult> call = CompletableFuture.supplyAsync(
                    () -> client.callTool(
                            new CallToolRequest("progress", Map.of("steps", 2), Map.of("progressToken", "t"))),
                    threads);
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            CompletableFuture<Void> closed = CompletableFuture.runAsync(context::close, threads);
            Thread.sleep(500);
            assertThat(closed).as("the context waits for the call in flight").isNotDone();
            release.countDown();

            CallToolResult r = call.get(10, TimeUnit.SECONDS);
            assertThat(((TextContent) r.content().get(0)).text()).isEqualTo("counted to 2");
            // Before the drain's deadline (10 s): the SDK client's GET stream ended at once instead of holding it.
            closed.get(5, TimeUnit.SECONDS);
            assertThat(context.isActive()).isFalse();
        } finally {
            client.closeGracefully();
            context.close();
            threads.shutdownNow();
        }
    }
}
