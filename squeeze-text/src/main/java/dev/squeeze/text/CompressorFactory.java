package dev.squeeze.text;

import java.util.Map;

/**
 * Creates a {@link PromptCompressor} by name. Implementations are listed in
 * {@code META-INF/services/dev.squeeze.text.CompressorFactory}; methods that need a model read its location
 * from {@code options} and fail with a clear message when it is missing.
 */
public interface CompressorFactory {
    /** Catalog name of the method. */
    String name();

    /** True when the method runs with nothing but this library (no model file, no optional dependency). */
    default boolean offline() { return true; }

    PromptCompressor create(Map<String, String> options);
}
