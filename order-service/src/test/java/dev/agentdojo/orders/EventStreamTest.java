package dev.agentdojo.orders;

import dev.agentdojo.postgres.PostgresTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code GET /events/stream}: events as server-sent events, as they happen. */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "orders"))
class EventStreamTest {

    @TestHTTPResource("/events/stream")
    URI stream;

    @jakarta.inject.Inject
    dev.agentdojo.service.events.EventsResource resource;

    @jakarta.inject.Inject
    dev.agentdojo.bus.EventBus bus;

    /**
     * A client that takes nothing is let go once it lags service.events.stream-buffer-bytes (64 KiB)
     * behind: after about 30 events of 2 KB, long before the 1,024 events its buffer holds. One that
     * reads keeps everything.
     */
    @Test
    void aStreamClientThatLagsMoreBytesThanItsBufferIsLetGoAndOneThatReadsKeepsEverything() {
        var stalled = resource.stream("0").subscribe().withSubscriber(io.smallrye.mutiny.helpers.test.AssertSubscriber.create(0));
        var reading = resource.stream("0").subscribe().withSubscriber(io.smallrye.mutiny.helpers.test.AssertSubscriber.create(Long.MAX_VALUE));
        for (int i = 0; i < 40; i++) {
            bus.emit("lag:tick", "x".repeat(2_000), i);
        }
        stalled.awaitCompletion(Duration.ofSeconds(5));
        assertThat(stalled.getItems()).isEmpty();
        assertThat(reading.getItems().stream().filter(view -> view.name().equals("lag:tick"))).hasSize(40);
        assertThat(reading.isCancelled() || reading.getFailure() != null).isFalse();
        reading.cancel();
    }

    @Test
    void aStreamClientSeesAnOrdersEventsAsTheyHappen() {
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<HttpResponse<Stream<String>>> connection = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(stream).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines());
        connection.thenAccept(response -> {
            assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            response.body().forEach(lines::add);
        });
        try {
            await().atMost(Duration.ofSeconds(5)).until(connection::isDone);
            String id = given().contentType(ContentType.JSON).body("{\"customer\":\"ada\",\"amount\":3}")
                    .when().post("/orders").then().statusCode(202).extract().path("id");

            await().atMost(Duration.ofSeconds(5)).until(() -> lines.stream()
                    .filter(l -> l.startsWith("data:") && l.contains(id)).count() == 2);
            assertThat(lines.stream().filter(l -> l.contains(id)))
                    .anySatisfy(l -> assertThat(l).contains("\"name\":\"order:created\""))
                    .anySatisfy(l -> assertThat(l).contains("\"name\":\"payment:process\""));
        } finally {
            connection.thenAccept(response -> response.body().close());
            connection.cancel(true);
        }
    }
}
