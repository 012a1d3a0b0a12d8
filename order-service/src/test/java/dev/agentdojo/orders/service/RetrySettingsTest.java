package dev.agentdojo.orders.service;

import dev.agentdojo.orders.config.OrdersConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The retry sweep refuses settings it cannot keep, at start-up, naming them. */
class RetrySettingsTest {

    @Test
    void aFirstWaitLongerThanTheLongestIsRefused() {
        assertThatThrownBy(() -> new OrderWorkflow(null, null, null, config(Duration.ofMinutes(10), Duration.ofMinutes(5))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("orders.payment-retry-after").hasMessageContaining("orders.payment-retry-max-wait")
                .hasMessageContaining("PT10M").hasMessageContaining("PT5M");
    }

    @Test
    void aFirstWaitOfZeroIsRefused() {
        assertThatThrownBy(() -> new OrderWorkflow(null, null, null, config(Duration.ZERO, Duration.ofMinutes(5))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    }

    @Test
    void theDefaultsAndEqualWaitsAreTaken() {
        assertThatCode(() -> new OrderWorkflow(null, null, null, config(Duration.ofSeconds(10), Duration.ofMinutes(5))))
                .doesNotThrowAnyException();
        assertThatCode(() -> new OrderWorkflow(null, null, null, config(Duration.ofSeconds(10), Duration.ofSeconds(10))))
                .doesNotThrowAnyException();
    }

    private static OrdersConfig config(Duration retryAfter, Duration maxWait) {
        return new OrdersConfig() {
            @Override
            public int maxChainEvents() {
                return 16;
            }

            @Override
            public Duration paymentRetryAfter() {
                return retryAfter;
            }

            @Override
            public Duration paymentRetryMaxWait() {
                return maxWait;
            }

            @Override
            public Duration countEvery() {
                return Duration.ofSeconds(5);
            }
        };
    }
}
