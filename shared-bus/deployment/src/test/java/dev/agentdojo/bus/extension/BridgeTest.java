package dev.agentdojo.bus.extension;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.bridge.EventBridge;
import io.quarkus.test.QuarkusUnitTest;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.memory.InMemoryConnector;
import io.smallrye.reactive.messaging.memory.InMemorySink;
import io.smallrye.reactive.messaging.memory.InMemorySource;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.spi.Connector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The bridge between services (semantic 11), on the in-memory connector. */
class BridgeTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addClasses(BridgeTest.class))
            .withConfigurationResource("application.properties");

    private static final Duration WAIT = Duration.ofSeconds(5);

    @Inject
    EventBus bus;

    @Inject
    EventBridge bridge;

    @Inject
    @Connector("smallrye-in-memory")
    InMemoryConnector connector;

    private InMemorySink<String> sent;
    private InMemorySource<Object> received;

    @BeforeEach
    void connect() {
        sent = connector.sink(EventBridge.OUTGOING);
        received = connector.source(EventBridge.INCOMING);
        sent.clear();
    }

    @AfterEach
    void reset() {
        bus.removeAllListeners();
        bus.clearHistory();
    }

    @Test
    void anEmittedEventCrossesAsAJsonEnvelopeKeyedByItsCorrelation() {
        bus.emit("order:created", "o-1", 12.5).await().atMost(WAIT);

        Message<String> message = sent.received().get(0);
        Event emitted = bus.getHistory().get(0);
        assertThat(message.getPayload())
                .contains("\"id\":\"" + emitted.id() + "\"")
                .contains("\"name\":\"order:created\"")
                .contains("\"args\":[\"o-1\",12.5]")
                .contains("\"source\":\"bus-under-test\"")
                .contains("\"correlationId\":\"" + emitted.correlationId() + "\"");
        assertThat(message.getMetadata(OutgoingKafkaRecordMetadata.class))
                .hasValueSatisfying(m -> assertThat(m.getKey()).isEqualTo(emitted.correlationId()));
    }

    @Test
    void errorEventsDoNotCrossByDefault() {
        bus.on("error", e -> { });
        bus.on("order:created", e -> {
            throw new IllegalStateException("boom");
        });

        bus.emitSync("order:created");

        await().atMost(WAIT).until(() -> sent.received().size() == 1);
        assertThat(sent.received()).extracting(Message::getPayload).allMatch(p -> p.contains("order:created"));
        assertThat(bus.getHistory("error")).hasSize(1);
    }

    @Test
    void argsThatCannotBeJsonAreRefusedAndNothingIsEmitted() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        bus.on("order:created", seen::add);

        assertThatThrownBy(() -> bus.emitSync("order:created", new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event 'order:created' must cross to other services, but its args cannot be written as JSON");

        assertThat(seen).isEmpty();
        assertThat(bus.getHistory()).isEmpty();
        assertThat(sent.received()).isEmpty();
    }

    @Test
    void anEventLargerThanTheMaxRecordSizeIsRefusedAndNothingIsEmitted() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        bus.on("order:created", seen::add);

        assertThatThrownBy(() -> bus.emitSync("order:created", "é".repeat(40_000)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than event-bus.bridge.max-record-size (65536)");
        bus.emitSync("order:created", "é".repeat(20_000)); // 40,000 bytes: below the bound

        assertThat(seen).hasSize(1);
        await().atMost(WAIT).until(() -> sent.received().size() == 1);
    }

    @Test
    void aReceivedEventIsDeliveredAndWhatItsListenersEmitNamesItAsCause() {
        bus.on("payment:process", e -> bus.emitSync("order:confirmed", e.arg(0)));

        received.send(envelope("e-1", "payment:process", "order-service", "corr-1", "[\"o-1\"]"));

        await().atMost(WAIT).until(() -> bus.getHistory("order:confirmed").size() == 1);
        Event remote = bus.getHistory("payment:process").get(0);
        Event confirmed = bus.getHistory("order:confirmed").get(0);
        assertThat(remote.source()).isEqualTo("order-service");
        assertThat(confirmed.causationId()).isEqualTo("e-1");
        assertThat(confirmed.correlationId()).isEqualTo("corr-1");
        assertThat(confirmed.source()).isEqualTo("bus-under-test");
    }

    @Test
    void aDuplicateIsDeliveredAtMostOnce() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        bus.on("payment:process", seen::add);
        String message = envelope("dup-1", "payment:process", "order-service", "corr-2", "[]");

        received.send(message);
        received.send(message);
        received.send(envelope("after-dup", "payment:process", "order-service", "corr-2", "[]"));

        await().atMost(WAIT).until(() -> seen.size() == 2);
        assertThat(seen).extracting(Event::id).containsExactly("dup-1", "after-dup");
    }

    @Test
    void ownEventsComingBackAreSkipped() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        bus.on("*", seen::add);

        received.send(envelope("own-1", "order:created", "bus-under-test", "corr-3", "[]"));
        received.send(envelope("other-1", "order:created", "payment-service", "corr-3", "[]"));

        await().atMost(WAIT).until(() -> seen.size() == 1);
        assertThat(seen).extracting(Event::id).containsExactly("other-1");
    }

    @Test
    void aRecordOnAnotherServicesTopicWhoseSourceHeaderNamesThisServiceIsDeadLettered_notSkippedAsOurOwn() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        bus.on("*", seen::add);
        Settled forged = new Settled();
        // agent-dojo.payments carries its owner's outcomes only: an order:created there, claiming to come from here
        org.apache.kafka.clients.consumer.ConsumerRecord<String, String> record = new org.apache.kafka.clients.consumer.ConsumerRecord<>(
                "agent-dojo.payments", 0, 41L, "corr-12", envelope("forged-1", "order:created", "bus-under-test", "corr-12", "[]"));
        record.headers().add(EventBridge.SOURCE_HEADER, "bus-under-test".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Settled next = new Settled();

        received.send(forged.of(record.value()).addMetadata(
                new io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata<>(record, EventBridge.INCOMING)));
        received.send(next.of(envelope("after-forged", "payment:process", "order-service", "corr-13", "[]")));

        await().atMost(WAIT).until(() -> forged.nacked.get() && next.acked.get());
        assertThat(forged.acked.get()).as("not acknowledged as one of ours").isFalse();
        assertThat(seen).extracting(Event::id).containsExactly("after-forged");
    }

    @Test
    void aListenerThatFailsForAPassingReasonGetsTheEventAgainAndTheRecordIsAcknowledgedOnlyAfterItSucceeds() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        bus.on("payment:process", e -> {
            seen.add(e);
            if (seen.size() < 3) {
                throw new java.sql.SQLTransientConnectionException("the database is away", "08006");
            }
        });
        Settled record = new Settled();

        received.send(record.of(envelope("retry-1", "payment:process", "order-service", "corr-6", "[]")));

        await().atMost(WAIT).until(() -> record.acked.get());
        assertThat(seen).extracting(Event::id).containsExactly("retry-1", "retry-1", "retry-1");
        assertThat(record.nacked.get()).isFalse();
        assertThat(bus.getHistory("payment:process")).as("recorded once, however often tried").hasSize(1);
    }

    @Test
    void aCopyThatArrivesWhileTheFirstIsRetriedIsAcknowledgedOnlyOnceTheFirstIsHandled_andRunsNoListener() {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean databaseBack = new java.util.concurrent.atomic.AtomicBoolean();
        bus.on("payment:process", e -> {
            calls.incrementAndGet();
            if (!databaseBack.get()) {
                throw new java.sql.SQLTransientConnectionException("the database is away", "08006");
            }
        });
        Settled first = new Settled();
        Settled copy = new Settled();
        String message = envelope("copy-1", "payment:process", "order-service", "corr-9", "[]");

        received.send(first.of(message));
        await().atMost(WAIT).until(() -> calls.get() >= 2); // being retried
        received.send(copy.of(message)); // as after a rebalance: the same record again
        await().during(Duration.ofMillis(300)).atMost(WAIT).until(() -> !copy.acked.get() && !first.acked.get());

        int callsBeforeBack = calls.get();
        databaseBack.set(true);

        await().atMost(WAIT).until(() -> first.acked.get() && copy.acked.get());
        assertThat(calls.get()).as("the copy ran no listener: only the first's retries did").isBetween(callsBeforeBack + 1, callsBeforeBack + 2);
        assertThat(copy.nacked.get()).isFalse();
        Settled late = new Settled();
        received.send(late.of(message));
        await().atMost(WAIT).until(() -> late.acked.get());
        assertThat(calls.get()).as("a copy after it was handled is skipped").isBetween(callsBeforeBack + 1, callsBeforeBack + 2);
    }

    @Test
    void aDeadLetterThatCannotBeWrittenIsTriedAgain_andTheConsumerGoesOn() {
        bus.on("payment:process", e -> {
            if (e.id().equals("poison-2")) {
                throw new IllegalArgumentException("never chargeable");
            }
        });
        java.util.concurrent.atomic.AtomicInteger nacks = new java.util.concurrent.atomic.AtomicInteger();
        Message<String> poison = Message.of(envelope("poison-2", "payment:process", "order-service", "corr-10", "[]"))
                .withNack(failure -> nacks.incrementAndGet() == 1
                        ? java.util.concurrent.CompletableFuture.failedFuture(new IllegalStateException("the dead-letter topic cannot be written"))
                        : java.util.concurrent.CompletableFuture.completedFuture(null));
        Settled next = new Settled();

        received.send(poison);
        received.send(next.of(envelope("next-2", "payment:process", "order-service", "corr-11", "[]")));

        await().atMost(WAIT).until(() -> nacks.get() == 2 && next.acked.get());
        assertThat(bridge.isReceiving()).as("the consumer's stream did not end").isTrue();
    }

    @Test
    void aListenerThatFailsForGoodHasItsRecordDeadLetteredAndTheNextEventsStillArrive() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        bus.on("payment:process", e -> {
            seen.add(e);
            if (e.id().equals("poison-1")) {
                throw new IllegalArgumentException("never chargeable");
            }
        });
        Settled poison = new Settled();
        Settled next = new Settled();

        received.send(poison.of(envelope("poison-1", "payment:process", "order-service", "corr-7", "[]")));
        received.send(next.of(envelope("next-1", "payment:process", "order-service", "corr-8", "[]")));

        await().atMost(WAIT).until(() -> poison.nacked.get() && next.acked.get());
        assertThat(poison.acked.get()).isFalse();
        assertThat(seen).extracting(Event::id).containsExactlyInAnyOrder("poison-1", "next-1");
    }

    @Test
    void aRecordThatIsNotAnEventIsDeadLettered() {
        Settled garbage = new Settled();

        received.send(garbage.of("this is not json"));

        await().atMost(WAIT).until(() -> garbage.nacked.get());
        assertThat(garbage.acked.get()).isFalse();
    }

    /** How a record sent to the bridge was settled: acknowledged (handled) or not (dead-lettered). */
    static final class Settled {
        final java.util.concurrent.atomic.AtomicBoolean acked = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.concurrent.atomic.AtomicBoolean nacked = new java.util.concurrent.atomic.AtomicBoolean();

        Message<String> of(String payload) {
            return Message.of(payload)
                    .withAck(() -> {
                        acked.set(true);
                        return java.util.concurrent.CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        nacked.set(true);
                        return java.util.concurrent.CompletableFuture.completedFuture(null);
                    });
        }
    }

    @Test
    void garbageAndMalformedEnvelopesAreSkippedAndLaterEventsStillArrive() {
        List<Event> seen = new CopyOnWriteArrayList<>();
        bus.on("*", seen::add);

        received.send("this is not json");
        received.send("{\"id\":\"x\"}");
        received.send(envelope("bad-name", "order created", "payment-service", "corr-4", "[]"));
        received.send("{\"id\":\"u-1\",\"name\":\"order:confirmed\",\"args\":[],\"timestamp\":\"2026-01-01T00:00:00Z\","
                + "\"source\":\"payment-service\",\"correlationId\":\"corr-4\",\"unknownField\":{\"a\":1}}");

        await().atMost(WAIT).until(() -> seen.size() == 1);
        assertThat(seen).extracting(Event::id).containsExactly("u-1");
    }

    private static String envelope(String id, String name, String source, String correlation, String args) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"args\":" + args
                + ",\"timestamp\":\"2026-01-01T00:00:00Z\",\"source\":\"" + source + "\",\"correlationId\":\""
                + correlation + "\",\"causationId\":null}";
    }
}
