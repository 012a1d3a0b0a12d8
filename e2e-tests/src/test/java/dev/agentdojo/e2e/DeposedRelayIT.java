package dev.agentdojo.e2e;

import dev.agentdojo.kafka.LocalKafka;
import dev.agentdojo.postgres.LocalPostgres;
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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A relay deposed while the broker still holds its records: order-service's right to write its topic
 * is taken away, orders are placed (their events wait in the leading relay's hands, refused), the
 * leader's lease session is ended so that its sibling takes over, and the right is given back. The
 * broker fences the deposed relay: a consumer reading what was committed sees each event once, each
 * order's events in the order they were emitted, and nothing the deposed relay still held.
 */
class DeposedRelayIT extends EndToEndTest {

    @Test
    void aDeposedRelayWithRecordsInItsBuffersCannotWriteThem_eachEventOnceInOrder() throws Exception {
        ServiceProcess sibling = env.another("order-service", "order-service-deposed-test");
        List<String> orders = new ArrayList<>();
        try {
            sibling.start();
            await("one order-service instance relays").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> api.relaying(env.orders) != api.relaying(sibling));
            ServiceProcess leader = api.relaying(env.orders) ? env.orders : sibling;
            ServiceProcess next = leader == env.orders ? sibling : env.orders;
            AclBindingFilter ordersWrite = new AclBindingFilter(
                    new ResourcePatternFilter(ResourceType.TOPIC, EventLog.ORDERS, PatternType.LITERAL),
                    new AccessControlEntryFilter("User:order-service", null, AclOperation.WRITE, AclPermissionType.ALLOW));
            try (Admin admin = Admin.create(env.kafka.clientConfig(LocalKafka.ADMIN))) {
                var removed = admin.deleteAcls(List.of(ordersWrite)).all().get(30, TimeUnit.SECONDS);
                assertThat(removed).as("order-service's right to write its topic, taken away").isNotEmpty();
                try {
                    Api onNext = new Api(next, env.payments);
                    for (int i = 0; i < 6; i++) {
                        Api.Reply reply = onNext.placeOrder("deposed-" + i, new BigDecimal("7.00")).get(30, TimeUnit.SECONDS);
                        assertThat(reply.status()).isEqualTo(202);
                        orders.add(reply.text("id"));
                    }
                    await("the leader holds the refused records").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                            .until(() -> api.relayProblem(leader), p -> p != null && p.contains("refuses"));
                    assertThat(endLeaseSession()).as("the leader's lease session, ended").isEqualTo(1);
                    await("the sibling takes the relay over").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                            .until(() -> api.relaying(next) && !api.relaying(leader));
                } finally {
                    admin.createAcls(removed).all().get(30, TimeUnit.SECONDS);
                }
            }
            await("every order final").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> orders.stream().allMatch(id -> !api.getOrder(id).text("status").equals("PENDING")));
            await().pollDelay(Duration.ofSeconds(10)).atMost(Duration.ofSeconds(20)).until(() -> true); // what the deposed relay could still send, it would by now

            List<EventLog.Copy> theirs = EventLog.copies(env.kafka, EventLog.ORDERS).stream()
                    .filter(c -> orders.contains(c.envelope().path("args").path(0).asText()))
                    .toList();
            Map<String, Long> copiesPerEvent = theirs.stream().collect(Collectors.groupingBy(EventLog.Copy::eventId, Collectors.counting()));
            assertThat(copiesPerEvent).as("each order's two events").hasSize(orders.size() * 2);
            assertThat(copiesPerEvent).as("copies of each event on the topic, read committed").allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
            for (String order : orders) {
                List<String> names = theirs.stream().filter(c -> c.envelope().path("args").path(0).asText().equals(order))
                        .map(c -> c.envelope().path("name").asText()).toList();
                assertThat(names).as("the events of order " + order + " in topic order").containsExactly("order:created", "payment:process");
            }
            assertThat(theirs).as("relayed by the new leader").allSatisfy(c -> assertThat(c.relayedBy()).isNotNull());
            assertThat(orders).allSatisfy(id -> assertThat(api.getOrder(id).text("status")).isEqualTo("CONFIRMED"));
            System.out.printf("deposed relay: %d orders placed while the topic refused its writes, the leader's lease ended, "
                    + "the sibling took over; each of their %d events once on the topic, in order%n", orders.size(), copiesPerEvent.size());
        } finally {
            sibling.stop();
        }
        await("order-service relays again alone").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.relaying(env.orders));
    }

    /** Ends the session that holds order-service's relay lease (its advisory lock), as an operator or a network fault would. */
    private static int endLeaseSession() throws Exception {
        try (Connection c = DriverManager.getConnection(env.postgres.jdbcUrl("orders"), LocalPostgres.USER,
                env.postgres.password(LocalPostgres.USER));
             Statement s = c.createStatement();
             ResultSet ended = s.executeQuery("""
                     select count(*) filter (where pg_terminate_backend(a.pid)) from pg_locks l join pg_stat_activity a on a.pid = l.pid
                     where l.locktype = 'advisory' and l.granted and a.datname = 'orders' and a.application_name = 'agentdojo-outbox-relay'""")) {
            ended.next();
            return ended.getInt(1);
        }
    }
}
