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

/**
 * The order's payment is asked for (order-service, once per order, committed with the order;
 * payment-service charges it). Args: {@code (orderId, amount, currency)}.
 */
@EventName(PaymentRequested.NAME)
public record PaymentRequested(
        @NotNull @Pattern(regexp = ChainRules.ID, message = ChainRules.ID_MESSAGE) String orderId,
        @NotNull @DecimalMin(value = "0", inclusive = false) @DecimalMax(ChainRules.MAX_AMOUNT) @Digits(integer = 7, fraction = 2) BigDecimal amount,
        @NotNull @CurrencyCode String currency) implements OrderEvent {

    public static final String NAME = "payment:process";
}
