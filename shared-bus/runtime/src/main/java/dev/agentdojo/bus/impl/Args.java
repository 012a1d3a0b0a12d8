package dev.agentdojo.bus.impl;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * An event's args: an unmodifiable list over a copy of the array given to {@code emit}, made in
 * one allocation besides the copy. Holds {@code null}s as given.
 */
final class Args extends AbstractList<Object> implements RandomAccess {

    private final Object[] values;

    private Args(Object[] values) {
        this.values = values;
    }

    /** The args of an emit: a copy of {@code values}, so later changes to the caller's array are not seen. */
    static Args copyOf(Object[] values) {
        return new Args(values.clone());
    }

    @Override
    public Object get(int index) {
        return values[index];
    }

    @Override
    public int size() {
        return values.length;
    }
}
