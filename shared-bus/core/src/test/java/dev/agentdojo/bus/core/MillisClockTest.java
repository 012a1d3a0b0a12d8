package dev.agentdojo.bus.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The clock that stamps events: never ahead of the system clock, exact after a pause, asleep when unused, gone when closed. */
class MillisClockTest {

    private final MillisClock clock = new MillisClock();

    @AfterEach
    void close() {
        clock.close();
    }

    @Test
    void aReadingIsNeverAheadOfTheSystemClock() {
        for (int i = 0; i < 100_000; i++) {
            long reading = clock.millis();
            assertThat(reading).isLessThanOrEqualTo(System.currentTimeMillis());
        }
    }

    @Test
    void whileInUseItTicks() {
        long first = clock.millis();

        await().atMost(Duration.ofSeconds(30)).until(() -> clock.millis() > first);
    }

    @Test
    void unusedItFallsAsleep_andTheFirstReadAfterwardsIsTheSystemClockItself() {
        clock.millis();

        await().atMost(Duration.ofSeconds(30)).until(clock::isAsleep);
        long before = System.currentTimeMillis();
        long reading = clock.millis();
        long after = System.currentTimeMillis();

        assertThat(reading).isBetween(before, after);
        // (whether the ticker is awake now is not asserted: on a busy machine it may already sleep again)
    }

    @Test
    void closedItsThreadEnds_andReadsTakeTheSystemClock() {
        clock.millis();

        clock.close();

        await().atMost(Duration.ofSeconds(30)).until(clock::hasEnded);
        long before = System.currentTimeMillis();
        assertThat(clock.millis()).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void twoClocksShareNothing() {
        try (MillisClock other = new MillisClock()) {
            clock.millis();
            other.millis();
            other.close();

            await().atMost(Duration.ofSeconds(30)).until(other::hasEnded);
            assertThat(clock.hasEnded()).isFalse();
        }
    }
}
