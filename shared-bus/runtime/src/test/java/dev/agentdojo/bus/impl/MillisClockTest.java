package dev.agentdojo.bus.impl;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The clock that stamps events: never ahead of the system clock, exact after a pause, asleep when unused. */
class MillisClockTest {

    @Test
    void aReadingIsNeverAheadOfTheSystemClock() {
        for (int i = 0; i < 100_000; i++) {
            long reading = MillisClock.millis();
            assertThat(reading).isLessThanOrEqualTo(System.currentTimeMillis());
        }
    }

    @Test
    void whileInUseItTicks() {
        long first = MillisClock.millis();

        await().atMost(Duration.ofSeconds(30)).until(() -> MillisClock.millis() > first);
    }

    @Test
    void unusedItFallsAsleep_andTheFirstReadAfterwardsIsTheSystemClockItself() {
        MillisClock.millis();

        await().atMost(Duration.ofSeconds(30)).until(MillisClock::isAsleep);
        long before = System.currentTimeMillis();
        long reading = MillisClock.millis();
        long after = System.currentTimeMillis();

        assertThat(reading).isBetween(before, after);
        // (whether the ticker is awake now is not asserted: on a busy machine it may already sleep again)
    }
}
