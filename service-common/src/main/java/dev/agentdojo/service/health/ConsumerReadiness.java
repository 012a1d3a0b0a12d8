package dev.agentdojo.service.health;

import dev.agentdojo.bus.Bridge;
import dev.agentdojo.bus.bridge.BridgeConfig;
import dev.agentdojo.bus.bridge.KafkaLogin;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.common.Metric;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

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
 *   <li>it has <b>not polled</b> the broker within {@code event-bus.bridge.ready-poll-within}.</li>
 * </ul>
 * What the consumer holds comes from its last rebalance ({@link ConsumerAssignment}), never from its
 * polling thread, which would answer only between two polls: a check answers at once. The login the
 * membership question needs is opened as the application starts, off its way to ready.
 * It comes UP again by itself when the consumer does. When the broker cannot be asked who the members
 * are (it is away), that question counts as answered: the outage shows in the requests, and every
 * instance leaving the load balancer at once would not help. A service whose incoming channel is not
 * Kafka (the in-memory connector of tests) has nothing more to check. Liveness is not affected.
 */
@Readiness
@ApplicationScoped
public class ConsumerReadiness implements AsyncHealthCheck {

    private static final Logger LOG = Logger.getLogger(ConsumerReadiness.class);
    private static final String NAME = "event consumer member, assigned and polling";
    /** How long the broker may take to answer a check. */
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(3);

    private final KafkaClientService kafka;
    private final Bridge bridge;
    private final ConsumerAssignment assignment;
    private final Duration pollWithin;
    private volatile Admin admin;

    @Inject
    ConsumerReadiness(KafkaClientService kafka, Bridge bridge, @Identifier(ConsumerAssignment.NAME) ConsumerAssignment assignment,
                      BridgeConfig config) {
        this(kafka, bridge, assignment, config.readyPollWithin());
    }

    ConsumerReadiness(KafkaClientService kafka, Bridge bridge, ConsumerAssignment assignment, Duration pollWithin) {
        this.kafka = kafka;
        this.bridge = bridge;
        this.assignment = assignment;
        this.pollWithin = pollWithin;
    }

    /**
     * Once the channels are wired, opens the broker login the membership question needs, and asks
     * it once, on a thread of its own: the first readiness check then finds it connected.
     */
    void prepare(@Observes @Priority(Interceptor.Priority.LIBRARY_AFTER + 100) StartupEvent started) {
        if (!kafka.getConsumerChannels().contains(Bridge.INCOMING)) {
            return;
        }
        KafkaConsumer<Object, Object> consumer = kafka.getConsumer(Bridge.INCOMING);
        Thread opening = new Thread(() -> {
            try {
                String group = Objects.toString(consumer.configuration().get("group.id"));
                admin(consumer).describeConsumerGroups(List.of(group)).all().get(ANSWER_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception | LinkageError e) { // a broker away now is a readiness check's business later
                LOG.debugf("Readiness could not ask the broker about the group yet: %s", e);
            }
        }, "readiness-admin-open");
        opening.setDaemon(true);
        opening.start();
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
        ConsumerAssignment.Held held = assignment.held();
        if (held.partitions() == 0) {
            return Uni.createFrom().item(down("has no partition assigned (joining its group)"));
        }
        return membership(consumer, held.member())
                .map(fenced -> fenced == null ? up(held.partitions()) : down(fenced));
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
