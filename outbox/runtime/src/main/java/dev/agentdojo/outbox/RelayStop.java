package dev.agentdojo.outbox;

import java.sql.SQLException;

/**
 * Why the relay stopped running on this instance, and what that means.
 *
 * @param why     in a line, for readiness and the log
 * @param failed  it could not do its job; else it stands by while a sibling relays, or lost its lease
 * @param mayPass the broker did not answer in time, as a new broker's transaction coordinator does
 *                while it starts: a failure only once it lasts a lease ({@link RelayStatus#brokerSilent})
 */
record RelayStop(String why, boolean failed, boolean mayPass) {

    /** How a stop begins when a sibling holds the slot: not a failure. */
    static final String ANOTHER_RELAYS = "another instance relays";

    /** Not this instance's to do now: a sibling relays, or its lease ended. */
    static RelayStop standsBy(String why) {
        return new RelayStop(why, false, false);
    }

    static RelayStop failed(String why) {
        return new RelayStop(why, true, false);
    }

    static RelayStop brokerSilent(String why) {
        return new RelayStop(why, true, true);
    }

    /** Why the engine stopped, in a line: the deepest cause's message; a sibling relaying, said so. */
    static String reason(String message, Throwable error) {
        String database = null;
        String deepest = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String text = t.getMessage();
            if (t instanceof SQLException sql && "55006".equals(sql.getSQLState())) { // object in use: the slot is read by another
                return ANOTHER_RELAYS + " (it holds the replication slot); this one stands by";
            }
            if (text == null) {
                continue;
            }
            if (database == null && t instanceof SQLException) {
                database = "the database: " + text; // what PostgreSQL said, e.g. "must be superuser or replication role"
            }
            deepest = text;
        }
        String text = database != null ? database : deepest != null ? deepest : String.valueOf(message);
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
