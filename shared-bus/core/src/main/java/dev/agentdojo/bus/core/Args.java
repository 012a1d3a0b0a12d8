package dev.agentdojo.bus.core;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * An event's args: unmodifiable lists that hold {@code null}s as given, made with as few
 * allocations as the count allows — one for one or two args (the common case), two for more (the
 * list and a copy of the array, so later changes to the caller's array are not seen).
 */
final class Args {

    private Args() {
    }

    static List<Object> copyOf(Object[] values) {
        return switch (values.length) {
            case 0 -> List.of();
            case 1 -> new One(values[0]);
            case 2 -> new Two(values[0], values[1]);
            default -> new Many(values.clone());
        };
    }

    private static final class One extends AbstractList<Object> implements RandomAccess {
        private final Object first;

        One(Object first) {
            this.first = first;
        }

        @Override
        public Object get(int index) {
            if (index != 0) {
                throw new IndexOutOfBoundsException(index);
            }
            return first;
        }

        @Override
        public int size() {
            return 1;
        }
    }

    private static final class Two extends AbstractList<Object> implements RandomAccess {
        private final Object first;
        private final Object second;

        Two(Object first, Object second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public Object get(int index) {
            return switch (index) {
                case 0 -> first;
                case 1 -> second;
                default -> throw new IndexOutOfBoundsException(index);
            };
        }

        @Override
        public int size() {
            return 2;
        }
    }

    private static final class Many extends AbstractList<Object> implements RandomAccess {
        private final Object[] values;

        Many(Object[] values) {
            this.values = values;
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
}
