package dev.squeeze.text;

import dev.squeeze.core.catalog.MethodInfo;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Method name to {@link CompressorFactory}. An instance, not a global: a server builds one and shares it;
 * {@link #get(String)} caches one compressor per name (compressors are thread-safe).
 */
public final class CompressorRegistry {
    /** The method used when none is named. */
    public static final String DEFAULT_METHOD = SemanticCompressor.NAME;

    /** Methods whose factories live in another artifact (they need the squeeze-llm runtime), named when asked for. */
    static final Map<String, String> ELSEWHERE = Map.of(
            "llmlingua",
            "dev.squeeze:squeeze-text-llm",
            "longllmlingua",
            "dev.squeeze:squeeze-text-llm",
            "selective-context",
            "dev.squeeze:squeeze-text-llm");

    private final Map<String, CompressorFactory> factories;
    private final Map<String, PromptCompressor> instances = new ConcurrentHashMap<>();

    public CompressorRegistry(List<CompressorFactory> list) {
        Map<String, CompressorFactory> m = new LinkedHashMap<>();
        for (CompressorFactory f : list) {
            if (m.putIfAbsent(f.name(), f) != null) {
                throw new IllegalStateException("compressor '" + f.name() + "' is registered twice");
            }
        }
        this.factories = Collections.unmodifiableMap(m);
    }

    /** Every factory visible to this class loader. */
    public static CompressorRegistry load() {
        List<CompressorFactory> list =
                ServiceLoader.load(CompressorFactory.class, CompressorRegistry.class.getClassLoader()).stream()
                        .map(ServiceLoader.Provider::get)
                        .toList();
        return new CompressorRegistry(list);
    }

    public List<String> names() {
        return List.copyOf(factories.keySet());
    }

    /** The catalog entries of the registered methods (wrappers such as "json" have none). */
    public List<MethodInfo> methods() {
        return factories.values().stream()
                .map(CompressorFactory::info)
                .flatMap(Optional::stream)
                .toList();
    }

    /** Methods that run with nothing but this library (no model file): what benchmarks sweep by default. */
    public List<String> offlineNames() {
        return factories.values().stream()
                .filter(CompressorFactory::offline)
                .map(CompressorFactory::name)
                .toList();
    }

    /** The shared instance of a method with default options. */
    public PromptCompressor get(String name) {
        return instances.computeIfAbsent(name, n -> create(n, Map.of()));
    }

    /** A new instance with options (e.g. {@code model=/path/to/model.onnx}). */
    public PromptCompressor create(String name, Map<String, String> options) {
        CompressorFactory f = factories.get(name);
        if (f == null && ELSEWHERE.containsKey(name)) {
            throw new IllegalArgumentException("method '" + name + "' needs " + ELSEWHERE.get(name)
                    + " on the class path; known here: " + String.join(", ", factories.keySet()));
        }
        if (f == null) {
            throw new IllegalArgumentException(
                    "unknown method '" + name + "'; known: " + String.join(", ", factories.keySet()));
        }
        return f.create(options);
    }

    public PromptCompressor defaultCompressor() {
        return get(DEFAULT_METHOD);
    }
}
