package io.openharbor.mcp.gateway.spring;

import java.util.List;

/**
 * {@code mcp.gateway.*} properties the gateway cannot be built from: every problem found, each naming its property,
 * the value, where it was set and what was expected. Start-up fails with it; Boot's failure report lists the problems.
 */
public final class InvalidGatewayPropertiesException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> problems;

    InvalidGatewayPropertiesException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    private static String message(List<String> problems) {
        StringBuilder sb = new StringBuilder("invalid mcp.gateway properties: ")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems");
        for (String p : problems) {
            sb.append("\n  - ").append(p);
        }
        return sb.toString();
    }

    /** {@return every problem, one line each, in the order found} */
    public List<String> problems() {
        return problems;
    }
}
