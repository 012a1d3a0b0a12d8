package dev.agentdojo.service.deadletters;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The operator's credential for the dead letters ({@code service.dead-letters.token}): a request
 * must carry it as {@code Authorization: Bearer <token>}. Compared in constant time. With no token
 * configured, every request is refused, saying which setting opens them. Immutable; thread-safe.
 */
@ApplicationScoped
public class OperatorToken {

    /** What a request's credential is worth. */
    public enum Verdict {
        ALLOWED(null),
        MISSING("the dead letters are for the operator: send 'Authorization: Bearer <token>' (service.dead-letters.token)"),
        WRONG("this token does not open the dead letters"),
        NONE_CONFIGURED("nobody may see or handle this service's dead letters: no operator token is set "
                + "(service.dead-letters.token, or DEAD_LETTERS_TOKEN)");

        private final String detail;

        Verdict(String detail) {
            this.detail = detail;
        }

        /** Why a request is refused, for its problem's detail. */
        public String detail() {
            return detail;
        }
    }

    private final byte[] token;

    @Inject
    OperatorToken(DeadLettersConfig config) {
        this(config.token());
    }

    OperatorToken(Optional<String> token) {
        this.token = token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
    }

    /** What the {@code Authorization} header {@code authorization} (null when absent) is worth. */
    public Verdict check(String authorization) {
        if (token == null) {
            return Verdict.NONE_CONFIGURED;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Verdict.MISSING;
        }
        byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token) ? Verdict.ALLOWED : Verdict.WRONG;
    }
}
