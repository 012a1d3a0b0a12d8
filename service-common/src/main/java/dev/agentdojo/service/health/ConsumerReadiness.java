package dev.agentdojo.service.health;

import dev.agentdojo.bus.Bridge;
import dev.agentdojo.bus.bridge.BridgeConfig;
import dev.agentdojo.bus.bridge.KafkaLogin;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.Metric;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code /q/health/ready} is DOWN while the consumer behind the bridge does not take events, or
 * cannot move on:
 * <ul>
 *   <li>a received record is <b>not settled</b> — neither acknowledged nor dead-lettered — after
 *       {@code event-bus.bridge.stalled-after} (its listeners keep failing for a passing reason, or
 *       hang), or at once when the <b>dead-letter topic refuses</b> a record ({@link Bridge#stalled}:
 *       the record's topic, partition and offset, and why it waits); on any connector;</li>
 *   <li>it is <b>fenced</b>: the broker lists another member under its group and
 *       {@code group.instance.id} (a second instance started with the same id), or does not list it;</li>
 *   <li>it has <b>no partition assigned</b> (joining its group);</li>
 *   <li>it has <b>not polled</b> the broker within {@code event-bus.bridge.ready-poll-within}, or its
 *       polling thread does not answer.</li>
 * </ul>
 * It comes UP again by itself when the consumer does. When the broker cannot be asked who the members
 * are (it is away), that question counts as answered: the outage shows in the requests, and every
 * instance leaving the load balancer at once would not help. A service whose incoming channel is not
 * Kafka (the in-memory connector of tests) has nothing more to check. Liveness is not affected.
 */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements AsyncHealthCheck {

    private static final String NAME = "event consumer member, assigned and polling";
    /** How long the consumer's polling thread and the broker may take to answer a check. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);

    private final KafkaClientService kafka;
    private final Bridge bridge;
    private final Duration pollWithin;
    private volatile Admin admin;

    @Inject
    ConsumerReadiness(KafkaClientService kafka, Bridge bridge, BridgeConfig config) {
        this(kafka, bridge, config.readyPollWithin());
    }

    ConsumerReadiness(KafkaClientService kafka, Bridge bridge, Duration pollWithin) {
        this.kafka = kafka;
        this.bridge = bridge;
        this.pollWithin = pollWithin;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        String stalled = bridge.stalled();
        if (stalled != null) {
            return Uni.createFrom().item(down(stalled));
        }
        if (!kafka.getConsumerChannels().contains(Bridge.INCOMING)) {
            return Uni.createFrom().item(HealthCheckResponse.up(NAME));
        }
        KafkaConsumer<Object, Object> consumer = kafka.getConsumer(Bridge.INCOMING);
        double sincePoll = secondsSinceLastPoll(consumer);
        if (sincePoll > pollWithin.toSeconds()) {
            return Uni.createFrom().item(down("has not polled the broker for " + (long) sincePoll + " s"));
        }
        return consumer.getAssignments().ifNoItem().after(ANSWER_WITHIN).fail()
                .chain(assigned -> assigned.isEmpty()
                        ? Uni.createFrom().item(down("has no partition assigned (joining its group)"))
                        : consumer.consumerGroupMetadata().ifNoItem().after(ANSWER_WITHIN).fail()
                                .chain(self -> membership(consumer, self))
                                .map(fenced -> fenced == null ? up(assigned.size()) : down(fenced)))
                .onFailure().recoverWithItem(failure -> down("did not answer: " + failure));
    }

    /** Null when the broker lists this consumer as the member it is (or cannot say); else why not. */
    private Uni<String> membership(KafkaConsumer<Object, Object> consumer, ConsumerGroupMetadata self) {
        return Uni.createFrom().completionStage(() -> admin(consumer).describeConsumerGroups(List.of(self.groupId()),
                                new DescribeConsumerGroupsOptions().timeoutMs((int) ANSWER_WITHIN.toMillis()))
                        .describedGroups().get(self.groupId()).toCompletionStage())
                .map(group -> whyNotAMember(group, self))
                .onFailure().recoverWithNull();
    }

    static String whyNotAMember(ConsumerGroupDescription group, ConsumerGroupMetadata self) {
        for (MemberDescription member : group.members()) {
            if (member.consumerId().equals(self.memberId())) {
                return null;
            }
            if (self.groupInstanceId().isPresent() && self.groupInstanceId().equals(member.groupInstanceId())) {
                return "fenced: another consumer holds group.instance.id '" + self.groupInstanceId().get()
                        + "' in group '" + self.groupId() + "' (" + member.clientId() + " on " + member.host()
                        + "); give each instance its own id";
            }
        }
        return "not a member of group '" + self.groupId() + "' (fenced or rejoining)";
    }

    private Admin admin(KafkaConsumer<Object, Object> consumer) {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, ?> config = consumer.configuration();
                    Map<String, Object> settings = new HashMap<>();
                    config.forEach((key, value) -> { // logged in as the consumer is
                        if (KafkaLogin.isLoginSetting(key) && value != null) {
                            settings.put(key, value);
                        }
                    });
                    settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Objects.toString(config.get("bootstrap.servers")));
                    settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "readiness-" + config.get("client.id"));
                    settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ANSWER_WITHIN.toMillis());
                    settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ANSWER_WITHIN.toMillis());
                    admin = Admin.create(settings);
                }
                a = admin;
            }
        }
        return a;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }

    private static HealthCheckResponse up(int partitions) {
        return HealthCheckResponse.named(NAME).up().withData("partitions", partitions).build();
    }

    private static HealthCheckResponse down(String why) {
        return HealthCheckResponse.named(NAME).down().withData("consumer", why).build();
    }

    /** Kafka's own {@code last-poll-seconds-ago}; 0 when the client does not report it. */
    private static double secondsSinceLastPoll(KafkaConsumer<Object, Object> consumer) {
        for (Metric metric : consumer.unwrap().metrics().values()) {
            if (metric.metricName().name().equals("last-poll-seconds-ago") && metric.metricName().group().equals("consumer-metrics")) {
                return metric.metricValue() instanceof Number n ? n.doubleValue() : 0;
            }
        }
        return 0;
    }
}
