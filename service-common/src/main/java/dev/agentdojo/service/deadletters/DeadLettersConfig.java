package dev.agentdojo.service.deadletters;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The {@code service.dead-letters.*} settings: who may see and handle the service's dead letters, and how long a retry is waited for. */
@ConfigMapping(prefix = "service.dead-letters")
public interface DeadLettersConfig {

    /**
     * The operator's credential: a request to {@code /dead-letters} on the management port must
     * carry it as {@code Authorization: Bearer <token>} (401 without one, 403 with another). Unset,
     * nobody may list, retry or discard dead letters (403, saying this property is unset). Set from
     * {@code DEAD_LETTERS_TOKEN} by default; the scripts and the end-to-end tests make one at
     * random, kept with the local servers' passwords.
     */
    Optional<String> token();

    /**
     * How long {@code POST /dead-letters/{id}/retry} waits for the outcome of handing the event to
     * the listeners again; past it, the answer is 202 and the letter stays {@code RETRYING} until
     * its outcome is known (its listeners failing for a reason that passes are tried again meanwhile).
     */
    @WithDefault("10s")
    Duration answerWithin();

    /**
     * How long a letter may stay {@code RETRYING} before another retry may take it over (its
     * instance died while handling it, or its retry still waits on a passing failure). A retry
     * taken over records its outcome among the letter's actions but no longer changes the letter;
     * the listeners' idempotence keeps an order from being handled twice.
     */
    @WithDefault("5m")
    Duration retryTakenOverAfter();
}
