package dev.agentdojo.bus.core;

import dev.agentdojo.bus.Event;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import io.vertx.core.spi.context.storage.AccessMode;
import io.vertx.core.spi.context.storage.ContextLocal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Everything the bus needs from Vert.x's internal context API ({@link ContextInternal}, which
 * moves in Vert.x 5 / Quarkus 4), in one place: duplicated contexts that carry an event's cause,
 * and work sent to a worker thread.
 *
 * <p>The cause is kept in a {@link ContextLocal} (a slot in the context's array) rather than in the
 * context's local map, which a fresh duplicated context would have to create for each async
 * listener call. A context local exists only in the contexts of Vert.x instances made after it was
 * registered — this class registers it when first used, and the extension uses it before Quarkus
 * makes its Vert.x — so for an older instance the map is used instead.
 */
public final class VertxContexts {

    private static final String CAUSE_KEY = "dev.agentdojo.bus.cause";
    private static final ContextLocal<Event> CAUSE = registerLocal();

    private VertxContexts() {
    }

    private static ContextLocal<Event> registerLocal() {
        try {
            return ContextLocal.registerLocal(Event.class);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Registers the context local now, before a Vert.x instance is made; does nothing more. */
    public static void prepare() {
        // loading this class registered it
    }

    /** Whether this thread is a Vert.x event loop, where nothing may block. */
    static boolean onEventLoop() {
        return Context.isOnEventLoopThread();
    }

    /** The cause carried by the current duplicated context, or null. */
    static Event causeInCurrentContext() {
        ContextInternal context = ContextInternal.current();
        if (context == null || !context.isDuplicate()) {
            return null;
        }
        if (CAUSE != null) {
            try {
                return context.getLocal(CAUSE, AccessMode.CONCURRENT);
            } catch (RuntimeException madeBeforeTheLocal) {
                // see putCause: the cause is in the context's map
            }
        }
        return context.getLocal(CAUSE_KEY) instanceof Event e ? e : null;
    }

    /**
     * Calls {@code call} on this thread inside a fresh duplicated context (of the current one, or of
     * a {@code vertx} context when there is none) that carries {@code cause}: work {@code call}
     * schedules on that context later still sees {@code cause}.
     */
    static <T> T callOnNewContext(Vertx vertx, Event cause, Supplier<T> call) {
        ContextInternal base = ContextInternal.current();
        ContextInternal context = (base != null ? base : (ContextInternal) vertx.getOrCreateContext()).duplicate();
        if (!putCause(context, cause)) {
            context.putLocal(CAUSE_KEY, cause);
        }
        ContextInternal previous = context.beginDispatch();
        try {
            return call.get();
        } finally {
            context.endDispatch(previous);
        }
    }

    /**
     * Runs {@code task} on a worker thread of the current context, unordered; {@code done} completes
     * with its failure, or with null.
     */
    static void runOnWorker(Callable<?> task, CompletableFuture<Throwable> done) {
        ContextInternal.current().executeBlocking(task, false)
                .onComplete(result -> done.complete(result.failed() ? result.cause() : null));
    }

    /**
     * Puts {@code cause} in the context local; false when {@code context}'s Vert.x instance has none:
     * one made before the local was registered has no slot for it, and answers with an exception
     * (never, when the bus made or was prepared before its Vert.x, as both the extension and
     * {@code EventBus.create()} do).
     */
    private static boolean putCause(ContextInternal context, Event cause) {
        if (CAUSE == null) {
            return false;
        }
        try {
            context.putLocal(CAUSE, AccessMode.CONCURRENT, cause);
            return true;
        } catch (RuntimeException madeBeforeTheLocal) {
            return false;
        }
    }
}
