package dev.agentdojo.bus;

/**
 * Settings of a bus made with {@link EventBus#create(EventBusOptions)}. A Quarkus application sets
 * the same things in {@code application.properties} ({@code event-bus.history-size}, and
 * {@code quarkus.application.name} for the source).
 *
 * <pre>{@code
 * EventBus bus = EventBus.create(EventBusOptions.defaults().withHistorySize(500).withSource("billing"));
 * }</pre>
 *
 * @param historySize how many of the latest events {@link EventBus#getHistory()} keeps; 0 keeps none
 * @param source      the name this bus stamps on the events it emits ({@link Event#source()})
 */
public record EventBusOptions(int historySize, String source) {

    /** The history size pyee's example promised. */
    public static final int DEFAULT_HISTORY_SIZE = 100;

    /** History capped so that a misconfiguration cannot exhaust memory. */
    public static final int MAX_HISTORY_SIZE = 1_000_000;

    public EventBusOptions {
        if (historySize < 0 || historySize > MAX_HISTORY_SIZE) {
            throw new IllegalArgumentException(
                    "history size must be between 0 and " + MAX_HISTORY_SIZE + ", was " + historySize);
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("source must not be blank");
        }
    }

    /** History of {@value #DEFAULT_HISTORY_SIZE} events, source {@code local}. */
    public static EventBusOptions defaults() {
        return new EventBusOptions(DEFAULT_HISTORY_SIZE, "local");
    }

    public EventBusOptions withHistorySize(int size) {
        return new EventBusOptions(size, source);
    }

    public EventBusOptions withSource(String name) {
        return new EventBusOptions(historySize, name);
    }
}
