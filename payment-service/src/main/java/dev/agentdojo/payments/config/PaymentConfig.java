package dev.agentdojo.payments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.math.BigDecimal;
import java.time.Duration;

/** The {@code payment.*} settings. */
@ConfigMapping(prefix = "payment")
public interface PaymentConfig {

    /** Charges above this amount (in any currency) are declined. */
    @WithDefault("10000")
    BigDecimal limit();

    /**
     * When order-service asks again for an order whose outcome was announced at least this long ago
     * and never read back from the event log, the outcome is announced again: the instance that
     * announced it crashed before it reached the log. Must exceed {@code event-bus.bridge.send-timeout}, the time an
     * announcement takes to reach the log or fail.
     */
    @WithDefault("15s")
    Duration reannounceAfter();

    /**
     * Asked again for an order whose outcome was read back from the event log at least this long
     * ago, payment-service announces it again all the same: order-service evidently did not apply it
     * (it stopped while handling it). Long, so that an order-service that merely lags behind the log
     * does not get the outcome twice.
     */
    @WithDefault("60s")
    Duration reannounceLoggedAfter();
}
