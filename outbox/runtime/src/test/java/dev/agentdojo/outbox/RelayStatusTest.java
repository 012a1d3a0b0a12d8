package dev.agentdojo.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A relay that cannot run says so: a broker silent while it starts is waited for (readiness DOWN,
 * not counted as failed) for up to a lease; silent longer, or any other cause, is a failure.
 */
class RelayStatusTest {

    private static final Duration LEASE = Duration.ofSeconds(10);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final Counter failures = new SimpleMeterRegistry().counter("failures");
    private final RelayStatus status = new RelayStatus(failures, LEASE, Duration.ofSeconds(1), now::get);

    private void after(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    @Test
    void aBrokerSilentWhileItStartsIsWaitedForWithoutAFailure_andForgottenOnceTheRelayRuns() {
        status.brokerSilent("the broker does not answer the relay (InitProducerId)");
        after(Duration.ofSeconds(6));
        status.brokerSilent("the broker does not answer the relay (InitProducerId)");

        assertThat(status.problem()).as("readiness is DOWN meanwhile, with the cause").contains("does not answer");
        assertThat(failures.count()).isZero();
        assertThat(status.failingLongerThan(Duration.ZERO)).isFalse();

        status.runningAgain();
        assertThat(status.problem()).isNull();
        after(Duration.ofSeconds(20));
        status.brokerSilent("the broker does not answer the relay (InitProducerId)");
        assertThat(failures.count()).as("a new wait starts anew").isZero();
    }

    @Test
    void aBrokerSilentLongerThanALeaseIsAFailure_countedOnce() {
        status.brokerSilent("silent");
        after(LEASE.plusSeconds(1));
        status.brokerSilent("silent");
        after(Duration.ofSeconds(1));
        status.brokerSilent("silent");

        assertThat(failures.count()).isEqualTo(1);
        assertThat(status.problem()).isEqualTo("silent");
        after(LEASE.multipliedBy(3));
        assertThat(status.failingLongerThan(LEASE.multipliedBy(3))).as("so the lease is handed on in time").isTrue();
    }

    @Test
    void anyOtherCauseIsAFailureAtOnce_andEachNewCauseIsCounted() {
        status.failed("the broker does not accept this service's login");
        status.failed("the broker does not accept this service's login");
        assertThat(failures.count()).isEqualTo(1);
        status.failed("the outbox left its publication");
        assertThat(failures.count()).isEqualTo(2);
        assertThat(status.problem()).isEqualTo("the outbox left its publication");

        status.runningAgain();
        assertThat(status.problem()).isNull();
        assertThat(status.failingLongerThan(Duration.ZERO)).isFalse();
    }

    @Test
    void standingByEndsAWaitForTheBroker() {
        status.brokerSilent("silent");
        status.standsBy();
        assertThat(status.problem()).isNull();
        after(LEASE.plusSeconds(1));
        status.brokerSilent("silent");
        assertThat(failures.count()).isZero();
    }
}
