package dev.agentdojo.orders;

import dev.agentdojo.postgres.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code GET /events/stream} takes at most {@code service.events.max-stream-clients} clients at once; one more is refused with 503. */
@QuarkusTest
@TestProfile(StreamClientsLimitTest.TwoClients.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "orders"))
class StreamClientsLimitTest {

    /** Two stream clients at most. */
    public static class TwoClients implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("service.events.max-stream-clients", "2");
        }
    }

    @TestHTTPResource("/events/stream")
    URI stream;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aClientBeyondTheBoundIsRefusedWith503AndTakenOnceAnotherLeaves() throws Exception {
        List<HttpResponse<Stream<String>>> open = new ArrayList<>();
        try {
            open.add(connect());
            open.add(connect());
            HttpResponse<Stream<String>> third = connect();
            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(third.headers().firstValue("Retry-After")).isPresent();
            assertThat(third.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
            third.body().close();

            open.remove(0).body().close();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                HttpResponse<Stream<String>> again = connect();
                if (again.statusCode() == 200) {
                    open.add(again);
                    return true;
                }
                again.body().close();
                return false;
            });
        } finally {
            open.forEach(response -> response.body().close());
        }
    }

    private HttpResponse<Stream<String>> connect() throws Exception {
        return http.sendAsync(HttpRequest.newBuilder(stream).header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines()).get(10, TimeUnit.SECONDS);
    }
}
