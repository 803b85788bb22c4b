package dev.squeeze.beam;

import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.PromptCompressor;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Makes the compressor a worker uses, in the DoFn's {@code @Setup}: once per DoFn instance, which a runner reuses
 * for many bundles, never once per record. Serializable, so it travels with the pipeline to the workers; model
 * paths in options must be readable there.
 */
@FunctionalInterface
public interface CompressorSource extends Serializable {
    PromptCompressor create();

    /** The method {@code name} of squeeze-text's registry, with {@code options} (e.g. {@code model=/models/x}). */
    static CompressorSource registry(String name, Map<String, String> options) {
        TreeMap<String, String> copy = new TreeMap<>(options); // serializable, ordered
        return new Registry(name, copy);
    }

    /** The registry's method by name; fails at pipeline construction (not on a worker) for an unknown name. */
    record Registry(String name, TreeMap<String, String> options) implements CompressorSource {
        public Registry {
            if (!CompressorRegistry.load().names().contains(name)) {
                CompressorRegistry.load()
                        .create(name, options); // throws the registry's message: unknown, or where it lives
            }
        }

        @Override
        public PromptCompressor create() {
            return CompressorRegistry.load().create(name, options);
        }
    }
}
