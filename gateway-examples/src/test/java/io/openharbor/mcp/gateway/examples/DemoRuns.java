package io.openharbor.mcp.gateway.examples;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@link DemoMain#run} for a start-up that is refused, with what it printed captured. */
final class DemoRuns {
    private DemoRuns() {}

    /** The exit code and everything printed (standard output and error), for arguments the demo does not start on. */
    static String[] refused(Map<String, String> env, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        System.setOut(capture);
        System.setErr(capture);
        int code;
        try {
            code = DemoMain.run(args, env);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[] {String.valueOf(code), printed.toString(StandardCharsets.UTF_8)};
    }
}
