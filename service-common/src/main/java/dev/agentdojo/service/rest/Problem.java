package dev.agentdojo.service.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.quarkus.runtime.annotations.RegisterForReflection;
import jakarta.ws.rs.core.Response;

import java.util.List;

/**
 * An error body as RFC 9457 describes it ({@code application/problem+json}): what went wrong, for
 * a person, never a stack trace.
 *
 * @param title      the status's short name ("Bad Request")
 * @param status     the HTTP status
 * @param detail     what was wrong with this request, readably
 * @param instance   the request path
 * @param violations for invalid fields: which field, and what is wrong with it
 * @param location   where to look whether the request was carried out, when that is not known
 *                   (an extension member): e.g. the order it would have placed
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@RegisterForReflection(targets = {Problem.class, Problem.Violation.class}) // sent as a Response entity, unseen at build time
public record Problem(String type, String title, int status, String detail, String instance, List<Violation> violations,
                      String location) {

    public static final String MEDIA_TYPE = "application/problem+json";

    /** One invalid field. */
    public record Violation(String field, String message) {
    }

    public static Problem of(int status, String detail, String path, List<Violation> violations) {
        Response.Status.Family family = Response.Status.Family.familyOf(status);
        Response.StatusType known = Response.Status.fromStatusCode(status);
        String title = known != null ? known.getReasonPhrase() : family.name();
        return new Problem("about:blank", title, status, detail, path, violations, null);
    }

    /** This problem, naming where to look whether the request was carried out. */
    public Problem withLocation(String location) {
        return new Problem(type, title, status, detail, instance, violations, location);
    }

    /**
     * A value the client sent, fit to quote in a {@code detail}: at most {@code max} characters
     * (then "…"), control characters shown as "?", so that an answer never carries them back.
     */
    public static String echo(String value, int max) {
        String shown = value.length() > max ? value.substring(0, max) + "…" : value;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    public Response toResponse() {
        return Response.status(status).type(MEDIA_TYPE).entity(this).build();
    }
}
