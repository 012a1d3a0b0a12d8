package dev.agentdojo.bus;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a bean method a listener of the application's {@link EventBus}, registered at start-up
 * before any event is received from another service — the declarative form of {@link EventBus#on}
 * and its kin, as {@code @ConsumeEvent} is for the Vert.x event bus.
 *
 * <pre>{@code
 * @OnEvent                                   // the name comes from the record's @EventName
 * Uni<Void> charge(PaymentRequested request) { ... }
 *
 * @OnEvent("order:*")                        // a pattern: the method takes the Event
 * void audit(Event event) { ... }
 *
 * @OnEvent(value = "report:due", blocking = true)
 * void writeReport(Event event) { ... }      // may block: never runs on an event loop
 * }</pre>
 *
 * <ul>
 *   <li>The method takes one parameter: the {@link Event}, or a record annotated with
 *   {@link EventName} that the event's args convert to ({@link Event#as}).</li>
 *   <li>Returning {@code void} makes a sync listener ({@link EventBus#on}); returning
 *   {@code Uni} an async one ({@link EventBus#onAsync}) whose completion {@code emit} awaits.</li>
 *   <li>The names: {@link #value()}, or the record's {@link EventName} when empty. A record
 *   parameter needs one exact name, its own; an {@code Event} parameter takes names and patterns.</li>
 * </ul>
 *
 * The methods are found at build time. A bad name or pattern, a parameter or return type other
 * than these, a name given twice, {@code blocking} with a {@code Uni}, or a private or static
 * method fails the build with an error that names the method. A class with {@code @OnEvent}
 * methods and no scope becomes a {@code @Singleton} bean.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OnEvent {

    /** The event names or patterns to listen to; empty for the name of the parameter's record. */
    String[] value() default {};

    /** The method may block: it runs on a worker thread when the event is emitted on an event loop. */
    boolean blocking() default false;

    /** Called for the first matching event only, as {@link EventBus#once}. */
    boolean once() default false;
}
