package dev.squeeze.llm.format;

import dev.squeeze.llm.model.LlamaModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Opens a model in any supported format, chosen by content: GGUF (magic "GGUF"), a Hugging Face folder or
 * {@code .safetensors} file (with config.json beside it), else a llama2.c checkpoint (which needs a
 * tokenizer.bin: the one given, or {@code tokenizer.bin} beside the checkpoint). A tokenizer given for a
 * GGUF or Hugging Face model (llama2.c tokenizer.bin format) replaces the model's own.
 */
public final class ModelLoader {
    private ModelLoader() {}

    public static LlamaModel load(Path model, @Nullable Path tokenizer) throws IOException {
        return load(model, tokenizer, LlamaModel.defaultThreads());
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelLoader.class);

    public static LlamaModel load(Path model, @Nullable Path tokenizer, int threads) throws IOException {
        LlamaModel m = open(model, tokenizer, threads);
        LOG.debug(
                "loaded {}: {}, {} MB of weights ({} / {}), {} threads",
                m.source(),
                m.config(),
                m.weights().bytes() >> 20,
                m.weights().layers().get(0).wq().type(),
                m.weights().tokenEmbedding().type(),
                m.rowPool().threads());
        return m;
    }

    private static LlamaModel open(Path model, Path tokenizer, int threads) throws IOException {
        if (model == null) throw new IllegalArgumentException("model path must be given");
        if (Files.isDirectory(model)
                || model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".safetensors")
                || model.getFileName().toString().endsWith(".index.json")) {
            LlamaModel m = SafetensorsLoader.load(model, threads);
            if (tokenizer != null) {
                LlamaModel withTok = m.withTokenizer(Llama2cLoader.loadTokenizer(tokenizer, 0));
                return withTok;
            }
            return m;
        }
        if (!Files.isRegularFile(model))
            throw new java.io.FileNotFoundException(model + " does not exist or is not a file");
        byte[] magic = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(model)) {
            n = in.readNBytes(magic, 0, 4);
        }
        if (n == 4 && magic[0] == 'G' && magic[1] == 'G' && magic[2] == 'U' && magic[3] == 'F') {
            LlamaModel m = GgufLoader.load(model, threads);
            return tokenizer == null ? m : m.withTokenizer(Llama2cLoader.loadTokenizer(tokenizer, 0));
        }
        Path tok = tokenizer;
        if (tok == null) {
            Path beside = model.resolveSibling("tokenizer.bin");
            if (!Files.isRegularFile(beside)) {
                throw new IllegalArgumentException(
                        model + " is a llama2.c checkpoint: give its tokenizer.bin with --tokenizer "
                                + "(none found beside it)");
            }
            tok = beside;
        }
        return Llama2cLoader.load(model, tok, threads);
    }
}
