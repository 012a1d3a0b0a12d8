package dev.agentdojo.bus;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the event a record stands for, making it a typed event: its components, in declaration
 * order, are the event's args.
 *
 * <pre>{@code
 * @EventName("order:created")
 * public record OrderCreated(String orderId, String customer, BigDecimal amount, String currency) {}
 *
 * bus.emit(new OrderCreated("o-1", "ada", new BigDecimal("12.50"), "EUR"));   // args: o-1, ada, 12.50, EUR
 * OrderCreated created = event.as(OrderCreated.class);                      // and back
 * }</pre>
 *
 * On the wire nothing changes: the envelope carries the name and the args as a JSON array, so a
 * service that reads args by position, in any language, reads a typed event as before.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventName {

    /** The event's name, such as {@code order:created}: a name, not a pattern. */
    String value();
}
