package dev.squeeze.text;

import dev.squeeze.core.catalog.MethodInfo;
import java.util.Map;
import java.util.Optional;

/** Registers {@link JsonCompressor} over the default method, semantic ({@code --option keys=a,b} per request). */
public final class JsonCompressorFactory implements CompressorFactory {
    @Override
    public String name() {
        return JsonCompressor.NAME;
    }

    @Override
    public PromptCompressor create(Map<String, String> options) {
        return new JsonCompressor(new SemanticCompressor());
    }

    /** A format wrapper around the default method, not a method of its own. */
    @Override
    public Optional<MethodInfo> info() {
        return Optional.empty();
    }
}
