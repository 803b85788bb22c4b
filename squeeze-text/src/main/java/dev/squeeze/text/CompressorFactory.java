package dev.squeeze.text;

import dev.squeeze.core.catalog.MethodInfo;
import java.util.Map;
import java.util.Optional;

/**
 * The one declaration of a text method: creates its {@link PromptCompressor} by name and gives its catalog
 * entry. Implementations are listed in {@code META-INF/services/dev.squeeze.text.CompressorFactory}; methods that
 * need a model read its location from {@code options} and fail with a clear message when it is missing. Long
 * notes live in {@code META-INF/squeeze/methods/<name>.txt}; {@link CompressorCatalog} brings the entries into the
 * method catalog.
 */
public interface CompressorFactory {
    /** Catalog name of the method. */
    String name();

    /** True when the method runs with nothing but this library (no model file, no optional dependency). */
    default boolean offline() {
        return true;
    }

    PromptCompressor create(Map<String, String> options);

    /** The catalog entry (paper, constants, deviations); empty for a wrapper that is not a method of its own ("json"). */
    Optional<MethodInfo> info();
}
