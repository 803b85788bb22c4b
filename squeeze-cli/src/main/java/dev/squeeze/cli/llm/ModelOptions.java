package dev.squeeze.cli.llm;

import dev.squeeze.kv.api.Presses;
import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.runtime.SessionOptions;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every command that loads a model shares (a picocli mixin): --model, --tokenizer, --threads. */
public final class ModelOptions {
    @Option(
            names = "--model",
            required = true,
            description = "Model file (llama2.c .bin, .gguf) or Hugging Face folder.")
    Path model;

    @Option(
            names = "--tokenizer",
            description = "Tokenizer file (llama2.c tokenizer.bin); GGUF and HF models carry their own.")
    Path tokenizer;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description =
                    "Worker threads for matrix products, at most the machine's cores (default 0: the cores, up to 16).")
    int threads;

    /** Loads the model; the caller closes it. */
    public LlamaModel load() throws IOException {
        int cores = Runtime.getRuntime().availableProcessors();
        // the row pool's workers spin while they wait: more threads than cores only slow every product down
        if (threads < 0 || threads > cores) {
            throw new IllegalArgumentException("--threads must be in [0, " + cores + "] (0 = default; this machine has "
                    + cores + " cores), got " + threads);
        }
        return ModelLoader.load(model, tokenizer, threads == 0 ? LlamaModel.defaultThreads() : threads);
    }

    /** Session options with the press of {@code spec} ("none" = the full cache). */
    public static SessionOptions withPress(LlamaModel m, String spec) {
        return SessionOptions.builder().hook(Presses.create(spec, m)).build();
    }
}
