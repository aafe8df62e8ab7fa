package io.openharbor.mcp.gateway;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Several exchange-listener factories as one: each exchange gets the listeners of those that want it. */
final class ExchangeListeners implements ExchangeListener.Factory {
    private final ExchangeListener.Factory[] factories;

    private ExchangeListeners(List<ExchangeListener.Factory> factories) {
        this.factories = factories.toArray(new ExchangeListener.Factory[0]);
    }

    /** The factories as one, or null for none. */
    static ExchangeListener.@Nullable Factory of(List<ExchangeListener.Factory> factories) {
        if (factories.isEmpty()) return null;
        if (factories.size() == 1) return factories.get(0);
        return new ExchangeListeners(factories);
    }

    @Override
    public ExchangeListener create(GatewayRequest request) {
        List<ExchangeListener> wanted = new ArrayList<>(factories.length);
        for (ExchangeListener.Factory f : factories) {
            ExchangeListener l = f.create(request);
            if (l != null && l != ExchangeListener.NONE) {
                wanted.add(l);
            }
        }
        if (wanted.isEmpty()) return ExchangeListener.NONE;
        if (wanted.size() == 1) return wanted.get(0);
        ExchangeListener[] all = wanted.toArray(new ExchangeListener[0]);
        return new ExchangeListener() {
            @Override
            public void attemptStart(McpCall call, UpstreamAttempt attempt, UpstreamHeaders headers) {
                for (ExchangeListener l : all) l.attemptStart(call, attempt, headers);
            }

            @Override
            public void attemptEnd(McpCall call, UpstreamAttempt attempt, Outcome outcome) {
                for (ExchangeListener l : all) l.attemptEnd(call, attempt, outcome);
            }

            @Override
            public void exchangeEnd(McpCall call, Outcome outcome) {
                for (ExchangeListener l : all) l.exchangeEnd(call, outcome);
            }
        };
    }
}
