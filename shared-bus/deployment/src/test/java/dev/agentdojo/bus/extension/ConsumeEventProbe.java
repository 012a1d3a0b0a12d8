package dev.agentdojo.bus.extension;

import dev.agentdojo.bus.Event;
import io.quarkus.vertx.ConsumeEvent;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plain Quarkus bean that knows nothing of our bus: it only uses {@code @ConsumeEvent}. */
@ApplicationScoped
public class ConsumeEventProbe {

    private final List<Event> received = new CopyOnWriteArrayList<>();

    /** A method, not a field: the test holds a client proxy, whose own fields are not the bean's. */
    List<Event> received() {
        return received;
    }

    @ConsumeEvent("probe:ping")
    void onPing(Event event) {
        received.add(event);
    }
}
