package dev.squeeze.beam.kv;

import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaModel;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The model a worker loads in {@code @Setup}: a file (llama2.c, GGUF) or Hugging Face folder readable on every worker,
 * an optional tokenizer file, and the threads of its matrix products. One thread by default: the runner already runs a
 * DoFn instance per core, and the runtime's row pool spins while it waits, so more would oversubscribe the cores.
 */
public record ModelSpec(String model, @Nullable String tokenizer, int threads) implements Serializable {
    public ModelSpec {
        if (model.isBlank()) throw new IllegalArgumentException("model path is empty");
        if (threads < 1) throw new IllegalArgumentException("model threads must be >= 1, got " + threads);
    }

    public static ModelSpec of(String model, @Nullable String tokenizer) {
        return new ModelSpec(model, tokenizer, 1);
    }

    public LlamaModel load() throws IOException {
        return ModelLoader.load(Path.of(model), tokenizer == null ? null : Path.of(tokenizer), threads);
    }
}
