package dev.agentdojo.bus.names;

/**
 * The grammar of event names and patterns that {@code EventBus} describes: segments of letters,
 * digits, {@code _ - .} joined by {@code :}; in patterns a segment may be {@code *}, and {@code *}
 * alone matches everything. Checks allocate nothing on the happy path. In a package of its own,
 * which knows nothing of the bus: the API ({@code dev.agentdojo.bus}: its constants, the names of
 * typed events) and the implementation both read it.
 */
public final class EventNames {

    /** The pattern that matches every event: {@code EventBus.ALL}. */
    public static final String ALL = "*";

    /** The longest accepted event name: {@code EventBus.MAX_NAME_LENGTH}. */
    public static final int MAX_LENGTH = 255;

    private EventNames() {
    }

    /** Returns {@code name} if it is a valid event name (no patterns); else throws. */
    public static String requireEventName(String name) {
        check(name, false);
        return name;
    }

    /** Returns {@code name} if it is a valid event name or pattern; else throws. */
    public static String requireNameOrPattern(String name) {
        check(name, true);
        return name;
    }

    /** Whether a valid name is a pattern (contains a {@code *} segment). */
    public static boolean isPattern(String name) {
        return name.indexOf('*') >= 0;
    }

    /**
     * Whether {@code pattern} matches the event {@code name}: {@code *} matches every name; else
     * both have the same number of segments and each pattern segment is {@code *} or equal.
     */
    public static boolean matches(String pattern, String name) {
        if (pattern.equals(ALL)) {
            return true;
        }
        int p = 0;
        int n = 0;
        while (true) {
            int pEnd = segmentEnd(pattern, p);
            int nEnd = segmentEnd(name, n);
            boolean wildcard = pEnd - p == 1 && pattern.charAt(p) == '*';
            if (!wildcard && (pEnd - p != nEnd - n || !pattern.regionMatches(p, name, n, pEnd - p))) {
                return false;
            }
            boolean pDone = pEnd == pattern.length();
            boolean nDone = nEnd == name.length();
            if (pDone || nDone) {
                return pDone && nDone;
            }
            p = pEnd + 1;
            n = nEnd + 1;
        }
    }

    private static int segmentEnd(String s, int from) {
        int i = s.indexOf(':', from);
        return i < 0 ? s.length() : i;
    }

    private static void check(String name, boolean patternAllowed) {
        String what = patternAllowed ? "event name or pattern" : "event name";
        if (name == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        if (name.length() > MAX_LENGTH) {
            throw new IllegalArgumentException(what + " is " + name.length() + " characters long; at most "
                    + MAX_LENGTH + " are allowed");
        }
        int segmentStart = 0;
        boolean segmentHasStar = false;
        for (int i = 0; i <= name.length(); i++) {
            char c = i < name.length() ? name.charAt(i) : ':';
            if (c == ':') {
                if (i == segmentStart) {
                    throw malformed(what, name, "it has an empty segment (names look like 'order:created')");
                }
                if (segmentHasStar && i - segmentStart != 1) {
                    throw malformed(what, name, "'*' must stand alone in its segment, as in 'order:*'");
                }
                segmentStart = i + 1;
                segmentHasStar = false;
            } else if (c == '*') {
                if (!patternAllowed) {
                    throw malformed(what, name, "'*' is for listener patterns; an emitted event needs a concrete name");
                }
                segmentHasStar = true;
            } else if (!isNameChar(c)) {
                throw malformed(what, name, "character " + describe(c) + " at position " + i
                        + " is not allowed (use letters, digits, '_', '-', '.', and ':' between segments)");
            }
        }
    }

    private static boolean isNameChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '-' || c == '.';
    }

    private static String describe(char c) {
        return Character.isISOControl(c) || Character.isWhitespace(c)
                ? String.format("U+%04X", (int) c)
                : "'" + c + "'";
    }

    private static IllegalArgumentException malformed(String what, String name, String why) {
        String shown = name.chars().anyMatch(Character::isISOControl) ? name.replaceAll("\\p{Cntrl}", "?") : name;
        return new IllegalArgumentException(what + " '" + shown + "' is malformed: " + why);
    }
}
