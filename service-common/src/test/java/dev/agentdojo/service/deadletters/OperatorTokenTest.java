package dev.agentdojo.service.deadletters;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may see and handle the dead letters: the holder of the operator's token, and nobody while none is set. */
class OperatorTokenTest {

    private final OperatorToken token = new OperatorToken(Optional.of("s3cret-token"));

    @Test
    void theOperatorsTokenAsABearerCredentialIsAllowed() {
        assertThat(token.check("Bearer s3cret-token")).isEqualTo(OperatorToken.Verdict.ALLOWED);
        assertThat(token.check("bearer s3cret-token ")).isEqualTo(OperatorToken.Verdict.ALLOWED);
    }

    @Test
    void noCredentialIsMissing_anotherIsWrong() {
        assertThat(token.check(null)).isEqualTo(OperatorToken.Verdict.MISSING);
        assertThat(token.check("Basic czNjcmV0LXRva2Vu")).isEqualTo(OperatorToken.Verdict.MISSING);
        assertThat(token.check("Bearer s3cret-tokeN")).isEqualTo(OperatorToken.Verdict.WRONG);
        assertThat(token.check("Bearer ")).isEqualTo(OperatorToken.Verdict.WRONG);
    }

    @Test
    void withNoTokenConfiguredNobodyMay_andTheRefusalNamesTheSetting() {
        for (Optional<String> none : java.util.List.of(Optional.<String>empty(), Optional.of("  "))) {
            OperatorToken closed = new OperatorToken(none);
            assertThat(closed.check("Bearer ")).isEqualTo(OperatorToken.Verdict.NONE_CONFIGURED);
            assertThat(closed.check("Bearer anything")).isEqualTo(OperatorToken.Verdict.NONE_CONFIGURED);
        }
        assertThat(OperatorToken.Verdict.NONE_CONFIGURED.detail()).contains("service.dead-letters.token", "DEAD_LETTERS_TOKEN");
    }
}
