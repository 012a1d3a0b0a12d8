package dev.agentdojo.service.rest;

import jakarta.ws.rs.BadRequestException;

/** The {@code ?limit=} query parameter of the list endpoints, checked the same way everywhere. */
public final class QueryLimit {

    /** The largest {@code limit} any list endpoint accepts. */
    public static final int MAX = 1_000;

    private QueryLimit() {
    }

    /**
     * {@code value} as a whole number from 1 to {@value #MAX}.
     *
     * @throws BadRequestException (a 400 problem) naming the parameter and the accepted range
     */
    public static int parse(String value) {
        return parse(value, "limit");
    }

    /** {@code value} of query parameter {@code name} as a whole number from 1 to {@value #MAX}; see {@link #parse(String)}. */
    public static int parse(String value, String name) {
        try {
            int limit = Integer.parseInt(value.trim());
            if (limit >= 1 && limit <= MAX) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new BadRequestException("query parameter '" + name + "' must be a whole number from 1 to " + MAX
                + ", was '" + Problem.echo(value, 20) + "'");
    }
}
