package io.openharbor.mcp.gateway.example.boot;

import io.openharbor.mcp.gateway.spring.GatewayBuilderCustomizer;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The two replicas the example's gateway fronts, on {@code example.replica-a.port} and {@code example.replica-b.port}
 * (8081 and 8082, which {@code application.properties} also gives the gateway); off with
 * {@code example.replicas.start=false}, as when the backends run elsewhere.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "example.replicas.start", matchIfMissing = true)
class ExampleReplicas {
    @Bean(destroyMethod = "close")
    Replicas replicas(
            @Value("${example.replica-a.port:8081}") int a, @Value("${example.replica-b.port:8082}") int b)
            throws Exception {
        ExampleReplica first = ExampleReplica.start("replica-a", a, null);
        try {
            return new Replicas(List.of(first, ExampleReplica.start("replica-b", b, null)));
        } catch (Exception e) {
            first.close();
            throw e;
        }
    }

    /**
     * Orders the gateway after the replicas: a customizer is applied as the gateway is built, so taking the replicas
     * here starts them first, and the gateway's first health check (made as it is built) finds them up.
     */
    @Bean
    GatewayBuilderCustomizer startReplicasFirst(Replicas replicas) {
        return builder -> builder.serviceName("MCP Gateway example (" + replicas.list().size() + " replicas)");
    }

    /** The started replicas, stopped with the application. */
    record Replicas(List<ExampleReplica> list) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            for (ExampleReplica r : list) {
                r.close();
            }
        }
    }
}
