package dev.agentdojo.bus.deployment;

import dev.agentdojo.bus.OnEvent;
import io.quarkus.arc.processor.InvokerInfo;
import io.quarkus.builder.item.MultiBuildItem;

import java.util.List;

/**
 * One {@code @OnEvent} method, checked: the names and patterns it listens to, how it is called, the
 * record it takes (empty for the event itself) and the invoker generated for it.
 */
public final class OnEventMethodBuildItem extends MultiBuildItem {

    final List<String> names;
    final String kind;
    final boolean once;
    final String record;
    final InvokerInfo invoker;
    final String description;

    OnEventMethodBuildItem(List<String> names, String kind, boolean once, String record, InvokerInfo invoker,
                           String description) {
        this.names = List.copyOf(names);
        this.kind = kind;
        this.once = once;
        this.record = record;
        this.invoker = invoker;
        this.description = description;
    }

    /** The method as {@code Bean#method(Param)}. */
    public String description() {
        return description;
    }

    public List<String> names() {
        return names;
    }
}
