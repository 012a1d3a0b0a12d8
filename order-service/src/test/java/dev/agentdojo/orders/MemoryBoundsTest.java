package dev.agentdojo.orders;

import dev.agentdojo.postgres.PostgresTestResource;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.Bridge;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A million events received by one service leave its heap where a hundred thousand left it:
 * history, the duplicate-id window and everything else on the path are bounded; and a stream client
 * that stops reading is disconnected rather than buffered for.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "orders"))
@TestProfile(MemoryBoundsTest.QuietLogs.class)
class MemoryBoundsTest {

    /** The audit log would write two million lines; what is measured here is memory. */
    public static class QuietLogs implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"dev.agentdojo\".level", "WARN");
        }
    }

    @Inject
    @Connector("smallrye-in-memory")
    InMemoryConnector connector;

    @Inject
    EventBus bus;

    @TestHTTPResource("/")
    URL base;

    @Test
    void heapAfterAMillionReceivedEventsStaysWithinTenPercentOfItsLevelAfterTheFirstHundredThousand() {
        InMemorySource<String> received = connector.source(Bridge.INCOMING);
        LongAdder delivered = new LongAdder();
        bus.on("load:*", e -> delivered.increment());

        receive(received, 0, 100_000, delivered);
        long afterFirst = heapAfterGc();
        receive(received, 100_000, 1_000_000, delivered);
        long afterAll = heapAfterGc();

        System.out.printf("heap after GC: %d MB after 100,000 events, %d MB after 1,000,000%n", afterFirst >> 20, afterAll >> 20);
        assertThat(afterAll).isLessThanOrEqualTo(Math.round(afterFirst * 1.10));
        assertThat(bus.getHistory()).hasSize(100);
    }

    @Test
    void aStreamClientThatStopsReadingIsDisconnectedInsteadOfGrowingTheHeap() throws Exception {
        InMemorySource<String> received = connector.source(Bridge.INCOMING);
        LongAdder delivered = new LongAdder();
        bus.on("stall:*", e -> delivered.increment());
        int wildcardListenersBefore = bus.listenerCount(EventBus.ALL);
        long heapBefore = heapAfterGc();

        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4_096);
            stalled.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            stalled.getOutputStream().write(("GET /events/stream HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            await().atMost(Duration.ofSeconds(5)).until(() -> bus.listenerCount(EventBus.ALL) == wildcardListenersBefore + 1);

            // ~100 MB of server-sent events for a client that reads none of them
            for (int i = 0; i < 300_000; i++) {
                received.send("{\"id\":\"stall-" + i + "\",\"name\":\"stall:tick\",\"args\":[\"" + "x".repeat(200)
                        + "\"],\"timestamp\":\"2026-01-01T00:00:00Z\",\"source\":\"payment-service\",\"correlationId\":\"s-" + i
                        + "\",\"causationId\":null}");
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> delivered.sum() == 300_000);

            await("the stalled client's subscription is dropped").atMost(Duration.ofSeconds(10))
                    .until(() -> bus.listenerCount(EventBus.ALL) == wildcardListenersBefore);
            long heapAfter = heapAfterGc();
            System.out.printf("heap after GC: %d MB before, %d MB after 300,000 events to a stalled stream client%n",
                    heapBefore >> 20, heapAfter >> 20);
            assertThat(heapAfter - heapBefore).isLessThan(20L << 20);
        }
    }

    @Test
    void fiveHundredStreamClientsAreServedTheNextIsRefusedAndTheirPlacesComeBackWhenTheyLeave() throws Exception {
        int wildcardListenersBefore = bus.listenerCount(EventBus.ALL);
        java.util.List<Socket> clients = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 500; i++) { // service.events.max-stream-clients
                Socket client = new Socket();
                clients.add(client);
                client.connect(new InetSocketAddress(base.getHost(), base.getPort()));
                client.getOutputStream().write(("GET /events/stream HTTP/1.1\r\nHost: localhost\r\n"
                        + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> bus.listenerCount(EventBus.ALL) == wildcardListenersBefore + 500);
            io.restassured.RestAssured.given().when().get("/events/stream").then().statusCode(503)
                    .header("Retry-After", org.hamcrest.Matchers.notNullValue());
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
        await("every client's place is free again").atMost(Duration.ofSeconds(30))
                .until(() -> bus.listenerCount(EventBus.ALL) == wildcardListenersBefore);
        try (Socket again = new Socket()) {
            again.connect(new InetSocketAddress(base.getHost(), base.getPort()));
            again.getOutputStream().write(("GET /events/stream HTTP/1.1\r\nHost: localhost\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = new String(again.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(status).isEqualTo("HTTP/1.1 200");
        }
    }

    private static void receive(InMemorySource<String> source, int from, int to, LongAdder delivered) {
        for (int i = from; i < to; i++) {
            source.send("{\"id\":\"mem-" + i + "\",\"name\":\"load:tick\",\"args\":[\"order-" + i + "\"," + i
                    + "],\"timestamp\":\"2026-01-01T00:00:00Z\",\"source\":\"payment-service\",\"correlationId\":\"c-" + i
                    + "\",\"causationId\":null}");
        }
        await().atMost(Duration.ofMinutes(3)).until(() -> delivered.sum() == to);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
