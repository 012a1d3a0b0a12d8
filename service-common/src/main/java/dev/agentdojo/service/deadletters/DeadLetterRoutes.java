package dev.agentdojo.service.deadletters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentdojo.service.rest.Problem;
import dev.agentdojo.service.rest.QueryLimit;
import io.quarkus.vertx.http.ManagementInterface;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.BadRequestException;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The dead letters over HTTP, on the management interface only (never the public API), for the
 * holder of the operator's token ({@link OperatorToken}):
 * <ul>
 *   <li>{@code GET /dead-letters?limit=} — the newest first (limit 1–1000, default 100);</li>
 *   <li>{@code GET /dead-letters/{id}} — one, with who retried or discarded it;</li>
 *   <li>{@code POST /dead-letters/{id}/retry} — body {@code {"operator":"ada"}} (optional): handed to the
 *   listeners again; 200 with its outcome, 202 while it is still being handled;</li>
 *   <li>{@code POST /dead-letters/{id}/discard} — body {@code {"reason":"…","operator":"ada"}}: resolved without handling.</li>
 * </ul>
 * Errors are problem+json: 400 bad input, 401 no token, 403 another token (or none configured),
 * 404 unknown letter, 409 a letter resolved or taken. Any origin may call them from a browser (the
 * page's panel): the token, sent in a header and never in a cookie, is the guard.
 */
@ApplicationScoped
public class DeadLetterRoutes {

    private static final Logger LOG = Logger.getLogger(DeadLetterRoutes.class);
    private static final Pattern OPERATOR = Pattern.compile("[A-Za-z0-9 ._@-]{1,64}");
    private static final Pattern TEXT = Pattern.compile("[^\\p{Cntrl}]{1,500}");

    private final DeadLetterOffice office;
    private final OperatorToken token;
    private final ObjectMapper json;

    DeadLetterRoutes(DeadLetterOffice office, OperatorToken token, ObjectMapper json) {
        this.office = office;
        this.token = token;
        this.json = json;
    }

    void routes(@Observes ManagementInterface management) {
        Router router = management.router();
        router.route("/dead-letters*").order(-10).handler(this::crossOrigin);
        router.route("/dead-letters*").order(-9).handler(BodyHandler.create(false).setBodyLimit(4_096));
        router.route("/dead-letters*").order(-8).handler(this::authorized);
        router.get("/dead-letters").handler(ctx -> answer(ctx, Uni.createFrom().item(() -> QueryLimit.parse(
                Optional.ofNullable(ctx.request().getParam("limit")).orElse("100"))).chain(office::newest), false));
        router.get("/dead-letters/:id").handler(ctx -> answer(ctx, office.find(ctx.pathParam("id")), false));
        router.post("/dead-letters/:id/retry").handler(ctx -> answer(ctx, Uni.createFrom().item(() -> operator(ctx))
                .chain(by -> office.retry(ctx.pathParam("id"), by)), true));
        router.post("/dead-letters/:id/discard").handler(ctx -> answer(ctx, Uni.createFrom().item(() -> operator(ctx))
                .chain(by -> office.discard(ctx.pathParam("id"), by, text(body(ctx), "reason"))), false));
    }

    private void crossOrigin(RoutingContext ctx) {
        ctx.response().putHeader("Access-Control-Allow-Origin", "*")
                .putHeader("Access-Control-Allow-Headers", "Authorization, Content-Type")
                .putHeader("Access-Control-Allow-Methods", "GET, POST");
        if (ctx.request().method().name().equals("OPTIONS")) {
            ctx.response().setStatusCode(204).end();
        } else {
            ctx.next();
        }
    }

    private void authorized(RoutingContext ctx) {
        OperatorToken.Verdict verdict = token.check(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
        if (verdict == OperatorToken.Verdict.ALLOWED) {
            ctx.next();
            return;
        }
        if (verdict == OperatorToken.Verdict.MISSING) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"dead-letters\"");
        }
        problem(ctx, verdict == OperatorToken.Verdict.MISSING ? 401 : 403, verdict.detail());
    }

    /** Answers {@code work}'s result, 200; a retry whose outcome is not known yet 202 (accepted, not done). */
    private void answer(RoutingContext ctx, Uni<?> work, boolean retry) {
        work.subscribe().with(result -> {
            int code = retry && result instanceof StoredDeadLetter letter && "RETRYING".equals(letter.state()) ? 202 : 200;
            send(ctx, code, "application/json", result);
        }, failure -> {
            if (failure instanceof DeadLetterOffice.NotFound) {
                problem(ctx, 404, Problem.echo(failure.getMessage(), 120));
            } else if (failure instanceof DeadLetterOffice.Conflict) {
                problem(ctx, 409, failure.getMessage());
            } else if (failure instanceof BadRequestException) {
                problem(ctx, 400, failure.getMessage());
            } else if (failure instanceof DeadLetterOffice.NotStarted) {
                ctx.response().putHeader("Retry-After", "5");
                problem(ctx, 503, failure.getMessage());
            } else {
                LOG.errorf(failure, "%s %s failed", ctx.request().method(), ctx.request().path());
                problem(ctx, 503, "the dead letters cannot be read or changed now: " + failure.getClass().getSimpleName());
            }
        });
    }

    /** Who acts: the body's {@code operator} (or "operator"), with the address the request came from. */
    private String operator(RoutingContext ctx) {
        JsonNode body = body(ctx);
        String name = body.path("operator").asText("operator");
        if (!OPERATOR.matcher(name).matches()) {
            throw new BadRequestException("'operator' must be 1 to 64 letters, digits, spaces or . _ @ -");
        }
        return name + " (" + ctx.request().remoteAddress().host() + ")";
    }

    private JsonNode body(RoutingContext ctx) {
        String text = ctx.body().asString();
        if (text == null || text.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode node = json.readTree(text);
            if (!node.isObject()) {
                throw new BadRequestException("the body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadRequestException("the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode body, String field) {
        String value = body.path(field).asText("");
        if (!TEXT.matcher(value).matches()) {
            throw new BadRequestException("'" + field + "' is required: 1 to 500 characters, no control characters");
        }
        return value;
    }

    private void problem(RoutingContext ctx, int status, String detail) {
        send(ctx, status, Problem.MEDIA_TYPE, Problem.of(status, detail, ctx.request().path(), List.of()));
    }

    private void send(RoutingContext ctx, int status, String type, Object body) {
        if (ctx.response().ended()) {
            return;
        }
        try {
            ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, type).end(json.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(500).end();
        }
    }
}
