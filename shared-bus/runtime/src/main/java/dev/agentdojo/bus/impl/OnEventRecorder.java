package dev.agentdojo.bus.impl;

import dev.agentdojo.bus.impl.Registration.Kind;
import io.quarkus.runtime.RuntimeValue;
import io.quarkus.runtime.annotations.Recorder;
import jakarta.enterprise.invoke.Invoker;

import java.util.Set;

/**
 * Records what the build found into a {@link BusWiring}, which the CDI producer applies to the
 * application's bus as it makes it.
 */
@Recorder
public class OnEventRecorder {

    /**
     * A wiring that publishes events on Vert.x at {@code addresses}; at every address when
     * {@code everywhere} (an address known only at run time, such as a configuration expression).
     */
    public RuntimeValue<BusWiring> wiring(Set<String> addresses, boolean everywhere) {
        VertxContexts.prepare(); // at static init, before Quarkus makes its Vert.x: see VertxContexts
        return new RuntimeValue<>(new BusWiring(addresses, everywhere));
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
        Kind k = Kind.valueOf(kind);
        Object listener = k == Kind.ASYNC ? MethodListener.async(method, type, call) : MethodListener.sync(method, type, call);
        wiring.getValue().add(new BusWiring.Declared(nameOrPattern, k, once, listener));
    }

    /** Makes {@code wiring} the one the application's bus gets. */
    public void install(RuntimeValue<BusWiring> wiring) {
        wiring.getValue().install();
    }

    private static Class<? extends Record> load(String name) {
        try {
            return Class.forName(name, false, Thread.currentThread().getContextClassLoader()).asSubclass(Record.class);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the record " + name + " of an @OnEvent method is gone", e);
        }
    }
}
