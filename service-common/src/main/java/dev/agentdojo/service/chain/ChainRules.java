package dev.agentdojo.service.chain;

/**
 * What the chain's events hold: the one rule for what is valid, from the front door to the last
 * hop. {@code POST /orders} checks its body with these constraints, and a service checks every
 * chain event it reads from the log ({@link ChainEvents#read}) with them, so whatever the front
 * door accepts, every later hop accepts too.
 */
public final class ChainRules {

    /** An id: 1 to 64 letters, digits, {@code - _ . :} (order and payment ids are UUIDs). */
    public static final String ID = "[A-Za-z0-9._:-]{1,64}";
    public static final String ID_MESSAGE = "must be 1 to 64 letters, digits or - _ . :";
    /** The largest amount the services hold (their databases' numeric(9, 2)). */
    public static final String MAX_AMOUNT = "9999999.99";
    /**
     * Text without control or format characters, nor line or paragraph separators (nothing that
     * breaks a log line or hides in it, such as a zero-width space or a byte-order mark).
     */
    public static final String NO_CONTROL_CHARACTERS = "[^\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]*";
    public static final String NO_CONTROL_MESSAGE = "must not contain control characters";

    private ChainRules() {
    }
}
