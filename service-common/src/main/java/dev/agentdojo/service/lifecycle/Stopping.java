package dev.agentdojo.service.lifecycle;

/**
 * Tells a failure that only means the application is stopping. When a service stops, its database
 * (Hibernate's session factory, the connection pool) closes while an event received a moment before
 * may still be in a listener, or a scheduled task still running. What fails then is made good after
 * the next start: a task runs again, and an order whose outcome was lost this way is asked for again
 * and its outcome announced again (see payment-service's {@code payment.reannounce-logged-after}),
 * so nothing is lost and there is nothing to tell anyone.
 */
public final class Stopping {

    private Stopping() {
    }

    /** Whether {@code failure}, or one of its causes, is an {@link IllegalStateException} saying something "is closed". */
    public static boolean explains(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IllegalStateException && t.getMessage() != null && t.getMessage().contains("is closed")) {
                return true;
            }
        }
        return false;
    }
}
