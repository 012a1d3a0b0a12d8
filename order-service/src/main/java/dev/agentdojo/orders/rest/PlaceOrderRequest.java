package dev.agentdojo.orders.rest;

import dev.agentdojo.service.chain.ChainRules;
import dev.agentdojo.service.chain.CurrencyCode;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.math.BigDecimal;

/**
 * The body of {@code POST /orders}, checked with the chain's own rules ({@link ChainRules},
 * {@link CurrencyCode}), so that an order the front door accepts is one payment-service can settle.
 *
 * @param customer 1–100 characters, none of them a control character
 * @param amount   more than 0, at most 1,000,000, at most 2 decimals
 * @param currency an ISO 4217 code, such as {@code EUR} (the default when left out)
 */
public record PlaceOrderRequest(
        @NotBlank(message = "must not be blank")
        @Size(max = 100, message = "must be at most 100 characters")
        @Pattern(regexp = ChainRules.NO_CONTROL_CHARACTERS, message = ChainRules.NO_CONTROL_MESSAGE)
        String customer,

        @NotNull(message = "is required")
        @DecimalMin(value = "0", inclusive = false, message = "must be more than 0")
        @DecimalMax(value = "1000000", message = "must be at most 1000000")
        @Digits(integer = 7, fraction = 2, message = "must have at most 2 decimals")
        BigDecimal amount,

        @CurrencyCode(message = "must be an ISO 4217 currency code (three capital letters, such as EUR)")
        String currency) {

    public static final String DEFAULT_CURRENCY = "EUR";

    public String currencyOrDefault() {
        return currency == null ? DEFAULT_CURRENCY : currency;
    }
}
