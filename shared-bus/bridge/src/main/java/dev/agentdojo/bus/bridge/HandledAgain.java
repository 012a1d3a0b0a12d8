package dev.agentdojo.bus.bridge;

/**
 * What became of a dead letter handed to the listeners again ({@link EventBridge#handleAgain}).
 *
 * @param outcome what happened
 * @param reason  why it was dead-lettered again ({@code failed}, {@code invalid}, {@code not-owners}),
 *                or why it was skipped ({@code duplicate}, {@code own}); null when handled
 * @param failure what refused it when dead-lettered again; else null
 */
public record HandledAgain(Outcome outcome, String reason, Throwable failure) {

    /** What happened to the event. */
    public enum Outcome {
        /** Its listeners completed: what they do is committed, and the chain goes on. */
        HANDLED,
        /** Not handed on: this instance handled it already, or it is this service's own event. */
        SKIPPED,
        /** Refused again, for {@link #reason}: nothing was done. */
        DEAD_LETTERED
    }
}
