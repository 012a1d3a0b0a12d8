package dev.agentdojo.bus.runtime;

import dev.agentdojo.bus.OnEvent;
import dev.agentdojo.bus.core.ListenerKind;
import dev.agentdojo.bus.core.VertxContexts;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.annotations.Recorder;
import jakarta.enterprise.invoke.Invoker;

import java.util.Set;

/**
 * Records what the build found into a {@link BusWiring}, a synthetic bean that the CDI producer
 * applies to the application's bus as it makes it.
 */
@Recorder
public class OnEventRecorder {

    /** An empty wiring, the synthetic bean's value; the steps below fill it. */
    public RuntimeValue<BusWiring> wiring() {
        VertxContexts.prepare(); // at static init, before Quarkus makes its Vert.x: see VertxContexts
        return new RuntimeValue<>(new BusWiring());
    }

    /**
     * Publishes events on Vert.x at {@code addresses}; at every address when {@code everywhere} (an
     * address known only at run time, such as a configuration expression).
     */
    public void consumedAt(RuntimeValue<BusWiring> wiring, Set<String> addresses, boolean everywhere) {
        wiring.getValue().consumedAt(addresses, everywhere);
    }

    /**
     * Adds one {@code @OnEvent} method under {@code nameOrPattern}.
     *
     * @param kind    {@code SYNC}, {@code ASYNC} or {@code BLOCKING}
     * @param record  the class name of the method's record parameter, or empty when it takes the event
     * @param invoker an instance of the invoker generated for the method
     * @param method  the method as {@code Bean#method(Param)}
     */
    @SuppressWarnings("unchecked")
    public void listen(RuntimeValue<BusWiring> wiring, String nameOrPattern, String kind, boolean once,
                       String record, RuntimeValue<?> invoker, String method) {
        Invoker<Object, Object> call = (Invoker<Object, Object>) invoker.getValue();
        Class<? extends Record> type = record.isEmpty() ? null : load(record);
        ListenerKind k = ListenerKind.valueOf(kind);
        Object listener = k == ListenerKind.ASYNC ? MethodListener.async(method, type, call) : MethodListener.sync(method, type, call);
        wiring.getValue().add(new BusWiring.Declared(nameOrPattern, k, once, listener));
    }

    private static Class<? extends Record> load(String name) {
        try {
            return Class.forName(name, false, Thread.currentThread().getContextClassLoader()).asSubclass(Record.class);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the record " + name + " of an @OnEvent method is gone", e);
        }
    }
}
