package dev.agentdojo.service.chain;

import dev.agentdojo.bus.EventName;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.math.BigDecimal;

/** The charge was declined (payment-service). Args: {@code (orderId, reason, amount, currency)}. */
@EventName(PaymentFailed.NAME)
public record PaymentFailed(
        @NotNull @Pattern(regexp = ChainRules.ID, message = ChainRules.ID_MESSAGE) String orderId,
        @NotBlank @Size(max = 500) @Pattern(regexp = ChainRules.NO_CONTROL_CHARACTERS, message = ChainRules.NO_CONTROL_MESSAGE) String reason,
        @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax(ChainRules.MAX_AMOUNT) @Digits(integer = 7, fraction = 2) BigDecimal amount,
        @NotNull @CurrencyCode String currency) implements OrderEvent {

    public static final String NAME = "payment:failed";
}
