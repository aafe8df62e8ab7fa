package io.openharbor.mcp.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** The first stage of a POST: its body, read whole within the size limit (a JSON-RPC message must be peeked whole). */
final class BodyReader {
    private final long limit;
    private final Answers answers;

    BodyReader(long limit, Answers answers) {
        this.limit = limit;
        this.answers = answers;
    }

    /** Reads the body; answers 400 (bad Content-Length) or 413 and returns null when it cannot be taken. */
    byte @Nullable [] read(RequestState r) throws IOException {
        String declared = r.ex.requestHeader("Content-Length");
        long expected = -1;
        if (declared != null) {
            try {
                expected = Long.parseLong(declared.trim());
            } catch (NumberFormatException e) {
                answers.reject(r, 400, JsonRpcErrors.INVALID_REQUEST, "Invalid Content-Length", "bad Content-Length");
                return null;
            }
            if (expected > limit) {
                return tooLarge(r);
            }
        }
        try (InputStream in = r.ex.requestBody()) {
            if (expected >= 0) {
                // The host server ends the stream at the declared length: read exactly that, with no copy.
                byte[] body = new byte[(int) expected];
                int len = in.readNBytes(body, 0, body.length);
                return len == body.length ? body : Arrays.copyOf(body, len);
            }
            byte[] buf = new byte[(int) Math.min(limit + 1, 16 * 1024)];
            int len = 0;
            while (true) {
                if (len == buf.length) {
                    if (len > limit) {
                        return tooLarge(r);
                    }
                    buf = Arrays.copyOf(buf, (int) Math.min(limit + 1, (long) buf.length * 2));
                }
                int n = in.read(buf, len, buf.length - len);
                if (n < 0) break;
                len += n;
            }
            if (len > limit) {
                return tooLarge(r);
            }
            return len == buf.length ? buf : Arrays.copyOf(buf, len);
        }
    }

    private byte @Nullable [] tooLarge(RequestState r) throws IOException {
        answers.reject(
                r,
                413,
                JsonRpcErrors.INVALID_REQUEST,
                "Request body exceeds the limit of " + limit + " bytes",
                "body too large");
        return null;
    }
}
