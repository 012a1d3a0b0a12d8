package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.EventNotSentException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.io.IOException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Classifies a failure once, from what each layer says of its own ({@link FailureClassifier} beans,
 * e.g. the database layer's), never by a message's text. The whole chain of causes is looked at:
 * an unknown outcome anywhere in it makes the failure's outcome unknown; else a link that passes
 * makes it pass. What the bridge itself knows passes: an I/O error, a timeout, work refused because
 * a queue is full, an event the broker or outbox did not take, and what JDBC's own types call
 * transient or recoverable. Anything no one knows is permanent.
 */
@ApplicationScoped
public class Failures {

    private final List<FailureClassifier> classifiers;

    @Inject
    Failures(@Any Instance<FailureClassifier> classifiers) {
        this(classifiers.stream().toList());
    }

    public Failures(List<FailureClassifier> classifiers) {
        this.classifiers = List.copyOf(classifiers);
    }

    /** What {@code failure} says about doing the same work again. */
    public FailureKind kindOf(Throwable failure) {
        FailureKind kind = FailureKind.PERMANENT;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            FailureKind link = linkKind(t);
            if (link == FailureKind.OUTCOME_UNKNOWN) {
                return link;
            }
            if (link == FailureKind.PASSES) {
                kind = link;
            }
        }
        return kind;
    }

    /** Whether doing the work of {@code failure} again may succeed. */
    public boolean passes(Throwable failure) {
        return kindOf(failure).passes();
    }

    private FailureKind linkKind(Throwable link) {
        for (FailureClassifier classifier : classifiers) {
            FailureKind kind = classifier.kindOf(link);
            if (kind != null) {
                return kind;
            }
        }
        return link instanceof IOException || link instanceof TimeoutException || link instanceof RejectedExecutionException
                || link instanceof EventNotSentException || link instanceof SQLTransientException
                || link instanceof SQLRecoverableException ? FailureKind.PASSES : null;
    }
}
