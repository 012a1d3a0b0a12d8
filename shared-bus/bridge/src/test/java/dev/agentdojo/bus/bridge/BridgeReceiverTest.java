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
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

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

    private BridgeReceiver receiver() {
        bus.on(EventBus.ALL, seen::add);
        return new BridgeReceiver(bus, new Settings(), new BridgeMetrics(registry), new EventTraces(OpenTelemetry.noop()), () -> false);
    }

    @Test
    void aRecordWhoseSourceHeaderNamesThisServiceOnAnotherServicesTopicIsDeadLetteredAndCounted_notAcknowledgedAsOurOwn() {
        BridgeReceiver receiver = receiver();
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
        BridgeReceiver receiver = receiver();
        Record own = new Record("agent-dojo.orders", 0, 3, SELF, envelope("own-1", "order:created", SELF));

        receiver.receive(own.message()).await().atMost(WAIT);

        assertThat(own.acks).hasValue(1);
        assertThat(own.nacks).hasValue(0);
        assertThat(seen).as("its listeners ran where it was emitted").isEmpty();
        assertThat(registry.find("agentdojo.bridge.dead.lettered").counters()).isEmpty();
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

        Record(String topic, int partition, long offset, String sourceHeader, String payload) {
            record = new ConsumerRecord<>(topic, partition, offset, "key", payload);
            record.headers().add(EventBridge.SOURCE_HEADER, sourceHeader.getBytes(StandardCharsets.UTF_8));
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
                        return CompletableFuture.completedFuture(null);
                    });
        }
    }

    /** The bridge's settings as in a service, but for the retries' waits. */
    private record Settings() implements BridgeConfig {
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
