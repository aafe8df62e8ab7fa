package io.openharbor.mcp.gateway.example.boot;

import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The two replicas the example's gateway fronts, on {@code example.replicas.ports} (8081 and 8082); off with
 * {@code example.replicas.start=false}, as when the backends run elsewhere.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "example.replicas.start", matchIfMissing = true)
class ExampleReplicas {
    @Bean(destroyMethod = "close")
    Replicas exampleReplicas(@Value("${example.replicas.ports:8081,8082}") int[] ports) throws Exception {
        List<ExampleReplica> started = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            started.add(ExampleReplica.start("replica-" + (char) ('a' + i), ports[i], null));
        }
        return new Replicas(started);
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
