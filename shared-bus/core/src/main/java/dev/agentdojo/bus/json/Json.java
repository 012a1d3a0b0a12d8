package dev.agentdojo.bus.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The one Jackson mapper the bus uses to read arguments as types ({@code Event.arg(i, Class)}) and,
 * for events that cross services, to write and read them as JSON, so that both ways agree.
 * Thread-safe (an {@link ObjectMapper} is, once configured). In a package of its own, which knows
 * nothing of the bus: the API ({@code Event}, typed events), the implementation and the bridge read it.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            // named, not discovered: a native image has no module discovery to rely on
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /**
     * Converts {@code value} to {@code type} through Jackson's tree model.
     *
     * @throws IllegalArgumentException if it cannot
     */
    public static <T> T convert(Object value, Class<T> type) {
        return MAPPER.convertValue(value, type);
    }

    /** Like {@link #convert(Object, Class)}, for a generic type such as {@code List<Item>}. */
    public static Object convert(Object value, java.lang.reflect.Type type) {
        return MAPPER.convertValue(value, MAPPER.getTypeFactory().constructType(type));
    }
}
