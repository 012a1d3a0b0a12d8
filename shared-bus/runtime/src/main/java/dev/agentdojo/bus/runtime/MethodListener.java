package dev.agentdojo.bus.runtime;

import dev.agentdojo.bus.AsyncListener;
import dev.agentdojo.bus.Event;
import dev.agentdojo.bus.Listener;
import dev.agentdojo.bus.OnEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.invoke.Invoker;

/**
 * An {@code @OnEvent} method as a listener: the bean is looked up and the method called through an
 * invoker generated at build time (no reflection), with the event, or the event read as the
 * method's record ({@link Event#as}). Its {@code toString} names the method, for logs and the Dev UI.
 */
abstract class MethodListener {

    private final String method;
    private final Class<? extends Record> record;
    private final Invoker<Object, Object> invoker;

    private MethodListener(String method, Class<? extends Record> record, Invoker<Object, Object> invoker) {
        this.method = method;
        this.record = record;
        this.invoker = invoker;
    }

    /**
     * @param method  the method as {@code Bean#method(Param)}
     * @param record  the method's record parameter, or null when it takes the {@link Event}
     * @param invoker calls the method on the bean, looked up for each call
     */
    static Listener sync(String method, Class<? extends Record> record, Invoker<Object, Object> invoker) {
        return new Sync(method, record, invoker);
    }

    /** Like {@link #sync}, for a method that returns a {@code Uni}. */
    static AsyncListener async(String method, Class<? extends Record> record, Invoker<Object, Object> invoker) {
        return new Async(method, record, invoker);
    }

    final Object call(Event event) throws Exception {
        return invoker.invoke(null, new Object[] {record == null ? event : event.as(record)});
    }

    @Override
    public final String toString() {
        return method;
    }

    private static final class Sync extends MethodListener implements Listener {

        Sync(String method, Class<? extends Record> record, Invoker<Object, Object> invoker) {
            super(method, record, invoker);
        }

        @Override
        public void onEvent(Event event) throws Exception {
            call(event);
        }
    }

    private static final class Async extends MethodListener implements AsyncListener {

        Async(String method, Class<? extends Record> record, Invoker<Object, Object> invoker) {
            super(method, record, invoker);
        }

        @Override
        public Uni<?> onEvent(Event event) {
            try {
                return (Uni<?>) call(event);
            } catch (Exception e) {
                return Uni.createFrom().failure(e);
            }
        }
    }
}
