package dev.squeeze.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One flat result row: one method x setting. Values are strings, numbers or booleans. The harness adds
 * {@code suite}, {@code machine} and {@code commit} when it writes the file. {@code task} groups rows
 * into one table and plot in the report.
 */
public final class Row {
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Row() {}

    /** A row of the given task. */
    public static Row of(String task) {
        Row r = new Row();
        r.values.put("task", task);
        return r;
    }

    public Row put(String key, Object value) {
        if (key == null || key.isBlank()) throw new IllegalArgumentException("row key must not be blank");
        if (value != null && !(value instanceof String || value instanceof Number || value instanceof Boolean)) {
            throw new IllegalArgumentException("row value for '" + key + "' must be a string, number or boolean, got "
                    + value.getClass().getName());
        }
        values.put(key, value);
        return this;
    }

    public String task() {
        return (String) values.get("task");
    }

    public Object get(String key) {
        return values.get(key);
    }

    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }
}
