package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.EventBus;
import dev.agentdojo.bus.EventBusOptions;
import dev.agentdojo.bus.core.LocalEventBus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.core.Vertx;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How the bridge settles what it receives, record by record: the receiver alone, on a real bus,
 * with records as a Kafka consumer hands them over (their topic, partition, offset and headers),
 * acknowledged and nacked as the connector's would be, and the meters in a simple registry.
 */
class BridgeReceiverTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** order-service, reading payment-service's topic, as it does. */
    private static final String SELF = "order-service";
    private static final String PAYMENTS = "agent-dojo.payments";
    private static final Map<String, List<String>> OWNERS = Map.of(
            "agent-dojo.orders", List.of("order:created", "payment:process"),
            PAYMENTS, List.of("order:confirmed", "payment:failed"));

    private final Vertx vertx = Vertx.vertx();
    private final LocalEventBus bus = new LocalEventBus(vertx, false, EventBusOptions.defaults().withSource(SELF));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Event> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() throws Exception {
        bus.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private BridgeReceiver receiver(Duration stalledAfter) {
        return receiver(stalledAfter, DeadLetterStore.NONE);
    }

    private BridgeReceiver receiver(Duration stalledAfter, DeadLetterStore store) {
        bus.on(EventBus.ALL, seen::add);
        return new BridgeReceiver(bus, new Settings(stalledAfter), new BridgeMetrics(registry), new EventTraces(OpenTelemetry.noop()),
                new Failures(List.of()), () -> false, store);
    }

    @Test
    void aRecordWhoseSourceHeaderNamesThisServiceOnAnotherServicesTopicIsDeadLetteredAndCounted_notAcknowledgedAsOurOwn() {
        BridgeReceiver receiver = receiver(Duration.ofMinutes(2));
        // payment-service's topic carries its outcomes only: an order:created there, claiming (header and envelope) to be ours
        Record forged = new Record(PAYMENTS, 0, 17, SELF, envelope("forged-1", "order:created", SELF));

        receiver.receive(forged.message()).await().atMost(WAIT);

        assertThat(forged.acks).as("not skipped as our own").hasValue(0);
        assertThat(forged.nacks).hasValue(1);
        assertThat(forged.nackedWith.get(0)).hasMessageContaining("its owner does not send 'order:created'");
        assertThat(registry.counter("agentdojo.bridge.dead.lettered", "reason", "not-owners").count()).isEqualTo(1.0);
        assertThat(seen).isEmpty();
    }

    @Test
    void ourOwnRecordOnOurOwnTopicIsStillAcknowledgedUntouched() {
        BridgeReceiver receiver = receiver(Duration.ofMinutes(2));
        Record own = new Record("agent-dojo.orders", 0, 3, SELF, envelope("own-1", "order:created", SELF));

        receiver.receive(own.message()).await().atMost(WAIT);

        assertThat(own.acks).hasValue(1);
        assertThat(own.nacks).hasValue(0);
        assertThat(seen).as("its listeners ran where it was emitted").isEmpty();
        assertThat(registry.find("agentdojo.bridge.dead.lettered").counters()).isEmpty();
    }

    @Test
    void aRecordWhoseHandlingKeepsFailingForAPassingReasonIsReportedPastTheBound_withItsTopicPartitionAndOffset_andTheGaugeGrows() {
        BridgeReceiver receiver = receiver(Duration.ofMillis(300));
        AtomicBoolean databaseBack = new AtomicBoolean();
        bus.on("order:confirmed", e -> {
            if (!databaseBack.get()) {
                throw new SQLTransientConnectionException("the database is away", "08006");
            }
        });
        Record waiting = new Record(PAYMENTS, 3, 42, "payment-service", envelope("stuck-1", "order:confirmed", "payment-service"));

        CompletableFuture<Void> settled = receiver.receive(waiting.message()).subscribeAsCompletionStage();

        assertThat(receiver.stalled()).as("within the bound").isNull();
        await().atMost(WAIT).until(() -> receiver.stalled() != null);
        assertThat(receiver.stalled()).contains("record agent-dojo.payments-3@42", "event stuck-1 ('order:confirmed')",
                "event-bus.bridge.stalled-after (0.3s)",
                "retried because java.sql.SQLTransientConnectionException: the database is away");
        double first = oldestUnacknowledgedSeconds();
        assertThat(first).isGreaterThanOrEqualTo(0.3);
        await().atMost(WAIT).until(() -> oldestUnacknowledgedSeconds() > first + 0.2);
        assertThat(waiting.acks).hasValue(0);

        databaseBack.set(true);

        await().atMost(WAIT).until(settled::isDone);
        assertThat(waiting.acks).hasValue(1);
        assertThat(receiver.stalled()).as("settled: nothing holds the consumer back").isNull();
        assertThat(oldestUnacknowledgedSeconds()).isZero();
        assertThat(receiver.unsettled().size()).as("only records in flight are kept").isZero();
    }

    @Test
    void aDeadLetterWriteThatIsRefusedIsAStateOfItsOwn_reportedAtOnce_andLoggedAtErrorOncePerCauseNotPerTry() {
        BridgeReceiver receiver = receiver(Duration.ofHours(1)); // far away: a refused dead letter does not wait for it
        bus.on("order:confirmed", e -> {
            throw new IllegalArgumentException("never applicable");
        });
        AtomicBoolean aclFixed = new AtomicBoolean();
        Record poison = new Record(PAYMENTS, 1, 7, "payment-service", envelope("poison-1", "order:confirmed", "payment-service"));
        poison.refuseNacksUnless(aclFixed);
        List<LogRecord> errors = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(EventBridge.class.getName());
        logger.addHandler(capture);
        try {
            CompletableFuture<Void> settled = receiver.receive(poison.message()).subscribeAsCompletionStage();

            await().atMost(WAIT).until(() -> receiver.stalled() != null);
            assertThat(receiver.stalled()).startsWith("the dead-letter topic refuses records: record agent-dojo.payments-1@7")
                    .contains("event poison-1 ('order:confirmed')", "TopicAuthorizationException: Not authorized to access topics: "
                            + "[agent-dojo.events.dlq]");
            await().atMost(WAIT).until(() -> poison.nacks.get() >= 2); // tried again after 1 s
            assertThat(receiver.stalled()).startsWith("the dead-letter topic refuses records");
            assertThat(oldestUnacknowledgedSeconds()).isGreaterThan(0);
            assertThat(errors).as("one ERROR line for the cause, not one per try").hasSize(1);
            assertThat(errors.get(0).getMessage()).contains("The dead-letter topic refuses records");
            assertThat(poison.acks).hasValue(0);

            aclFixed.set(true);

            await().atMost(WAIT).until(settled::isDone);
            assertThat(receiver.stalled()).isNull();
            assertThat(receiver.unsettled().size()).isZero();
            assertThat(errors).hasSize(1);
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void aDeadLetterIsKeptInTheStoreWithItsWholeRecord_beforeItGoesToTheDeadLetterTopic() {
        List<DeadLetter> kept = new CopyOnWriteArrayList<>();
        BridgeReceiver receiver = receiver(Duration.ofMinutes(2), letter -> {
            kept.add(letter);
            return CompletableFuture.completedFuture(null);
        });
        bus.on("order:confirmed", e -> {
            throw new IllegalStateException("a bug");
        });
        String value = envelope("bug-1", "order:confirmed", "payment-service");
        Record poison = new Record(PAYMENTS, 2, 11, "payment-service", value);

        receiver.receive(poison.message()).await().atMost(WAIT);

        assertThat(kept).singleElement().satisfies(letter -> {
            assertThat(letter.reason()).isEqualTo("failed");
            assertThat(letter.failure()).isInstanceOf(IllegalStateException.class).hasMessage("a bug");
            assertThat(List.of(letter.topic(), letter.partition(), letter.offset())).containsExactly(PAYMENTS, 2, 11L);
            assertThat(letter.envelope()).isEqualTo(value);
            assertThat(letter.event().id()).isEqualTo("bug-1");
        });
        assertThat(poison.nacks).hasValue(1);
    }

    @Test
    void aStoreThatCannotKeepALetterHoldsItsRecordBack_untilItCan() {
        AtomicBoolean databaseBack = new AtomicBoolean();
        BridgeReceiver receiver = receiver(Duration.ofHours(1), letter -> databaseBack.get()
                ? CompletableFuture.completedFuture(null)
                : CompletableFuture.failedFuture(new IllegalStateException("the database is away")));
        Record poison = new Record(PAYMENTS, 0, 5, "payment-service", "not an envelope");

        CompletableFuture<Void> settled = receiver.receive(poison.message()).subscribeAsCompletionStage();

        await().atMost(WAIT).until(() -> receiver.stalled() != null);
        assertThat(receiver.stalled()).contains("record agent-dojo.payments-0@5", "the database is away");
        assertThat(poison.nacks).as("not on the dead-letter topic before it is kept").hasValue(0);
        databaseBack.set(true);
        await().atMost(WAIT).until(settled::isDone);
        assertThat(poison.nacks).hasValue(1);
    }

    @Test
    void aDeadLetterHandedAgainGoesThroughTheSameHandling_refusedAgainWhileTheCauseLasts_handledOnceItIsFixed() {
        List<DeadLetter> kept = new CopyOnWriteArrayList<>();
        BridgeReceiver receiver = receiver(Duration.ofMinutes(2), letter -> {
            kept.add(letter);
            return CompletableFuture.completedFuture(null);
        });
        AtomicBoolean fixed = new AtomicBoolean();
        AtomicInteger handled = new AtomicInteger();
        bus.on("order:confirmed", e -> {
            if (!fixed.get()) {
                throw new IllegalStateException("still the bug");
            }
            handled.incrementAndGet();
        });
        String value = envelope("again-1", "order:confirmed", "payment-service");

        HandledAgain refused = receiver.handleAgain(PAYMENTS, value, "letter-1").await().atMost(WAIT);
        assertThat(refused.outcome()).isEqualTo(HandledAgain.Outcome.DEAD_LETTERED);
        assertThat(refused.reason()).isEqualTo("failed");
        assertThat(refused.failure()).hasMessage("still the bug");
        assertThat(kept).as("a letter refused again is not kept (or written to the topic) a second time").isEmpty();

        fixed.set(true);
        HandledAgain done = receiver.handleAgain(PAYMENTS, value, "letter-1").await().atMost(WAIT);
        assertThat(done.outcome()).isEqualTo(HandledAgain.Outcome.HANDLED);
        assertThat(handled).hasValue(1);

        HandledAgain again = receiver.handleAgain(PAYMENTS, value, "letter-1").await().atMost(WAIT);
        assertThat(again.outcome()).as("handled here already").isEqualTo(HandledAgain.Outcome.SKIPPED);
        assertThat(again.reason()).isEqualTo("duplicate");
        assertThat(handled).hasValue(1);
        assertThat(receiver.unsettled().size()).isZero();
    }

    @Test
    void aDeadLetterHandedAgainIsCheckedAgainstItsTopicsOwner() {
        BridgeReceiver receiver = receiver(Duration.ofMinutes(2));

        HandledAgain forged = receiver.handleAgain(PAYMENTS, envelope("forged-2", "order:created", "payment-service"), "letter-2")
                .await().atMost(WAIT);

        assertThat(forged.outcome()).isEqualTo(HandledAgain.Outcome.DEAD_LETTERED);
        assertThat(forged.reason()).isEqualTo("not-owners");
        assertThat(seen).isEmpty();
    }

    private double oldestUnacknowledgedSeconds() {
        return registry.get("agentdojo.bridge.oldest.unacknowledged.seconds").gauge().value();
    }

    private static String envelope(String id, String name, String source) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"args\":[],\"timestamp\":\"2026-01-01T00:00:00Z\",\"source\":\""
                + source + "\",\"correlationId\":\"corr-" + id + "\",\"causationId\":null}";
    }

    /** A record as the Kafka connector hands it over, and how it was settled. */
    private static final class Record {
        final AtomicInteger acks = new AtomicInteger();
        final AtomicInteger nacks = new AtomicInteger();
        final List<Throwable> nackedWith = new CopyOnWriteArrayList<>();
        private final ConsumerRecord<String, String> record;
        private AtomicBoolean nacksTaken;

        Record(String topic, int partition, long offset, String sourceHeader, String payload) {
            record = new ConsumerRecord<>(topic, partition, offset, "key", payload);
            record.headers().add(EventBridge.SOURCE_HEADER, sourceHeader.getBytes(StandardCharsets.UTF_8));
        }

        /** The dead-letter topic refuses (an ACL) until {@code fixed}. */
        void refuseNacksUnless(AtomicBoolean fixed) {
            nacksTaken = fixed;
        }

        Message<String> message() {
            return Message.of(record.value(), Metadata.of(new IncomingKafkaRecordMetadata<>(record, "agent-dojo-in")))
                    .withAck(() -> {
                        acks.incrementAndGet();
                        return CompletableFuture.completedFuture(null);
                    })
                    .withNack(failure -> {
                        nacks.incrementAndGet();
                        nackedWith.add(failure);
                        return nacksTaken == null || nacksTaken.get() ? CompletableFuture.completedFuture(null)
                                : CompletableFuture.failedFuture(new TopicAuthorizationException(
                                        "Not authorized to access topics: [agent-dojo.events.dlq]"));
                    });
        }
    }

    /** The bridge's settings as in a service, but for the bound and the retries' waits. */
    private record Settings(Duration stalledAfter) implements BridgeConfig {
        @Override
        public boolean enabled() {
            return true;
        }

        @Override
        public List<String> include() {
            return List.of("*");
        }

        @Override
        public List<String> exclude() {
            return List.of("error");
        }

        @Override
        public Map<String, List<String>> topicEvents() {
            return OWNERS;
        }

        @Override
        public int dedupeWindow() {
            return 100;
        }

        @Override
        public int maxRecordSize() {
            return 65536;
        }

        @Override
        public int concurrency() {
            return 16;
        }

        @Override
        public Duration retryFirstWait() {
            return Duration.ofMillis(20);
        }

        @Override
        public Duration retryMaxWait() {
            return Duration.ofMillis(50);
        }

        @Override
        public int warmUpRounds() {
            return 0;
        }

        @Override
        public Duration readyPollWithin() {
            return Duration.ofSeconds(15);
        }

        @Override
        public String instanceId() {
            return SELF + "-test";
        }

        @Override
        public int logTailSize() {
            return 10;
        }

        @Override
        public MemorySize logTailBytes() {
            return new MemorySize(java.math.BigInteger.valueOf(1 << 20));
        }
    }
}
