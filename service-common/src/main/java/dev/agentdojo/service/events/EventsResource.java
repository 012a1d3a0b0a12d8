package dev.agentdojo.service.events;

import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventLog;
import dev.agentdojo.service.rest.ProblemMappers;
import dev.agentdojo.service.rest.QueryLimit;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The event log: {@code GET /events} (the latest events) and {@code GET /events/stream} (events as
 * they happen, as server-sent events). With Kafka, both show the events of every instance of every
 * service, read from the topic, each with the instance that emitted it; on the in-memory connector
 * of tests, the events of this service's own bus.
 */
@Path("/events")
@jakarta.inject.Singleton
public class EventsResource {

    private static final Logger LOG = Logger.getLogger(EventsResource.class);

    /** Events a stream client may lag behind; one that lags more is disconnected (its EventSource reconnects). */
    static final int STREAM_BUFFER = 1_024;

    /** Thrown into a stream whose client lags behind by more than its buffer's bytes: it is disconnected. */
    static final class StreamClientTooSlowException extends RuntimeException {
        StreamClientTooSlowException(long bytes) {
            super("the client lags " + bytes + " bytes behind (service.events.stream-buffer-bytes)");
        }
    }

    private final EventBus bus;
    private final EventLog log;
    private final int maxStreamClients;
    private final long streamBufferBytes;
    private final AtomicInteger streamClients = new AtomicInteger();

    EventsResource(EventBus bus, EventLog log, EventsConfig config) {
        this.bus = bus;
        this.log = log;
        this.maxStreamClients = config.maxStreamClients();
        this.streamBufferBytes = config.streamBufferBytes();
    }

    /** Refused: as many clients as {@code service.events.max-stream-clients} follow the stream already. */
    public static class TooManyStreamClientsException extends RuntimeException {
        TooManyStreamClientsException(int max) {
            super(max + " clients follow the event stream already (service.events.max-stream-clients); try again later");
        }
    }

    /** 503: one client more than {@code service.events.max-stream-clients} asked for the stream. */
    @ServerExceptionMapper
    public Response tooManyStreamClients(TooManyStreamClientsException e, UriInfo uri) {
        return ProblemMappers.refused(e, uri, "as many clients as this instance takes follow the event stream already; try again shortly", 5);
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The latest events on the event log, oldest first",
            description = "event: only events of this exact name; limit: at most this many of the latest (1–1000)")
    public List<EventView> history(@QueryParam("event") String event, @QueryParam("limit") @DefaultValue("100") String limit) {
        int max = QueryLimit.parse(limit);
        if (event != null) {
            try {
                bus.getHistory(event); // checks the name
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("query parameter 'event': " + e.getMessage());
            }
        }
        List<EventView> events = log.latest(QueryLimit.MAX).stream()
                .filter(e -> event == null || e.event().name().equals(event))
                .map(EventView::of).toList();
        return events.subList(Math.max(0, events.size() - max), events.size());
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Every event on the event log as it happens (server-sent events)",
            description = "latest: first send this many of the latest events (0–1000, default 0). A client that falls "
                    + "more than 1024 events or service.events.stream-buffer-bytes (64 KiB) behind is disconnected rather "
                    + "than grow the server's memory; beyond "
                    + "service.events.max-stream-clients clients at once, one more is refused with 503.")
    public Multi<EventView> stream(@QueryParam("latest") @DefaultValue("0") String latest) {
        int first = latest.equals("0") ? 0 : QueryLimit.parse(latest, "latest");
        if (streamClients.incrementAndGet() > maxStreamClients) {
            streamClients.decrementAndGet();
            throw new TooManyStreamClientsException(maxStreamClients);
        }
        AtomicLong lagging = new AtomicLong(); // the bytes of events given to this client and not yet written to it
        return log.follow(first).map(EventView::of)
                .invoke(view -> {
                    long behind = lagging.addAndGet(view.estimatedBytes());
                    if (behind > streamBufferBytes) {
                        throw new StreamClientTooSlowException(behind);
                    }
                })
                .onOverflow().buffer(STREAM_BUFFER)
                .invoke(view -> lagging.addAndGet(-view.estimatedBytes()))
                .onFailure().invoke(f -> LOG.debugf("Disconnected a stream client that fell behind: %s", f.getMessage()))
                .onFailure().recoverWithCompletion()
                .onTermination().invoke(streamClients::decrementAndGet);
    }
}
