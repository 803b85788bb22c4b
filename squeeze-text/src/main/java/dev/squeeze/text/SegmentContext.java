package dev.squeeze.text;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a method sees for one segment of a request.
 *
 * @param question the question or {@code null}
 * @param forced   content never dropped
 * @param counter  tokenizer that defines the budget
 * @param options  method-specific settings
 */
public record SegmentContext(
        @Nullable String question, ForcedContent forced, TokenCounter counter, Map<String, String> options) {
    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }

    public double doubleOption(String key, double fallback) {
        String v = options.get(key);
        if (v == null) return fallback;
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option " + key + " must be a number, got '" + v + "'");
        }
    }
}
