package io.openharbor.mcp.gateway.config;

import java.util.List;

/**
 * A configuration that cannot be used, with every problem found (not just the first). Each problem names the key path
 * ({@code Gateway:BackendServers:0:Url}), the value and where it came from (file and line, or environment variable),
 * and what was expected.
 */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> errors;

    ConfigException(String source, List<String> errors) {
        super(message(source, errors));
        this.errors = List.copyOf(errors);
    }

    private static String message(String source, List<String> errors) {
        StringBuilder sb = new StringBuilder("invalid gateway configuration ")
                .append(source)
                .append(": ")
                .append(errors.size())
                .append(errors.size() == 1 ? " problem" : " problems");
        for (String e : errors) {
            sb.append("\n  - ").append(e);
        }
        return sb.toString();
    }

    /**
     * Every problem, one line each.
     *
     * @return the problems, in the order found
     */
    public List<String> errors() {
        return errors;
    }
}
