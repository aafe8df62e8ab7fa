package io.openharbor.mcp.gateway;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** Argument checks shared by the builders, with messages that name the setting, the value and what was expected. */
final class Durations {
    private Durations() {}

    static Duration between(Duration value, String name, Duration min, Duration max) {
        requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was: " + value);
        }
        return value;
    }

    static int count(int value, String name, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was: " + value);
        }
        return value;
    }
}
