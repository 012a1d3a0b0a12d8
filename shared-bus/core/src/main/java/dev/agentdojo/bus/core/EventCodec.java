package dev.agentdojo.bus.core;

import dev.agentdojo.bus.Event;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an {@link Event} to local Vert.x consumers by reference: events are immutable, so nothing
 * is copied. Never used on the wire (the bus is not clustered; events cross services through the
 * bridge).
 */
final class EventCodec implements MessageCodec<Event, Event> {

    static final String NAME = "agent-dojo-event";

    @Override
    public void encodeToWire(Buffer buffer, Event event) {
        throw new IllegalStateException("events cross services through the bridge, not a clustered Vert.x bus");
    }

    @Override
    public Event decodeFromWire(int pos, Buffer buffer) {
        throw new IllegalStateException("events cross services through the bridge, not a clustered Vert.x bus");
    }

    @Override
    public Event transform(Event event) {
        return event;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public byte systemCodecID() {
        return -1;
    }
}
