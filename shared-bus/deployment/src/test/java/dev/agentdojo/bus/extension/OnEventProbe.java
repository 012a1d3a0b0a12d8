package dev.agentdojo.bus.extension;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.OnEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@code @OnEvent} methods of every kind, on a class with no scope of its own (it becomes a singleton). */
public class OnEventProbe {

    /** What each method saw: "method:detail". */
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<ProbeCreated> typed = new CopyOnWriteArrayList<>();

    @OnEvent("probe:sync")
    void sync(Event event) {
        calls.add("sync:" + event.arg(0));
    }

    @OnEvent({"probe:a:*", "probe:b:*"})
    void patterns(Event event) {
        calls.add("patterns:" + event.name());
    }

    @OnEvent
    Uni<Void> created(ProbeCreated created) {
        return Uni.createFrom().voidItem()
                .onItem().delayIt().by(Duration.ofMillis(200))
                .invoke(() -> typed.add(created));
    }

    @OnEvent(value = "probe:blocking", blocking = true)
    void blocking(Event event) {
        calls.add("blocking:" + (Context.isOnEventLoopThread() ? "event-loop" : "may-block"));
    }

    @OnEvent(value = "probe:once", once = true)
    void once(Event event) {
        calls.add("once:" + event.arg(0));
    }

    @OnEvent("probe:fails")
    void fails(Event event) {
        throw new IllegalStateException("failed on purpose");
    }

    @OnEvent("probe:emits")
    void emits(Event event) {
        EventBus.get().emitSync("probe:sync", "caused by " + event.id());
    }
}
