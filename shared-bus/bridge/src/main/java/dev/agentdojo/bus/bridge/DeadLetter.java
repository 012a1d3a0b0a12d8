package dev.agentdojo.bus.bridge;

import dev.agentdojo.bus.Event;

/**
 * A record the bridge could never hand on, as it is set aside: what it carried, where it was read,
 * and why it is refused. Given to the {@link DeadLetterStore} before the record goes to the
 * dead-letter topic.
 *
 * @param reason    why, in one word ({@code invalid}, {@code not-owners}, {@code failed})
 * @param failure   what refused it: the listener's exception, or why it is no event envelope
 * @param topic     the topic it was read from; null off Kafka
 * @param partition its partition; null off Kafka
 * @param offset    its offset; null off Kafka
 * @param envelope  the record's value as it was read (an event envelope, or what could not be read as one)
 * @param event     the event it carries; null when it is not an event envelope
 */
public record DeadLetter(String reason, Throwable failure, String topic, Integer partition, Long offset, String envelope,
                         Event event) {
}
