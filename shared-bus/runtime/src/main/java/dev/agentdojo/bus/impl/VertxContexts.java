package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.Event;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Everything the bus needs from Vert.x's internal context API ({@link ContextInternal}, which
 * moves in Vert.x 5 / Quarkus 4), in one place: duplicated contexts that carry an event's cause,
 * and work sent to a worker thread.
 */
final class VertxContexts {

    private static final String CAUSE = "dev.agentdojo.bus.cause";

    private VertxContexts() {
    }

    /** Whether this thread is a Vert.x event loop, where nothing may block. */
    static boolean onEventLoop() {
        return Context.isOnEventLoopThread();
    }

    /** The cause carried by the current duplicated context, or null. */
    static Event causeInCurrentContext() {
        ContextInternal context = ContextInternal.current();
        if (context != null && context.isDuplicate()) {
            return context.getLocal(CAUSE) instanceof Event e ? e : null;
        }
        return null;
    }

    /**
     * Calls {@code call} on this thread inside a fresh duplicated context (of the current one, or of
     * a {@code vertx} context when there is none) that carries {@code cause}: work {@code call}
     * schedules on that context later still sees {@code cause}.
     */
    static <T> T callOnNewContext(Vertx vertx, Event cause, Supplier<T> call) {
        ContextInternal base = ContextInternal.current();
        ContextInternal context = (base != null ? base : (ContextInternal) vertx.getOrCreateContext()).duplicate();
        context.putLocal(CAUSE, cause);
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
        ContextInternal.current().executeBlocking(task, false).onComplete(result -> done.complete(result.failed() ? result.cause() : null));
    }
}
