package io.openharbor.mcp.gateway.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Durations in the two forms operators write: .NET {@code TimeSpan} ({@code 00:00:30}) and ISO-8601 ({@code PT30S}). */
final class ConfigDurations {
    private ConfigDurations() {}

    /** {@code [-][d.]hh:mm[:ss[.fffffff]]}, as .NET's {@code TimeSpan.Parse} reads it (hours 0-23, minutes and seconds 0-59). */
    private static final Pattern TIMESPAN =
            Pattern.compile("(-)?(?:(\\d{1,8})\\.)?(\\d{1,2}):(\\d{1,2})(?::(\\d{1,2})(?:\\.(\\d{1,7}))?)?");

    /** The duration, or null if the text is in neither form. */
    static @Nullable Duration parse(String text) {
        String s = text.trim();
        if (s.isEmpty()) {
            return null;
        }
        char first = s.charAt(0);
        if (first == 'P'
                || first == 'p'
                || ((first == '-' || first == '+') && s.length() > 1 && (s.charAt(1) == 'P' || s.charAt(1) == 'p'))) {
            try {
                return Duration.parse(s);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        Matcher m = TIMESPAN.matcher(s);
        if (!m.matches()) {
            return null;
        }
        long days = m.group(2) == null ? 0 : Long.parseLong(m.group(2));
        int hours = Integer.parseInt(m.group(3));
        int minutes = Integer.parseInt(m.group(4));
        int seconds = m.group(5) == null ? 0 : Integer.parseInt(m.group(5));
        if (hours > 23 || minutes > 59 || seconds > 59) {
            return null;
        }
        long nanos = 0;
        if (m.group(6) != null) {
            String ticks = (m.group(6) + "0000000").substring(0, 7); // 100 ns units, as TimeSpan
            nanos = Long.parseLong(ticks) * 100;
        }
        Duration d = Duration.ofDays(days)
                .plusHours(hours)
                .plusMinutes(minutes)
                .plusSeconds(seconds)
                .plusNanos(nanos);
        return m.group(1) != null ? d.negated() : d;
    }
}
