package io.openharbor.mcp.gateway.example.boot;

import io.openharbor.mcp.gateway.AccessPolicy;
import io.openharbor.mcp.gateway.spring.GatewayBuilderCustomizer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application with the gateway starter: {@code application.properties} points the gateway at two
 * replicas, which {@link ExampleReplicas} starts beside it; MCP clients use {@code http://127.0.0.1:8080/mcp}, and
 * {@code /actuator/health} and {@code /actuator/metrics} report on it.
 */
@SpringBootApplication
public class ExampleApplication {
    /**
     * Runs the application.
     *
     * @param args Spring Boot's arguments ({@code --server.port=9090}, {@code --mcp.gateway.access-log=true})
     */
    public static void main(String[] args) {
        try {
            SpringApplication.run(ExampleApplication.class, args);
        } catch (RuntimeException e) {
            // Boot has printed why. Exit: the MCP SDK 2.1 servlet transport's session-sweeper thread is not a daemon
            // and outlives a replica closed during a failed start, which would keep the JVM running.
            System.exit(1);
        }
    }

    /** What properties cannot say, in code: tools whose names start with {@code admin_} are hidden and refused. */
    @Bean
    GatewayBuilderCustomizer noAdminTools() {
        return builder -> builder.accessPolicy(
                (caller, server, kind, name) -> kind != AccessPolicy.Kind.TOOL || !name.startsWith("admin_"));
    }
}
