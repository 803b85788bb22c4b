package dev.squeeze.server;

import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.PromptCompressor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The compressors a server offers: the registry's methods, each built once and shared by all workers
 * (compressors are thread-safe). Method options (a model path for LLMLingua-2, ...) come from the server's
 * configuration only, never from a request, so clients cannot make the server open files.
 */
final class Compressors {
    private final CompressorRegistry registry;
    private final Map<String, Map<String, String>> options;
    private final Map<String, PromptCompressor> built = new ConcurrentHashMap<>();

    Compressors(CompressorRegistry registry, Map<String, Map<String, String>> options) {
        this.registry = registry;
        this.options = options;
    }

    CompressorRegistry registry() {
        return registry;
    }

    /** The named method (the default when null); 400 naming the known methods when unknown or unusable here. */
    PromptCompressor get(String name) {
        String n = name == null ? CompressorRegistry.DEFAULT_METHOD : name;
        if (!registry.names().contains(n)) {
            throw new ApiException(
                    400, "unknown_method", "unknown method '" + n + "'; known: " + String.join(", ", registry.names()));
        }
        PromptCompressor c = built.get(n);
        if (c != null) return c;
        try {
            Map<String, String> o = options.get(n);
            c = o == null || o.isEmpty() ? registry.get(n) : registry.create(n, o);
        } catch (IllegalArgumentException | IllegalStateException | UnsupportedOperationException | LinkageError e) {
            throw new ApiException(
                    400,
                    "method_unavailable",
                    "method '" + n + "' cannot run on this server: " + e.getMessage()
                            + (options.containsKey(n)
                                    ? ""
                                    : " (server-side settings: squeeze serve --method-option " + n + ".KEY=VALUE)"));
        }
        PromptCompressor prev = built.putIfAbsent(n, c);
        return prev != null ? prev : c;
    }
}
