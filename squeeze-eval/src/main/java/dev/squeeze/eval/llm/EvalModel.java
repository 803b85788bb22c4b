package dev.squeeze.eval.llm;

import dev.squeeze.bench.BenchContext;
import dev.squeeze.llm.format.ModelLoader;
import dev.squeeze.llm.model.LlamaModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The causal LM a suite evaluates on: stories15M (head_dim 48, 6 layers x 6 heads, Llama-2's 32000-piece vocabulary,
 * trained context 256) from the data folder unless the options name another model, which may be anything
 * {@link ModelLoader} opens (llama2.c, GGUF, safetensors).
 *
 * @param model     the model file
 * @param tokenizer the tokenizer file (llama2.c tokenizer.bin), or null for formats that carry their own
 * @param name      what rows and notes call it (the file name without its extension)
 */
public record EvalModel(Path model, @Nullable Path tokenizer, String name) {
    public static final String DEFAULT_MODEL = "models/stories15M.bin";
    public static final String DEFAULT_TOKENIZER = "models/tok32000.bin";

    /**
     * The model named by option {@code modelKey} (and {@code tokenizerKey}), else stories15M + tok32000.bin from
     * the data folder; empty when no option names one and the data folder lacks them. A named file that does not
     * exist is an error naming the option and the path.
     */
    public static Optional<EvalModel> resolve(BenchContext ctx, String modelKey, String tokenizerKey) {
        String m = ctx.options().get(modelKey), t = ctx.options().get(tokenizerKey);
        if (m != null) {
            Path model = existing(modelKey, m);
            return Optional.of(new EvalModel(model, t == null ? null : existing(tokenizerKey, t), baseName(model)));
        }
        if (t != null)
            throw new IllegalArgumentException("option " + tokenizerKey + "=" + t + " needs " + modelKey + "=PATH too");
        if (ctx.dataDir().isEmpty()) return Optional.empty();
        Path model = ctx.dataDir().get().resolve(DEFAULT_MODEL),
                tok = ctx.dataDir().get().resolve(DEFAULT_TOKENIZER);
        if (!Files.isRegularFile(model) || !Files.isRegularFile(tok)) return Optional.empty();
        return Optional.of(new EvalModel(model, tok, baseName(model)));
    }

    public LlamaModel load() throws IOException {
        return ModelLoader.load(model, tokenizer);
    }

    private static Path existing(String key, String value) {
        Path p = Path.of(value);
        if (!Files.isRegularFile(p))
            throw new IllegalArgumentException("option " + key + "=" + value + ": no such file");
        return p;
    }

    private static String baseName(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
