package dev.agentdojo.payments.rest;

import dev.agentdojo.payments.model.Payment;
import dev.agentdojo.payments.repository.PaymentRepository;
import dev.agentdojo.service.rest.Problem;
import dev.agentdojo.service.rest.QueryLimit;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.util.List;

/** Payments over HTTP, read-only: they are made by {@code payment:process} events, not by requests. */
@Path("/payments")
@Produces(MediaType.APPLICATION_JSON)
public class PaymentResource {

    private final PaymentRepository payments;

    PaymentResource(PaymentRepository payments) {
        this.payments = payments;
    }

    @GET
    @Path("/{orderId}")
    @Operation(summary = "The payment of one order (at most one per order)")
    public Payment forOrder(@PathParam("orderId") String orderId) {
        return payments.forOrder(orderId).orElseThrow(
                () -> new NotFoundException("there is no payment for order " + Problem.echo(orderId, 64)));
    }

    @GET
    @Operation(summary = "The newest payments first", description = "limit: 1–1000, default 100")
    public List<Payment> list(@QueryParam("limit") @DefaultValue("100") String limit) {
        return payments.newest(QueryLimit.parse(limit));
    }
}
