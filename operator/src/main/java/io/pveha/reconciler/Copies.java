package io.pveha.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Deep copies of model objects (statuses are edited on copies, never on the informer cache's
 * objects).
 */
public final class Copies {
    private static final ObjectMapper MAPPER = JsonMapper.builder().findAndAddModules().build();

    private Copies() {}

    public static <T> T deepCopy(T value, Class<T> type) {
        return value == null ? null : MAPPER.convertValue(value, type);
    }

    /** A deep copy of a status, or a new empty one when there is none yet. */
    public static <T> T copyOrNew(T value, Class<T> type) {
        if (value != null) {
            return deepCopy(value, type);
        }
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type + " has no public no-argument constructor", e);
        }
    }
}
