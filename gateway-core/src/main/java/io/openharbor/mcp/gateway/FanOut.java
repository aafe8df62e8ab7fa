package io.openharbor.mcp.gateway;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Runs one call per server in parallel on the gateway's executor and waits for all of them up to a deadline; calls
 * still running then are cancelled through their {@link UpstreamCall.Cancellation} (their connections are released,
 * nothing keeps running for a client that has its answer). Even a single call runs on the executor, so that the
 * deadline holds for it too.
 */
final class FanOut {
    private FanOut() {}

    /** A call of one server, cancellable. */
    interface Call<T> {
        T run(UpstreamCall.Cancellation cancellation) throws Exception;
    }

    /** The outcome of one call: its value, or why there is none. */
    record Outcome<T>(@Nullable T value, @Nullable String problem) {}

    static <S, T> List<Outcome<T>> all(
            ExecutorService executor, List<S> servers, Function<S, Call<T>> calls, long timeoutNanos) {
        int n = servers.size();
        List<UpstreamCall.Cancellation> cancels = new ArrayList<>(n);
        List<Outcome<T>> out = new ArrayList<>(n);
        List<Future<Outcome<T>>> futures = new ArrayList<>(n);
        for (S s : servers) {
            UpstreamCall.Cancellation c = new UpstreamCall.Cancellation();
            cancels.add(c);
            Call<T> call = calls.apply(s);
            futures.add(executor.submit(() -> runOne(call, c)));
        }
        long deadline = System.nanoTime() + timeoutNanos;
        for (int i = 0; i < n; i++) {
            Future<Outcome<T>> f = futures.get(i);
            try {
                out.add(f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (TimeoutException e) {
                cancels.get(i).cancel(io.openharbor.mcp.gateway.Outcome.Kind.TIMEOUT);
                f.cancel(true);
                out.add(new Outcome<>(null, "no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
            } catch (ExecutionException e) {
                out.add(new Outcome<>(null, String.valueOf(e.getCause())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                for (int j = i; j < n; j++) {
                    cancels.get(j)
                            .cancel(
                                    io.openharbor.mcp.gateway.Outcome.Kind
                                            .GATEWAY_CLOSED); // the gateway is stopping its threads
                    futures.get(j).cancel(true);
                }
                while (out.size() < n) {
                    out.add(new Outcome<>(null, "interrupted"));
                }
                return out;
            }
        }
        return out;
    }

    private static <T> Outcome<T> runOne(Call<T> call, UpstreamCall.Cancellation c) {
        try {
            return new Outcome<>(call.run(c), null);
        } catch (Exception e) {
            return new Outcome<>(null, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }
}
