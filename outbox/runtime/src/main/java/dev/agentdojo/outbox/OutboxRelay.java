package dev.agentdojo.outbox;

import dev.agentdojo.bus.Bridge;
import dev.agentdojo.bus.bridge.BridgeConfig;
import dev.agentdojo.bus.bridge.EventTraces;
import dev.agentdojo.bus.bridge.OutgoingChannelConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Moves the events committed to the {@linkplain TransactionalOutbox outbox} to the broker, in the
 * order their transactions committed: an embedded Debezium engine reads the outbox's inserts from
 * PostgreSQL's write-ahead log (logical decoding, {@code pgoutput}, publication
 * {@code agentdojo_outbox}, the replication slot {@code agentdojo_outbox_<database>} the service's
 * migration made), and its outbox event router makes each row a record.
 *
 * <p>Of several instances, the one that holds the outbox's {@linkplain RelayLease lease} relays; the
 * others ask for it every {@code service.outbox.retry-wait}, and one takes over within
 * {@code service.outbox.lease} of the holder crashing, freezing or being cut off. Taking over, it
 * opens the topic with the service's transactional id ({@link TransactionalTopic}), and the broker
 * fences every older relay. Each run of the engine is a {@link RelaySession} (a batch is one Kafka
 * transaction, sent again whole until the broker takes it); {@link RelaySlot} keeps it on the slot
 * the migration made and the outbox in its publication; {@link RelayStatus} tells readiness, the
 * log and {@code agentdojo_outbox_relay_failures_total} why it cannot run, and an instance that
 * fails for three leases gives its lease up for one, so that a sibling tries. It starts again by
 * itself when the database or the broker comes back, or a cause is fixed. docs/chain.md tells the
 * guarantees in full.
 *
 * <p>Runs on a thread of its own ({@code outbox-relay}); stops with the application.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** The Kafka header that names the instance ({@code event-bus.bridge.instance-id}) whose relay put a record on the topic. */
    public static final String RELAY_HEADER = "agent-dojo-relay";
    /** How long the leader's lock connection may take to answer before the relay gives way. */
    private static final Duration LEADER_CHECK_TIMEOUT = Duration.ofSeconds(8);

    private final OutboxConfig config;
    private final RelaySettings settings;
    private final RelayLease lease;
    private final RelaySlot slot;
    private final RelayBacklog backlog;
    private final RelayStatus status;
    /** Opens this instance's way to the topic once it leads: fenced by the broker on Kafka. */
    private final Supplier<RelayOutput> outputs;
    /** Where the relay's back-offs wait (a batch the broker did not take, a slot to drop). */
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(work -> {
        Thread thread = new Thread(work, "outbox-relay-retry");
        thread.setDaemon(true);
        return thread;
    });
    /** How long a leading instance may fail to relay before it gives its lease up for a sibling to try. */
    private final Duration handOnAfter;
    private volatile boolean stopped;
    /** The engine's run while this instance leads; null while it does not. */
    private volatile RelaySession session;
    private Thread thread;

    OutboxRelay(Bridge bridge, OutboxConfig config, OutgoingChannelConfig channel, BridgeConfig bridgeConfig, DatasourceConfig datasource,
                MeterRegistry registry, EventTraces traces, @Identifier("default-kafka-broker") Instance<Map<String, Object>> kafka) {
        this.config = config;
        this.settings = new RelaySettings(channel, bridgeConfig, datasource, config, LEADER_CHECK_TIMEOUT);
        if (config.lease().compareTo(config.retryWait().multipliedBy(3)) < 0) {
            throw new IllegalArgumentException("service.outbox.lease must be at least three times service.outbox.retry-wait, were "
                    + config.lease() + " and " + config.retryWait());
        }
        this.lease = new RelayLease(this.settings.jdbcUrl, this.settings.leaderConnection(), config.lease(), LEADER_CHECK_TIMEOUT);
        this.backlog = new RelayBacklog(registry);
        this.slot = new RelaySlot(lease, this.settings.slot(), backlog, retries);
        this.status = new RelayStatus(registry.counter("agentdojo.outbox.relay.failures"), config.lease(), config.retryWait(),
                System::nanoTime);
        this.handOnAfter = config.lease().multipliedBy(3);
        Duration transactionTimeout = config.lease().multipliedBy(3);
        this.outputs = this.settings.onKafka() && kafka.isResolvable()
                ? () -> new TransactionalTopic(kafka.get(), this.settings.topic(), this.settings.transactionalId(), this.settings.instance(),
                        transactionTimeout, config.lease().dividedBy(2), traces, registry.counter("agentdojo.bridge.published"))
                : () -> new BridgeOutput(bridge);
    }

    /** The replication slot the outbox's migration creates for database {@code database}. */
    public static String slotName(String database) {
        return RelaySettings.slotName(database);
    }

    void start(@Observes StartupEvent started) {
        if (!config.relay()) {
            LOG.info("Outbox relay off (service.outbox.relay=false): another instance or Kafka Connect relays the outbox");
            return;
        }
        Properties properties = settings.engine();
        thread = new Thread(() -> run(properties), "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent stopping) {
        stopped = true;
        RelaySession running = session;
        if (running != null) {
            running.close();
        }
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        retries.shutdownNow();
    }

    /** Whether this instance's relay holds the slot and is sending committed events on. */
    public boolean isRelaying() {
        RelaySession running = session;
        return running != null && running.running();
    }

    /**
     * Why the relay cannot do its job right now — the slot is missing, the engine failed, the broker
     * refuses a record or does not answer — or null: it relays, or stands by while a sibling does, or
     * waits for the database.
     */
    public String problem() {
        String why = slot.problem() != null ? slot.problem() : status.problem();
        RelaySession running = session;
        return why != null || running == null ? why : running.sendProblem();
    }

    private void run(Properties properties) {
        String lastState = null;
        try {
            while (!stopped) {
                RelayStop stop;
                try {
                    if (lease.tryTake()) { // renews it when held: a relay that stopped starts again if it still holds it
                        stop = relayWhileLeading(properties);
                    } else {
                        stop = RelayStop.standsBy(RelayStop.ANOTHER_RELAYS + "; this one stands by");
                    }
                } catch (SQLException e) {
                    lease.close();
                    stop = RelayStop.standsBy("the database does not answer (" + e.getMessage() + ")");
                } catch (InterruptedException e) {
                    break;
                }
                if (stopped) {
                    break;
                }
                if (stop.failed()) {
                    if (stop.mayPass()) {
                        status.brokerSilent(stop.why());
                    } else {
                        status.failed(stop.why());
                    }
                    if (status.failingLongerThan(handOnAfter)) {
                        LOG.warnf("Outbox relay: this instance could not relay for %d s; it gives its lease up for %d s so that a "
                                + "sibling tries (%s)", handOnAfter.toSeconds(), config.lease().toSeconds(), stop.why());
                        lease.close();
                        status.handedOn();
                        if (!pause(config.lease())) {
                            break;
                        }
                    }
                } else {
                    status.standsBy();
                    if (!stop.why().equals(lastState)) {
                        LOG.infof("Outbox relay not running here, tried again every %d ms: %s", config.retryWait().toMillis(), stop.why());
                    }
                }
                lastState = stop.why();
                slot.checkNowAndThen(); // the slot's lag for its gauge, also while this instance stands by
                if (!pause(config.retryWait())) { // the lease's cadence: a fixed beat, not a back-off
                    break;
                }
            }
        } finally {
            lease.close();
        }
    }

    /** Sleeps on the relay's own thread; false when interrupted (the application stops). */
    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Runs the engine while this instance holds the lease, renewing it; answers why it stopped. */
    private RelayStop relayWhileLeading(Properties properties) throws InterruptedException, SQLException {
        String position = slot.take();
        if (position == null) {
            return RelayStop.failed(slot.problem());
        }
        String unpublished = slot.unpublishedOutbox();
        if (unpublished != null) {
            return RelayStop.failed(unpublished);
        }
        RelayOutput output;
        try {
            output = outputs.get(); // fences every older relay of this service at the broker
        } catch (AuthenticationException e) {
            return RelayStop.failed("the broker does not accept this service's login (" + e.getMessage() + ")");
        } catch (AuthorizationException e) {
            return RelayStop.failed("the broker refuses this service's login the relay's transactional id " + settings.transactionalId()
                    + " (" + e.getMessage() + "): it needs WRITE and DESCRIBE on that TransactionalId");
        } catch (TimeoutException e) {
            return RelayStop.brokerSilent("the broker does not answer the relay (" + e.getMessage() + ")");
        } catch (KafkaException e) {
            return RelayStop.failed("the broker does not answer the relay (" + e.getMessage() + ")");
        }
        RelaySession running = new RelaySession(output, lease, slot, backlog, status, config.retryWait(), settings.topic(),
                () -> stopped, retries);
        session = running;
        try {
            RelayStop stop = running.run(properties, position);
            if (stop == RelaySession.MADE_ANEW) {
                slot.dropMadeAnew();
                return RelayStop.failed(slot.problem());
            }
            return stop;
        } finally {
            output.close();
        }
    }
}
