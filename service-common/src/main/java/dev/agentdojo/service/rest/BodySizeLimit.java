package dev.agentdojo.service.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;
import java.util.Optional;

/**
 * A request whose {@code Content-Length} is over {@code quarkus.http.limits.max-body-size} is refused
 * with 413 as {@code application/problem+json}, before the body is read, like every other error of
 * the API. (Quarkus itself would answer the same status with an empty body; this route runs just
 * before its check.) The connection is closed, since the unread body would follow.
 */
@ApplicationScoped
public class BodySizeLimit {

    /** Just before Quarkus's own size check (order -2). */
    private static final int ORDER = -3;

    private final Optional<MemorySize> limit;
    private final ObjectMapper json;

    BodySizeLimit(HttpLimitsConfig limits, ObjectMapper json) {
        this.limit = limits.maxBodySize();
        this.json = json;
    }

    void install(@Observes Router router) {
        limit.ifPresent(max -> router.route().order(ORDER).handler(context -> refuseIfTooLarge(context, max.asLongValue())));
    }

    private void refuseIfTooLarge(RoutingContext context, long max) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long declared;
        try {
            declared = length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            declared = -1; // the HTTP layer answers a malformed length itself
        }
        if (declared <= max) {
            context.next();
            return;
        }
        Problem problem = Problem.of(413, "the body is " + declared + " bytes; at most " + max + " are accepted",
                context.request().path(), List.of());
        try {
            context.response().setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(json.writeValueAsString(problem));
        } catch (JsonProcessingException e) {
            context.fail(413, e);
        }
    }
}
