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
     * How long a payment may stay {@code CHARGING} (recorded, its outcome not yet) before the
     * payment-service finishes it itself, without waiting for its request to come again.
     */
    @WithDefault("1m")
    Duration resumeChargingAfter();

    /** How often the payments left {@code CHARGING} are looked for. */
    @WithDefault("30s")
    Duration resumeChargingEvery();

    /**
     * Makes the stand-in gateway fail every charge with an error that does not pass, as a bug or a
     * revoked provider key would: each payment request is dead-lettered, its payment left
     * {@code CHARGING}. For trying out what follows such a failure (a dead letter, retried once the
     * cause is fixed); never true in production.
     */
    @WithDefault("false")
    boolean gatewayFails();

}
