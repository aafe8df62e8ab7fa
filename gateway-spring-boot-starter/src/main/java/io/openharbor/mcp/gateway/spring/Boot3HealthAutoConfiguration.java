package io.openharbor.mcp.gateway.spring;

import io.openharbor.mcp.gateway.Gateway;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * {@link McpGatewayHealthAutoConfiguration} for Spring Boot 3.5, whose Actuator keeps its health types in
 * {@code org.springframework.boot.actuate.health}: the same indicator ({@link GatewayHealth}: its status and
 * details), as an implementation of Boot 3's interface made at run time, since the starter is compiled against Boot 4.
 * Off with {@code management.health.mcp-gateway.enabled=false} (Boot 3's {@code management.health.defaults.enabled}
 * does not reach it).
 */
@AutoConfiguration(after = McpGatewayAutoConfiguration.class)
@ConditionalOnClass(name = Boot3HealthAutoConfiguration.INDICATOR)
@ConditionalOnMissingClass("org.springframework.boot.health.contributor.HealthIndicator")
@ConditionalOnBean(Gateway.class)
@ConditionalOnProperty(name = "management.health.mcp-gateway.enabled", havingValue = "true", matchIfMissing = true)
@Import(Boot3HealthAutoConfiguration.Registrar.class)
public final class Boot3HealthAutoConfiguration {
    static final String INDICATOR = "org.springframework.boot.actuate.health.HealthIndicator";
    private static final String HEALTH = "org.springframework.boot.actuate.health.Health";
    private static final String BEAN = "mcpGatewayHealthIndicator";

    /** Only Spring makes one. */
    Boot3HealthAutoConfiguration() {}

    /** Registers the indicator under Boot 3's interface, so Actuator finds it by type before it is made. */
    static final class Registrar implements ImportBeanDefinitionRegistrar, BeanFactoryAware {
        private @Nullable BeanFactory beanFactory;

        @Override
        public void setBeanFactory(BeanFactory beanFactory) {
            this.beanFactory = beanFactory;
        }

        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            if (registry.containsBeanDefinition(BEAN) || beanFactory == null) {
                return;
            }
            ClassLoader loader = Boot3HealthAutoConfiguration.class.getClassLoader();
            Class<?> type = ClassUtils.resolveClassName(INDICATOR, loader);
            BeanFactory factory = beanFactory;
            RootBeanDefinition d = new RootBeanDefinition();
            d.setTargetType(type);
            d.setInstanceSupplier(() -> indicator(type, factory.getBean(Gateway.class)));
            registry.registerBeanDefinition(BEAN, d);
        }
    }

    /** Boot 3's {@code HealthIndicator}, answering {@code health()} with the gateway's health in Boot 3's types. */
    static Object indicator(Class<?> type, Gateway gateway) {
        InvocationHandler h = (proxy, method, args) -> {
            if (method.getName().equals("health") && method.getParameterCount() == 0) {
                return boot3Health(type.getClassLoader(), GatewayHealth.of(gateway));
            }
            if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
            }
            return switch (method.getName()) {
                case "toString" -> "mcpGatewayHealthIndicator";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException(method.toString());
            };
        };
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
    }

    /** The gateway's health in Boot 3's {@code Health}. */
    private static Object boot3Health(ClassLoader loader, GatewayHealth health) throws ReflectiveOperationException {
        Class<?> type = ClassUtils.resolveClassName(HEALTH, loader);
        Object builder = type.getMethod(health.up() ? "up" : "down").invoke(null);
        builder.getClass().getMethod("withDetails", Map.class).invoke(builder, health.details());
        return builder.getClass().getMethod("build").invoke(builder);
    }
}
