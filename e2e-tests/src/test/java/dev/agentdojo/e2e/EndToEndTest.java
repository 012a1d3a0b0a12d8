package dev.agentdojo.e2e;

import org.junit.jupiter.api.BeforeAll;

/** The shared running product (broker and both services) and a client of its API, for each end-to-end test. */
abstract class EndToEndTest {

    static Environment env;
    static Api api;

    @BeforeAll
    static void up() {
        env = Environment.get();
        api = new Api(env);
    }

    /**
     * How many of {@code orders} have a final payment that is the gateway's one charge under the
     * order's id (its id and outcome): none left {@code CHARGING}, none charged twice.
     */
    static long paymentsMatchingTheirOneCharge(java.util.List<String> orders) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(env.postgres.jdbcUrl("payments"), dev.agentdojo.postgres.LocalPostgres.USER, env.postgres.password(dev.agentdojo.postgres.LocalPostgres.USER));
             java.sql.PreparedStatement count = c.prepareStatement("""
                     select count(*) from payments p join gateway_charges g on g.idempotency_key = p.order_id
                     where p.order_id = any(?) and p.id = g.payment_id and p.status = g.status""")) {
            count.setArray(1, c.createArrayOf("varchar", orders.toArray()));
            try (java.sql.ResultSet row = count.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
