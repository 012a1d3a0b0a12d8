package dev.agentdojo.bus;

import dev.agentdojo.bus.json.Json;
import dev.agentdojo.bus.names.EventNames;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Arrays;

/**
 * Typed events: records annotated with {@link EventName}, whose components are the event's args in
 * declaration order. The shape of each record type is read once, by reflection, and cached. Behind
 * {@link Event#as} and {@link EventBus#emit(Record)}.
 */
final class TypedEvents {

    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            return Shape.of(type);
        }
    };

    private TypedEvents() {
    }

    /** The name of a typed event. @throws IllegalArgumentException if its type has no valid {@link EventName} */
    static String name(Record event) {
        if (event == null) {
            throw new IllegalArgumentException("a typed event must not be null");
        }
        Shape shape = SHAPES.get(event.getClass());
        if (shape.name == null) {
            throw new IllegalArgumentException(event.getClass().getName() + " is not a typed event: annotate it with @"
                    + EventName.class.getSimpleName() + "(\"its:name\")");
        }
        return shape.name;
    }

    /** The args of a typed event: its components, in declaration order. */
    static Object[] args(Record event) {
        Shape shape = SHAPES.get(event.getClass());
        Object[] args = new Object[shape.accessors.length];
        for (int i = 0; i < args.length; i++) {
            try {
                args[i] = shape.accessors[i].invoke(event);
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException(shape.accessors[i] + " failed: " + e.getCause().getMessage(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + shape.accessors[i], e);
            }
        }
        return args;
    }

    /** {@code event}'s args as a {@code type}; see {@link Event#as}. */
    static <T extends Record> T read(Event event, Class<T> type) {
        Shape shape = SHAPES.get(type);
        if (shape.name != null && !shape.name.equals(event.name())) {
            throw new IllegalArgumentException("event '" + event.name() + "' cannot be read as " + type.getName()
                    + ", which is event '" + shape.name + "'");
        }
        if (event.args().size() != shape.types.length) {
            throw new IllegalArgumentException("event '" + event.name() + "' has " + event.args().size()
                    + " arg(s); " + type.getName() + " has " + shape.types.length + " component(s)");
        }
        Object[] values = new Object[shape.types.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = arg(event, i, shape.types[i]);
        }
        try {
            return type.cast(shape.constructor.newInstance(values));
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException("event '" + event.name() + "' cannot be read as " + type.getName()
                    + ": " + e.getCause().getMessage(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot make a " + type.getName(), e);
        }
    }

    private static Object arg(Event event, int index, Type type) {
        if (type instanceof Class<?> raw) {
            Class<?> target = raw.isPrimitive() ? boxed(raw) : raw;
            return event.arg(index, target);
        }
        try {
            return Json.convert(event.arg(index), type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("arg " + index + " of event '" + event.name() + "' cannot be read as "
                    + type.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    private static Class<?> boxed(Class<?> primitive) {
        return java.lang.invoke.MethodType.methodType(primitive).wrap().returnType();
    }

    private static final class Shape {

        final Class<?> type;
        final String name;
        final Method[] accessors;
        final Type[] types;
        final Constructor<?> constructor;

        private Shape(Class<?> type, String name, Method[] accessors, Type[] types, Constructor<?> constructor) {
            this.type = type;
            this.name = name;
            this.accessors = accessors;
            this.types = types;
            this.constructor = constructor;
        }

        static Shape of(Class<?> type) {
            if (!type.isRecord()) {
                throw new IllegalArgumentException(type.getName() + " is not a record; a typed event is a record");
            }
            EventName annotation = type.getAnnotation(EventName.class);
            String name = annotation == null ? null : EventNames.requireEventName(annotation.value());
            RecordComponent[] components = type.getRecordComponents();
            Method[] accessors = Arrays.stream(components).map(RecordComponent::getAccessor).toArray(Method[]::new);
            Type[] types = Arrays.stream(components).map(RecordComponent::getGenericType).toArray(Type[]::new);
            Class<?>[] raw = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
            try {
                Constructor<?> constructor = type.getDeclaredConstructor(raw);
                constructor.setAccessible(true);
                for (Method accessor : accessors) {
                    accessor.setAccessible(true);
                }
                return new Shape(type, name, accessors, types, constructor);
            } catch (NoSuchMethodException e) {
                throw new IllegalStateException(type.getName() + " has no canonical constructor", e);
            }
        }
    }
}
