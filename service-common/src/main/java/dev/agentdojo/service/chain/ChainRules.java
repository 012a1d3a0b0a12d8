package dev.agentdojo.service.chain;

/**
 * What the chain's events hold, checked on both sides: when a service emits one, and when it reads
 * one from the log ({@link ChainEvents#read}), as strictly as an HTTP request.
 */
final class ChainRules {

    /** An id: 1 to 64 letters, digits, {@code - _ . :} (order and payment ids are UUIDs). */
    static final String ID = "[A-Za-z0-9._:-]{1,64}";
    static final String ID_MESSAGE = "must be 1 to 64 letters, digits or - _ . :";
    /** The largest amount the services hold (their databases' numeric(9, 2)). */
    static final String MAX_AMOUNT = "9999999.99";
    /** Text without control characters (no line breaks: it goes into log lines). */
    static final String NO_CONTROL_CHARACTERS = "[^\\p{Cntrl}]*";
    static final String NO_CONTROL_MESSAGE = "must not contain control characters";

    private ChainRules() {
    }
}
