package dev.agentdojo.outbox.commit;

import dev.agentdojo.bus.bridge.FailureKind;
import dev.agentdojo.bus.bridge.Failures;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** A failure is classified once, from the layer's own word: the database layer tells its SQLSTATEs, the bridge asks it. */
class DatabaseFailuresTest {

    private final Failures failures = new Failures(List.of(new DatabaseFailures()));

    @Test
    void theDatabaseAwayOrBusyPasses_wrappedAsTheFrameworksWrapIt() {
        assertThat(failures.kindOf(new CompletionException(new RuntimeException(new SQLException("connection lost", "08006")))))
                .isEqualTo(FailureKind.PASSES);
        assertThat(failures.kindOf(new SQLException("canceling statement due to statement timeout", "57014")))
                .isEqualTo(FailureKind.PASSES);
        assertThat(failures.kindOf(new SQLException("could not serialize access", "40001"))).isEqualTo(FailureKind.PASSES);
        assertThat(failures.kindOf(new SQLException("no SQLSTATE: the pool's own"))).isEqualTo(FailureKind.PASSES);
    }

    @Test
    void badDataAndConstraintsArePermanent_asIsWhatNoLayerKnows() {
        assertThat(failures.kindOf(new RuntimeException(new SQLException("duplicate key", "23505")))).isEqualTo(FailureKind.PERMANENT);
        assertThat(failures.kindOf(new SQLException("invalid input syntax", "22P02"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(failures.kindOf(new IllegalStateException("order o-1 is unknown"))).isEqualTo(FailureKind.PERMANENT);
        assertThat(failures.kindOf(null)).isEqualTo(FailureKind.PERMANENT);
    }

    @Test
    void anUnknownOutcomeAnywhereInTheChainIsUnknown_evenBehindAPermanentLink() {
        OutcomeUnknownException unknown = new OutcomeUnknownException("commit reply lost", new SQLException("I/O error", "08006"));
        assertThat(failures.kindOf(new SQLException("wrapped", "23505", unknown))).isEqualTo(FailureKind.OUTCOME_UNKNOWN);
        assertThat(failures.passes(unknown)).as("doing it again is safe where it is idempotent").isTrue();
    }

    @Test
    void whatTheBridgeKnowsItselfPasses_withoutAnyLayer() {
        Failures alone = new Failures(List.of());
        assertThat(alone.kindOf(new CompletionException(new IOException("broken pipe")))).isEqualTo(FailureKind.PASSES);
        assertThat(alone.kindOf(new java.sql.SQLTransientConnectionException("pool timeout"))).as("JDBC's own type says so")
                .isEqualTo(FailureKind.PASSES);
        assertThat(alone.kindOf(new SQLException("connection lost", "08006"))).as("a SQLSTATE is the database layer's to read")
                .isEqualTo(FailureKind.PERMANENT);
    }
}
