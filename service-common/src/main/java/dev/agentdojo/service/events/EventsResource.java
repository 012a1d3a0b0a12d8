package dev.agentdojo.service.events;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.Subscription;
import dev.agentdojo.service.rest.QueryLimit;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestStreamElementType;

import java.util.List;

/**
 * The service's event log: {@code GET /events} (its history) and {@code GET /events/stream} (events
 * as they happen, as server-sent events). Each service has its own: what it emitted and what it
 * received from the others.
 */
@Path("/events")
public class EventsResource {

    private static final Logger LOG = Logger.getLogger(EventsResource.class);

    /** Events a stream client may lag behind; one that lags more is disconnected (its EventSource reconnects). */
    static final int STREAM_BUFFER = 1_024;

    @Inject
    EventBus bus;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The latest events of this service, oldest first",
            description = "event: only events of this exact name; limit: at most this many of the latest (1–1000)")
    public List<EventView> history(@QueryParam("event") String event, @QueryParam("limit") @DefaultValue("100") String limit) {
        int max = QueryLimit.parse(limit);
        List<Event> events;
        try {
            events = event == null ? bus.getHistory() : bus.getHistory(event);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("query parameter 'event': " + e.getMessage());
        }
        return events.subList(Math.max(0, events.size() - max), events.size()).stream().map(EventView::of).toList();
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every event of this service as it happens (server-sent events)",
            description = "A client that falls more than 1024 events behind is disconnected rather than grow the server's memory.")
    public Multi<EventView> stream() {
        return Multi.createFrom().<EventView>emitter(emitter -> {
                    Subscription subscription = bus.on(EventBus.ALL, e -> emitter.emit(EventView.of(e)));
                    emitter.onTermination(subscription::close);
                }, STREAM_BUFFER)
                .onFailure().invoke(f -> LOG.debugf("Disconnected a stream client that fell behind: %s", f.getMessage()))
                .onFailure().recoverWithCompletion();
    }
}
