package dev.agentdojo.benchmarks;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SideBySideTest {

    @Test
    void eachPartIsWhatItUsedDuringTheRunPerAcceptedOrderWithPostgresProcessesSummed() {
        SideBySide.Run run = SideBySide.run(
                List.of("order-service 1000", "kafka-broker 50", "postgresql 10", "postgresql 20"),
                List.of("order-service 1100", "kafka-broker 70", "postgresql 40", "postgresql 30"),
                100, 500);

        assertThat(run.perOrder("order-service")).isCloseTo(2.0, within(1e-9));   // 100 ticks = 1,000 ms, over 500 orders
        assertThat(run.perOrder("postgresql")).isCloseTo(0.8, within(1e-9));      // (40 + 30) - (10 + 20) ticks
        assertThat(run.perOrder()).isCloseTo(3.2, within(1e-9));
    }

    @Test
    void aTraceBackendIsNotCountedAsTheStacks() {
        SideBySide.Run run = SideBySide.run(List.of("order-service 0", "zipkin 0"), List.of("order-service 100", "zipkin 900"), 100, 1000);

        assertThat(run.perOrder()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void theRatioIsTheStacksCpuPerOrderOverTheFloorsEachOverItsOwnOrders() {
        SideBySide.Run stack = SideBySide.run(List.of("order-service 0", "postgresql 0"), List.of("order-service 300", "postgresql 100"), 100, 1000);
        SideBySide.Run floor = SideBySide.run(List.of("floor-order 0", "postgresql 0"), List.of("floor-order 200", "postgresql 200"), 100, 2000);

        assertThat(SideBySide.ratio(stack, floor)).isCloseTo(2.0, within(1e-9)); // 4 ms against 2 ms per order
        assertThat(SideBySide.table(stack, floor))
                .contains("| order-service / the floor's order side | 3.000 | 1.000 | 3.00x |")
                .contains("| PostgreSQL | 1.000 | 1.000 | 1.00x |")
                .contains("The stack / the floor, CPU per order: 2.00x");
    }

    @Test
    void aPartAbsentFromOneSideCountsNothingAndNoAcceptedOrderGivesNoFigure() {
        SideBySide.Run run = SideBySide.run(List.of(), List.of("kafka-broker 100"), 100, 0);

        assertThat(run.perOrder("kafka-broker")).isNaN();
        assertThat(SideBySide.run(List.of(), List.of("kafka-broker 100"), 100, 10).perOrder("payment-service")).isZero();
    }
}
