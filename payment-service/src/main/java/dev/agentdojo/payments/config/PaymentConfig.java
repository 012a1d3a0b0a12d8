package dev.agentdojo.payments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.math.BigDecimal;

/** The {@code payment.*} settings. */
@ConfigMapping(prefix = "payment")
public interface PaymentConfig {

    /** Charges above this amount (in any currency) are declined. */
    @WithDefault("10000")
    BigDecimal limit();

}
