package io.openharbor.mcp.gateway.spring;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Boot's start-up failure report for {@link InvalidGatewayPropertiesException}: the problems, and what to do. */
final class GatewayPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<InvalidGatewayPropertiesException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidGatewayPropertiesException cause) {
        return new FailureAnalysis(
                cause.getMessage(),
                "Correct the mcp.gateway properties above. Every property, its range and its default are in the"
                        + " starter's configuration metadata and in docs/configuration.md (the same keys in kebab case).",
                cause);
    }
}
