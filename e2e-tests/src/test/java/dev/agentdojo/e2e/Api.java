package dev.agentdojo.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The services' HTTP API as a client uses it. */
final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String orders;
    private final String payments;

    Api(Environment env) {
        this(env.orders, env.payments);
    }

    /** The API of these two instances. */
    Api(ServiceProcess orders, ServiceProcess payments) {
        this.orders = orders.baseUrl();
        this.payments = payments.baseUrl();
    }

    /** {@code /q/health/ready} of a service: how many partitions of the topic its consumer has (-1 if not said). */
    int partitions(ServiceProcess service) {
        Reply ready = get(service.managementUrl() + "/q/health/ready");
        if (ready.body() == null) {
            return -1;
        }
        for (JsonNode check : ready.body().path("checks")) {
            if (check.path("data").has("partitions")) {
                return check.path("data").path("partitions").asInt();
            }
        }
        return -1;
    }

    /** {@code /q/health/ready} of a service: why its outbox relay cannot do its job, or null when it can (or says nothing). */
    String relayProblem(ServiceProcess service) {
        Reply ready = get(service.managementUrl() + "/q/health/ready");
        if (ready.body() == null) {
            return null;
        }
        for (JsonNode check : ready.body().path("checks")) {
            if (check.path("name").asText().equals("outbox relay") && check.path("data").has("problem")) {
                return check.path("data").path("problem").asText();
            }
        }
        return null;
    }

    /** {@code /q/health/ready} of a service: whether its outbox relay runs there (false while it stands by, or is down). */
    boolean relaying(ServiceProcess service) {
        Reply ready = get(service.managementUrl() + "/q/health/ready");
        if (ready.body() == null) {
            return false;
        }
        for (JsonNode check : ready.body().path("checks")) {
            if (check.path("data").has("relaying")) {
                return check.path("data").path("relaying").asBoolean();
            }
        }
        return false;
    }

    /** Posts an order; completes with the response (status and JSON body). */
    CompletableFuture<Reply> placeOrder(String customer, BigDecimal amount) {
        String body = "{\"customer\":\"" + customer + "\",\"amount\":" + amount.toPlainString() + "}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(orders + "/orders"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(Reply::of);
    }

    /** {@code /q/metrics} of a service instance, as Prometheus text. */
    String metrics(ServiceProcess service) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(service.managementUrl() + "/q/metrics")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    Reply getOrder(String id) {
        return get(orders + "/orders/" + id);
    }

    Reply chain(String id) {
        return get(orders + "/orders/" + id + "/events");
    }

    Reply payment(String orderId) {
        return get(payments + "/payments/" + orderId);
    }

    /** {@code GET /events?limit=} of the order-service instance: the latest events on the event log. */
    Reply events(int limit) {
        return get(orders + "/events?limit=" + limit);
    }

    /** {@code GET /dead-letters?limit=} on a service's management port, with {@code token} (null: none). */
    Reply deadLetters(ServiceProcess service, String token, String limit) {
        return send(operator(service.managementUrl() + "/dead-letters?limit=" + limit, token).GET());
    }

    /** {@code POST /dead-letters/{id}/retry} as operator "e2e", with {@code token} (null: none). */
    Reply retry(ServiceProcess service, String id, String token) {
        return send(operator(service.managementUrl() + "/dead-letters/" + id + "/retry", token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"operator\":\"e2e\"}")));
    }

    /** {@code POST /dead-letters/{id}/discard} as operator "e2e", for {@code reason}. */
    Reply discard(ServiceProcess service, String id, String token, String reason) {
        return send(operator(service.managementUrl() + "/dead-letters/" + id + "/discard", token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"operator\":\"e2e\",\"reason\":\"" + reason + "\"}")));
    }

    /** {@code GET /dead-letters/{id}}: one letter, with who retried or discarded it. */
    Reply deadLetter(ServiceProcess service, String id, String token) {
        return send(operator(service.managementUrl() + "/dead-letters/" + id, token).GET());
    }

    /** The status of a GET on any URL, as anyone. */
    int status(String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest.Builder operator(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    private Reply get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)));
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            return Reply.of(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer: its status, its JSON body (null if none) and its {@code Retry-After} header (null if none). */
    record Reply(int status, JsonNode body, String retryAfter) {
        static Reply of(HttpResponse<String> response) {
            try {
                String text = response.body();
                return new Reply(response.statusCode(), text == null || text.isEmpty() ? null : JSON.readTree(text),
                        response.headers().firstValue("Retry-After").orElse(null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String text(String field) {
            return body.path(field).asText(null);
        }
    }
}
