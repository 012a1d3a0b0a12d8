package dev.agentdojo.outbox;

import dev.agentdojo.bus.bridge.BridgeConfig;
import dev.agentdojo.bus.bridge.EventBridge;
import dev.agentdojo.bus.bridge.EventTraces;
import dev.agentdojo.bus.bridge.OutgoingChannelConfig;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;

/** How the {@link OutboxRelay} connects: its leader's lock connection and its Debezium engine, from the service's configuration. */
final class RelaySettings {

    /** The publication the outbox's migration creates: the outbox's inserts, nothing else. */
    static final String PUBLICATION = "agentdojo_outbox";

    final String jdbcUrl;
    private final String topic;
    private final boolean onKafka;
    private final String transactionalId;
    private final String instance;
    private final String user;
    private final String password;
    private final OutboxConfig config;
    private final Duration leaderCheckTimeout;

    RelaySettings(OutgoingChannelConfig channel, BridgeConfig bridge, DatasourceConfig datasource, OutboxConfig config,
                  Duration leaderCheckTimeout) {
        this.topic = channel.topic();
        this.onKafka = channel.onKafka();
        this.transactionalId = config.transactionalId();
        this.instance = bridge.instanceId();
        this.jdbcUrl = datasource.jdbcUrl();
        this.user = datasource.username();
        this.password = datasource.password().orElse("");
        this.config = config;
        this.leaderCheckTimeout = leaderCheckTimeout;
    }

    /** The replication slot the outbox's migration creates in database {@code database}. */
    static String slotName(String database) {
        return "agentdojo_outbox_" + database;
    }

    /** The topic the relay sends to: the service's own. */
    String topic() {
        return topic;
    }

    /** Whether the topic is Kafka's: then the relay writes it in transactions, fenced by the broker. */
    boolean onKafka() {
        return onKafka;
    }

    /** The relay's {@code transactional.id}: one per service, so a new leader fences the one before. */
    String transactionalId() {
        return transactionalId;
    }

    /** This instance's id ({@code event-bus.bridge.instance-id}). */
    String instance() {
        return instance;
    }

    /** This service's replication slot. */
    String slot() {
        URI url = URI.create(jdbcUrl.substring("jdbc:".length()));
        return slotName(url.getPath().substring(1));
    }

    /** The lease's session: it answers within {@code leaderCheckTimeout}, or the relay gives way. */
    Properties leaderConnection() {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", String.valueOf(leaderCheckTimeout.toSeconds()));
        p.setProperty("ApplicationName", "agentdojo-outbox-relay");
        return p;
    }

    /** The Debezium engine's settings: the outbox's connector ({@link #connector}) and what only an embedded engine needs. */
    Properties engine() {
        URI url = URI.create(jdbcUrl.substring("jdbc:".length()));
        String database = url.getPath().substring(1);
        Properties p = connector(url.getHost(), url.getPort() < 0 ? 5432 : url.getPort(), database, user, password, topic,
                config.pollInterval());
        p.setProperty("name", "outbox-relay-" + database);
        // The slot keeps the position (PostgreSQL holds the log from it); the engine's own offsets need not outlive it.
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "1000");
        // Between outbox events the slot still moves on with the log (else it holds back what the rest of the database writes).
        p.setProperty("heartbeat.interval.ms", "10000");
        // The advisory lock makes one instance the relay; should a sibling still hold the slot for a moment, the
        // engine gives up soon, and run() tries again every retry-wait.
        p.setProperty("slot.max.retries", "1");
        p.setProperty("slot.retry.delay.ms", String.valueOf(config.retryWait().toMillis()));
        p.setProperty("errors.max.retries", "0");
        return p;
    }

    /**
     * The outbox's connector, wherever it runs (embedded here, or in Kafka Connect: {@link KafkaConnectConnector}):
     * Debezium's PostgreSQL connector on the outbox's slot and publication, and its outbox event router.
     */
    static Properties connector(String host, int port, String database, String user, String password, String topic,
                                Duration pollInterval) {
        Properties p = new Properties();
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("database.hostname", host);
        p.setProperty("database.port", String.valueOf(port));
        p.setProperty("database.dbname", database);
        p.setProperty("database.user", user);
        p.setProperty("database.password", password);
        p.setProperty("topic.prefix", "agentdojo-" + database);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", slotName(database));
        p.setProperty("publication.name", PUBLICATION);
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("table.include.list", "public.outbox");
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("poll.interval.ms", String.valueOf(Math.max(1, pollInterval.toMillis())));
        p.setProperty("transforms", "outbox");
        p.setProperty("transforms.outbox.type", "io.debezium.transforms.outbox.EventRouter");
        p.setProperty("transforms.outbox.route.topic.replacement", topic);
        p.setProperty("transforms.outbox.table.fields.additional.placement", "id:header:" + EventBridge.EVENT_ID_HEADER
                + ",source:header:" + EventBridge.SOURCE_HEADER + ",instance:header:" + EventBridge.INSTANCE_HEADER
                + ",traceparent:header:" + EventTraces.TRACEPARENT);
        // rows written before the outbox had a column (traceparent, by a former version): relayed without its header
        p.setProperty("transforms.outbox.table.field.additional.missing", "ignore");
        return p;
    }
}
