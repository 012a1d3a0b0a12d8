package dev.agentdojo.service.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.agentdojo.bus.EventNotSentException;
import dev.agentdojo.bus.bridge.Failures;
import dev.agentdojo.bus.ListenerFailedException;
import dev.agentdojo.outbox.commit.OutcomeUnknownException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Turns every failure of a request into an {@code application/problem+json} answer with a readable
 * {@code detail}: invalid fields, malformed JSON, unknown paths, wrong methods or content types,
 * the broker unavailable. Anything unexpected is a 500 whose detail names a log reference, and is
 * logged with its stack trace; the client never sees one.
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** Whether a failure passes ("nothing was done; try again shortly"), as each layer tells it. */
    private final Failures failures;

    ProblemMappers(Failures failures) {
        this.failures = failures;
    }

    @ServerExceptionMapper
    public Response invalid(ConstraintViolationException e, UriInfo uri) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(field(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.Violation::field))
                .toList();
        String detail = violations.stream().map(v -> v.field() + " " + v.message()).collect(Collectors.joining("; "));
        return Problem.of(400, detail, uri.getPath(), violations).toResponse();
    }

    // Quarkus maps Jackson's exceptions with mappers of its own that answer an empty 400; these,
    // for the same exact types, take precedence and say what is wrong.
    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response wrongType(InvalidFormatException e, UriInfo uri) {
        return malformedJson(e, uri);
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        return malformedJson(e, uri);
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response unparsable(StreamReadException e, UriInfo uri) {
        return malformedJson(e, uri);
    }

    @ServerExceptionMapper(priority = Priorities.USER - 100)
    public Response malformedJson(JsonProcessingException e, UriInfo uri) {
        String detail;
        if (e instanceof InvalidFormatException invalid) {
            detail = "field '" + path(invalid) + "' has a value of the wrong type: " + shortValue(invalid.getValue())
                    + " is not a " + invalid.getTargetType().getSimpleName().toLowerCase();
        } else if (e instanceof MismatchedInputException mismatched && !mismatched.getPath().isEmpty()) {
            detail = "field '" + path(mismatched) + "' has a value of the wrong type"
                    + (mismatched.getTargetType() != null ? "; expected " + mismatched.getTargetType().getSimpleName().toLowerCase() : "");
        } else if (e instanceof MismatchedInputException && String.valueOf(e.getOriginalMessage()).startsWith("Trailing token")) {
            detail = "the body is not valid JSON: there is more after the JSON object";
        } else if (e instanceof MismatchedInputException) {
            detail = "the body must be a JSON object";
        } else {
            detail = "the body is not valid JSON: " + e.getOriginalMessage();
        }
        return Problem.of(400, detail, uri.getPath(), List.of()).toResponse();
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException json) {
            return malformedJson(json, uri);
        }
        String detail = switch (status) {
            case 404 -> e.getMessage() != null && !e.getMessage().startsWith("HTTP 404")
                    ? e.getMessage() : "there is nothing at " + uri.getPath();
            case 405 -> "this method is not allowed on " + uri.getPath();
            case 406 -> "this resource cannot answer in the media type asked for";
            case 415 -> "the body must be application/json";
            default -> e.getMessage() != null && !e.getMessage().startsWith("HTTP ") ? e.getMessage()
                    : Response.Status.fromStatusCode(status) != null ? Response.Status.fromStatusCode(status).getReasonPhrase() : "request failed";
        };
        return Problem.of(status, detail, uri.getPath(), List.of()).toResponse();
    }

    @ServerExceptionMapper
    public Response notSent(EventNotSentException e, UriInfo uri) {
        return refused(e, uri, "the service cannot record events right now, so nothing was done; try again shortly", 5);
    }

    @ServerExceptionMapper
    public Response databaseBusy(RejectedExecutionException e, UriInfo uri) {
        return refused(e, uri, "the service has more work waiting for its database than it takes, so nothing was done; "
                + "try again shortly", 1);
    }

    /**
     * 503 with {@code Retry-After}: the request was refused whole, and may be sent again as it was.
     * For the mappers of the resources that refuse requests of their own.
     */
    public static Response refused(Exception cause, UriInfo uri, String detail, int retryAfterSeconds) {
        LOG.warnf("Refused a request to %s: %s", uri.getPath(), cause.getMessage());
        return Response.fromResponse(Problem.of(503, detail, uri.getPath(), List.of()).toResponse())
                .header("Retry-After", String.valueOf(retryAfterSeconds)).build();
    }

    /** Whether the work was done is not known: it may have been. Never "nothing was done". */
    @ServerExceptionMapper
    public Response outcomeUnknown(OutcomeUnknownException e, UriInfo uri) {
        return outcomeUnknown(e, uri.getPath(), null, null);
    }

    /**
     * 503 for work whose outcome is not known: it may have been done. {@code what} names it ("the
     * order"), and {@code location} where to look whether it was (null: unknown to the caller).
     */
    public static Response outcomeUnknown(OutcomeUnknownException e, String path, String what, String location) {
        LOG.warnf("Answered a request to %s with its outcome unknown: %s", path, e.getMessage());
        String detail = "the database did not confirm whether this request was carried out, and it may have been"
                + (what == null ? "" : " (" + what + (location == null ? "" : " " + location) + ")")
                + "; sending it again with the same Idempotency-Key is safe and answers what was done"
                + (location == null ? " (without a key, look for it before you send it again)"
                : " (without a key, GET " + location + " tells once it is known: 404 means it was not)");
        return Response.fromResponse(Problem.of(503, detail, path, List.of()).withLocation(location).toResponse())
                .header("Retry-After", "5").build();
    }

    /** A listener failed inside the transaction of the request's work ({@code TransactionalOutbox.collect}): nothing was committed. */
    @ServerExceptionMapper
    public Response listenerFailed(ListenerFailedException e, UriInfo uri) {
        if (failures.passes(e.getCause())) {
            return refused(e, uri, "the service's database does not answer right now, so nothing was done; try again shortly", 5);
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "Request to %s failed: a listener of event %s failed (reference %s)", uri.getPath(), e.event().id(), reference);
        return Problem.of(500, "a listener of '" + e.event().name() + "' failed, so nothing was done; the log holds the cause under reference "
                + reference, uri.getPath(), List.of()).toResponse();
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e, UriInfo uri) {
        var unknown = OutcomeUnknownException.in(e);
        if (unknown.isPresent()) {
            return outcomeUnknown(unknown.get(), uri);
        }
        if (failures.passes(e)) {
            return refused(e instanceof Exception exception ? exception : new IllegalStateException(e), uri,
                    "the service's database does not answer right now, so nothing was done; try again shortly", 5);
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "Request to %s failed (reference %s)", uri.getPath(), reference);
        return Problem.of(500, "the request failed on the server; the log holds the cause under reference " + reference,
                uri.getPath(), List.of()).toResponse();
    }

    private static String field(ConstraintViolation<?> violation) {
        // "place.request.amount" -> "amount": the client knows fields, not Java method parameters
        List<Path.Node> nodes = StreamSupport.stream(violation.getPropertyPath().spliterator(), false).toList();
        List<String> names = nodes.stream()
                .filter(n -> n.getKind() == ElementKind.PROPERTY)
                .map(Path.Node::getName)
                .toList();
        if (!names.isEmpty()) {
            return String.join(".", names);
        }
        return nodes.isEmpty() ? "request" : nodes.get(nodes.size() - 1).getKind() == ElementKind.PARAMETER ? "body" : nodes.get(nodes.size() - 1).getName();
    }

    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    private static String shortValue(Object value) {
        String text = String.valueOf(value);
        return "'" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'";
    }
}
