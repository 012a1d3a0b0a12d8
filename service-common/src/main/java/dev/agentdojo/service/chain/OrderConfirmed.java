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

/** The charge went through (payment-service). Args: {@code (orderId, paymentId, amount, currency)}. */
@EventName(OrderConfirmed.NAME)
public record OrderConfirmed(
        @NotNull @Pattern(regexp = ChainRules.ID, message = ChainRules.ID_MESSAGE) String orderId,
        @NotNull @Pattern(regexp = ChainRules.ID, message = ChainRules.ID_MESSAGE) String paymentId,
        @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax(ChainRules.MAX_AMOUNT) @Digits(integer = 7, fraction = 2) BigDecimal amount,
        @NotNull @CurrencyCode String currency) implements OrderEvent {

    public static final String NAME = "order:confirmed";
}
