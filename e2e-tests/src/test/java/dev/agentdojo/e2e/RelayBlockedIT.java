package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The relay blocked where nobody would see it otherwise: the broker refusing its records, or its
 * replication slot gone. Either way readiness is DOWN with the reason; nothing is lost, nothing is
 * skipped; once the cause is fixed it goes on by itself.
 */
class RelayBlockedIT extends EndToEndTest {

    @Test
    void recordsTheBrokerRefusesHoldTheRelayVisibly_andAreRelayedOnceEachWhenTheCauseIsFixed() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> api.relaying(env.orders));
        AclBindingFilter ordersWrite = new AclBindingFilter(
                new ResourcePatternFilter(ResourceType.TOPIC, EventLog.ORDERS, PatternType.LITERAL),
                new AccessControlEntryFilter("User:order-service", null, AclOperation.WRITE, AclPermissionType.ALLOW));
        List<String> orders;
        try (Admin admin = Admin.create(env.kafka.clientConfig(LocalKafka.ADMIN))) {
            var removed = admin.deleteAcls(List.of(ordersWrite)).all().get(30, TimeUnit.SECONDS);
            assertThat(removed).as("order-service's right to write its topic, taken away").isNotEmpty();
            try {
                orders = List.of(place("refused-1"), place("refused-2"), place("refused-3"));
                String problem = await("readiness DOWN, saying why").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                        .until(() -> api.relayProblem(env.orders), p -> p != null);
                assertThat(problem).contains("the broker refuses the events sent to agent-dojo.orders", "every later event");
                assertThat(env.orders.ready()).isFalse();
                assertThat(orders).allSatisfy(id -> assertThat(api.getOrder(id).text("status")).isEqualTo("PENDING"));
            } finally {
                admin.createAcls(removed).all().get(30, TimeUnit.SECONDS);
            }
        }
        await("ready again once the broker takes the records").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.relayProblem(env.orders) == null && env.orders.ready());
        await("every order final").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> orders.stream().allMatch(id -> !api.getOrder(id).text("status").equals("PENDING")));
        Map<String, List<Long>> copies = EventLog.sendTimes(env.kafka, EventLog.ORDERS);
        List<String> theirEvents = EventLog.readAll(env.kafka).stream()
                .filter(e -> orders.contains(e.path("args").get(0).asText()) && e.path("source").asText().equals("order-service"))
                .map(e -> e.path("id").asText()).distinct().toList();
        assertThat(theirEvents).as("order:created and payment:process of each order").hasSize(orders.size() * 2);
        assertThat(theirEvents).allSatisfy(id -> assertThat(copies.get(id)).as("copies of event " + id + " on the topic").hasSize(1));
        for (String order : orders) { // sent again together, in one transaction: in order
            List<String> names = EventLog.copies(env.kafka, EventLog.ORDERS).stream()
                    .filter(c -> c.envelope().path("args").path(0).asText().equals(order)).map(c -> c.envelope().path("name").asText()).toList();
            assertThat(names).as("order " + order + "'s events in topic order").containsExactly("order:created", "payment:process");
        }
    }

    @Test
    void aRelayThatCannotRunIsSeenWithItsCause_andRunsAgainByItselfOnceTheCauseIsGone() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> api.relaying(env.orders) && api.relayProblem(env.orders) == null);
        // The role loses REPLICATION: the engine cannot start its replication connection again.
        superuser("alter role orders noreplication");
        try {
            superuser("select pg_terminate_backend(pid) from pg_stat_activity where backend_type = 'walsender' and datname = 'orders'");
            // first the connection that was ended, then, starting again, what PostgreSQL says of the role
            String problem = await("readiness DOWN, with the engine's cause").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> api.relayProblem(env.orders), p -> p != null && p.toLowerCase().contains("replication"));
            assertThat(problem).startsWith("the database:");
            assertThat(env.orders.ready()).isFalse();
            assertThat(api.metrics(env.orders)).contains("agentdojo_outbox_relay_failures_total");
        } finally {
            superuser("alter role orders replication");
        }
        String first = place("after-replication");
        await("relays again by itself").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.relayProblem(env.orders) == null && env.orders.ready()
                        && !api.getOrder(first).text("status").equals("PENDING"));

        // The outbox leaves the publication: its events would be skipped without a word.
        superuser("alter publication agentdojo_outbox drop table outbox");
        try {
            String problem = await("readiness DOWN, naming the publication").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> api.relayProblem(env.orders), p -> p != null);
            assertThat(problem).contains("not in the publication agentdojo_outbox", "alter publication agentdojo_outbox add table outbox");
            assertThat(env.orders.ready()).isFalse();
        } finally {
            superuser("alter publication agentdojo_outbox add table outbox");
        }
        String second = place("after-publication");
        await("relays again by itself").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.relayProblem(env.orders) == null && env.orders.ready()
                        && !api.getOrder(second).text("status").equals("PENDING"));
    }

    @Test
    void aMissingReplicationSlotStopsTheRelaySayingSo_neverAFreshSlotThatSkipsEvents() throws Exception {
        String slot = "agentdojo_outbox_orders";
        env.orders.stop();
        try {
            await("the stopped relay's replication connection ends").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> {
                        superuser("select pg_drop_replication_slot('" + slot + "')");
                        return true;
                    });
            env.orders.startLive();
            String problem = await("readiness DOWN, saying why").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> api.relayProblem(env.orders), p -> p != null);
            assertThat(problem).contains("the replication slot " + slot + " is missing", "pg_create_logical_replication_slot");
            assertThat(env.orders.ready()).isFalse();
            await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
            assertThat(slotExists(slot)).as("the relay made no slot of its own").isFalse();
        } finally {
            if (!slotExists(slot)) {
                superuser("select pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            }
        }
        await("the relay starts by itself on the slot made again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.relayProblem(env.orders) == null && env.orders.ready() && api.relaying(env.orders));
        String order = place("after-the-slot");
        await("an order placed now is final").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> !api.getOrder(order).text("status").equals("PENDING"));
    }

    private static String place(String customer) throws Exception {
        Api.Reply reply = api.placeOrder(customer, new BigDecimal("15.00")).get(30, TimeUnit.SECONDS);
        assertThat(reply.status()).isEqualTo(202);
        return reply.text("id");
    }

    private static Connection connect() throws java.sql.SQLException {
        return DriverManager.getConnection(env.postgres.jdbcUrl("orders"), dev.agentdojo.postgres.LocalPostgres.USER,
                env.postgres.password(dev.agentdojo.postgres.LocalPostgres.USER));
    }

    private static void superuser(String sql) throws java.sql.SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static boolean slotExists(String slot) throws java.sql.SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
             var row = s.executeQuery("select count(*) from pg_replication_slots where slot_name = '" + slot + "'")) {
            row.next();
            return row.getInt(1) == 1;
        }
    }
}
