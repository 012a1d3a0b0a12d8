package dev.agentdojo.bus.runtime;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.bus.Subscription;
import dev.agentdojo.bus.core.LocalEventBus;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import jakarta.inject.Inject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the Dev UI page shows (dev mode only; every public method is a JSON-RPC method the page
 * calls): the listeners by name and pattern, the history, and the live stream of events with
 * their causation. Args are shown as text, so any arg can be shown.
 */
public class EventBusJsonRpcService {

    /** Events the page has not taken yet beyond this many are dropped, not queued: the page is a window, not a log. */
    static final int STREAM_BUFFER = 1_000;

    @Inject
    LocalEventBus bus;

    /** Every listener: name or pattern, kind, once, and what it is (an {@code @OnEvent} method or a lambda's class). */
    public List<Map<String, Object>> getListeners() {
        return bus.listeners().stream().map(EventBusJsonRpcService::view).toList();
    }

    private static Map<String, Object> view(LocalEventBus.ListenerView registration) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("nameOrPattern", registration.nameOrPattern());
        view.put("kind", registration.kind().name());
        view.put("once", registration.once());
        view.put("listener", describe(registration.listener()));
        return view;
    }

    /** As its {@code toString} names it ({@code Bean#method(Param)} for an {@code @OnEvent} method); a lambda by its class. */
    private static String describe(Object listener) {
        String text = listener.toString();
        int lambda = text.indexOf("$$Lambda");
        return lambda > 0 ? text.substring(0, lambda) + " (lambda)" : text;
    }

    /** The history, oldest first. */
    public List<Map<String, Object>> getHistory() {
        return bus.getHistory().stream().map(EventBusJsonRpcService::view).toList();
    }

    /** Each event as it is emitted or received, from now on. */
    public Multi<Map<String, Object>> streamEvents() {
        return Multi.createFrom().<Map<String, Object>>emitter(emitter -> {
            Subscription subscription = bus.on(EventBus.ALL, e -> emitter.emit(view(e)));
            emitter.onTermination(subscription::close);
        }, BackPressureStrategy.DROP);
    }

    static Map<String, Object> view(Event e) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", e.id());
        view.put("name", e.name());
        view.put("args", e.args().stream().map(String::valueOf).toList());
        view.put("timestamp", e.timestamp().toString());
        view.put("source", e.source());
        view.put("correlationId", e.correlationId());
        view.put("causationId", e.causationId());
        return view;
    }
}
