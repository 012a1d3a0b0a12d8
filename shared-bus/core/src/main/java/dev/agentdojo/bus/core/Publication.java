package dev.agentdojo.bus.core;

import dev.agentdojo.bus.Event;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;

import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Where an event goes besides its listeners: the outbound hooks (the bridge to other services), the
 * history, the meters, and the Vert.x event bus — there only at addresses something consumes (the
 * {@code @ConsumeEvent} addresses known at build time, and consumers registered through
 * {@link #vertxConsumer}), since a publication nobody receives costs as much as the rest of an emit.
 */
public final class Publication {

    private final io.vertx.core.eventbus.EventBus vertxBus;
    private final DeliveryOptions byReference = new DeliveryOptions().setCodecName(EventCodec.NAME);
    private final EventHistory history;
    @SuppressWarnings("unchecked")
    private volatile Function<Event, CompletionStage<?>>[] outbound = new Function[0];
    private final Set<String> consumed = ConcurrentHashMap.newKeySet();
    private volatile boolean consumedEverywhere;

    Publication(Vertx vertx, int historySize) {
        this.vertxBus = vertx.eventBus();
        this.history = new EventHistory(historySize);
        try {
            vertxBus.registerCodec(new EventCodec());
        } catch (IllegalStateException alreadyRegistered) {
            // another bus on this Vert.x registered it: the codec is stateless, share it
        }
    }

    /**
     * An event emitted here: to the outbound hooks, the history and Vert.x. Returns what the hooks
     * await (the event safely on its way), or null when no hook took it. A hook that throws stops
     * the event here: it is neither recorded nor published.
     */
    CompletionStage<?> emitted(Event event, BusMetrics.PerName meters) {
        CompletionStage<?> sent = null;
        for (Function<Event, CompletionStage<?>> hook : outbound) {
            CompletionStage<?> stage = hook.apply(event);
            if (stage != null) {
                sent = sent == null ? stage : sent.thenCombine(stage, (a, b) -> null);
            }
        }
        if (meters != null) {
            meters.emitted.increment();
        }
        recordAndPublish(event);
        return sent;
    }

    /** An event received from another service: to the history and Vert.x, not to the outbound hooks. */
    void received(Event event, BusMetrics.PerName meters) {
        if (meters != null) {
            meters.received.increment();
        }
        recordAndPublish(event);
    }

    private void recordAndPublish(Event event) {
        history.add(event);
        if (consumedEverywhere || consumed.contains(event.name())) {
            vertxBus.publish(event.name(), event, byReference);
        }
    }

    synchronized void addOutboundHook(Function<Event, CompletionStage<?>> hook) {
        Function<Event, CompletionStage<?>>[] hooks = Arrays.copyOf(outbound, outbound.length + 1);
        hooks[outbound.length] = hook;
        outbound = hooks;
    }

    /** From now on, events named {@code address} are published on Vert.x. */
    public void consumedAt(String address) {
        consumed.add(address);
    }

    /** From now on, every event is published on Vert.x (an address only known at run time is consumed). */
    public void consumedEverywhere() {
        consumedEverywhere = true;
    }

    /** Registers a Vert.x consumer at {@code name} and publishes events of that name from now on. */
    MessageConsumer<Event> vertxConsumer(String name, Handler<Message<Event>> handler) {
        consumedAt(name);
        return vertxBus.consumer(name, handler);
    }

    EventHistory history() {
        return history;
    }
}
