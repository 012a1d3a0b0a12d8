package dev.agentdojo.orders.rest;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.orders.config.OrdersConfig;
import dev.agentdojo.orders.model.Order;
import dev.agentdojo.orders.repository.OrderEventRepository;
import dev.agentdojo.orders.repository.OrderRepository;
import dev.agentdojo.orders.service.Orders;
import dev.agentdojo.outbox.commit.OutcomeUnknownException;
import dev.agentdojo.service.rest.Problem;
import dev.agentdojo.service.rest.ProblemMappers;
import dev.agentdojo.service.rest.QueryLimit;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.Optional;
import java.util.function.Supplier;

/** Orders over HTTP. Thin: validation and mapping here, the work in {@link Orders}, the reads from the repositories. */
@Path("/orders")
@Produces(MediaType.APPLICATION_JSON)
public class OrderResource {

    /** The request header that makes {@code POST /orders} idempotent (IETF httpapi draft "The Idempotency-Key HTTP Header Field"). */
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

    private final Orders orders;
    private final OrderRepository stored;
    private final OrderEventRepository chains;
    private final String service;

    private final Duration answerWithin;
    private final Optional<String> traceUrl;

    OrderResource(Orders orders, OrderRepository stored, OrderEventRepository chains, EventBus bus, OrdersConfig config) {
        this.orders = orders;
        this.traceUrl = config.traceUrl();
        this.answerWithin = config.answerWithin();
        this.stored = stored;
        this.chains = chains;
        this.service = bus.source();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Place an order", description = "Answers once the order and its events are committed; "
            + "the order is PENDING until payment-service's answer arrives. With an Idempotency-Key header, "
            + "a request sent again answers the first one's order.")
    @APIResponse(responseCode = "202", description = "Accepted; Location is the order")
    @APIResponse(responseCode = "400", description = "Invalid order or Idempotency-Key (problem+json, with the invalid fields)")
    @APIResponse(responseCode = "422", description = "The Idempotency-Key was used for another request")
    @APIResponse(responseCode = "503", description = "The database cannot take the order now; the detail says whether nothing was "
            + "created, or whether that is not known (then a retry with the same Idempotency-Key is safe)")
    public Uni<Response> place(@NotNull(message = "is required: send a JSON object") @Valid PlaceOrderRequest request,
                               @HeaderParam(IDEMPOTENCY_KEY)
                               @Pattern(regexp = "[\\x20-\\x7E]{1,255}", message = "must be 1 to 255 printable ASCII characters")
                               String key,
                               UriInfo uri) {
        String id = Orders.newId(); // known before the commit, so an unknown outcome can say where to look
        return orders.place(id, request.customer(), request.amount(), request.currencyOrDefault(), key)
                // one deadline for all the request's database work: answered in time, whatever the database does
                .ifNoItem().after(answerWithin).failWith(() -> new OutcomeUnknownException("the order was not confirmed within "
                        + answerWithin.toSeconds() + " s (orders.answer-within)", null))
                .map(placement -> Response.accepted(placement.order())
                        .location(uri.getBaseUriBuilder().path("orders").path(placement.order().id()).build())
                        .build())
                .onFailure(failure -> OutcomeUnknownException.in(failure).isPresent())
                .recoverWithItem(failure -> ProblemMappers.outcomeUnknown(OutcomeUnknownException.in(failure).orElseThrow(),
                        uri.getPath(), key == null ? "the order it would have placed is" : null, key == null ? "/orders/" + id : null));
    }

    @ServerExceptionMapper
    public Response keyReused(Orders.KeyReusedException e, UriInfo uri) {
        return Problem.of(422, e.getMessage(), uri.getPath(), List.of()).toResponse();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "One order: PENDING, then CONFIRMED or PAYMENT_FAILED")
    public Uni<Order> get(@PathParam("id") String id) {
        return withinDeadline(() -> stored.find(id).orElseThrow(() -> notFound(id)));
    }

    @GET
    @Operation(summary = "The newest orders first", description = "limit: 1–1000, default 100")
    public Uni<List<Order>> list(@QueryParam("limit") @DefaultValue("100") String limit) {
        int max = QueryLimit.parse(limit);
        return withinDeadline(() -> stored.newest(max));
    }

    @GET
    @Path("/{id}/events")
    @Operation(summary = "The order's causal chain across both services",
            description = "Each hop: the event, the service that emitted it, the services that handled it, "
                    + "and its time since the chain's first event; the chain's trace id (and link) when tracing is on.")
    public Uni<OrderChain> chain(@PathParam("id") String id) {
        return withinDeadline(() -> {
            Order order = stored.find(id).orElseThrow(() -> notFound(id));
            List<Event> events = chains.chain(id).orElse(List.of());
            List<ChainHop> hops = ChainHop.of(events, stored.settledBy(id).orElse(null), service);
            String correlation = events.isEmpty() ? null : events.get(0).correlationId();
            long total = hops.isEmpty() ? 0 : hops.get(hops.size() - 1).sinceFirstMs();
            String traceId = chains.traceOf(id).orElse(null);
            String link = traceId == null ? null : traceUrl.map(url -> url.replace("{traceId}", traceId)).orElse(null);
            return new OrderChain(order.id(), order.status(), correlation, traceId, link, total, hops);
        });
    }

    /**
     * Runs a read on a worker thread, answered within {@code orders.answer-within} whatever the
     * database does: its statements share that one deadline (a read changes nothing, so one not
     * answered in time is a plain 503 "try again").
     */
    private <T> Uni<T> withinDeadline(Supplier<T> read) {
        return Uni.createFrom().item(read).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(answerWithin).failWith(() -> new TimeoutException(
                        "the database did not answer within " + answerWithin.toSeconds() + " s (orders.answer-within)"));
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("there is no order " + Problem.echo(id, 64));
    }
}
