package dev.agentdojo.outbox.commit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.sql.SQLException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which failures of {@code COMMIT} say that nothing was committed: only the server's own answer
 * that it rolled the transaction back. Everything else — a broken connection, a timeout, the server
 * shut down or the session ended after the commit record may have been written — is unknown.
 */
class CommitOutcomeTest {

    @ParameterizedTest(name = "SQLSTATE {0} at COMMIT: rolled back for sure = {1}")
    @CsvSource({
            "40001, true",  // serialization failure
            "40P01, true",  // deadlock
            "23505, true",  // a deferred unique constraint
            "22001, true",  // invalid data
            "25P02, true",  // the transaction had already failed
            "08006, false", // the connection broke while the reply was on its way
            "08003, false", // the connection is closed
            "57P01, false", // admin shutdown: may come after the commit record
            "57P02, false", // crash shutdown
            "57014, false", // a statement timeout
            "53300, false", // too many connections
            "XX000, false", // internal error
    })
    void onlyTheServersRollbackAnswerMeansNothingWasCommitted(String state, boolean rolledBack) {
        assertThat(DatabaseFailures.commitRefused(new SQLException("commit failed", state))).isEqualTo(rolledBack);
    }

    @Test
    void aFailureWithoutAStateIsUnknown() {
        assertThat(DatabaseFailures.commitRefused(new SQLException("I/O error"))).isFalse();
        assertThat(DatabaseFailures.commitRefused(new OutcomeUnknownException("unknown", null))).isFalse();
    }
}
