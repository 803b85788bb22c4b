package dev.squeeze.encoder;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.encoder.onnx.OnnxEncoderReader;
import dev.squeeze.encoder.onnx.OnnxGraph;
import dev.squeeze.encoder.runtime.Encoder;
import dev.squeeze.encoder.runtime.EncoderInput;
import dev.squeeze.encoder.runtime.EncoderOutput;
import dev.squeeze.encoder.tokenizer.Encoding;
import dev.squeeze.encoder.tokenizer.HfTokenizer;
import dev.squeeze.encoder.weights.EncoderWeights;
import dev.squeeze.encoder.weights.HfConfigReader;
import dev.squeeze.encoder.weights.SafetensorsSource;
import dev.squeeze.encoder.weights.WeightAssembler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A BERT-family encoder with its tokenizer: loaded from a Hugging Face folder (config.json, model.safetensors or its
 * index, tokenizer.json) or from an ONNX export plus its tokenizer.json, run by the pure-Java {@link Encoder}. Heads:
 * {@link #embed} (mean pooling over the attention mask, optionally L2-normalised: sentence-transformers' pooling) and
 * {@link #classifyTokens} (token-classification logits). Thread-safe; close it to stop its worker threads.
 */
public final class EncoderModel implements AutoCloseable {
    private final String name;
    private final HfTokenizer tokenizer;
    private final Encoder encoder;

    private EncoderModel(String name, HfTokenizer tokenizer, Encoder encoder) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.encoder = encoder;
    }

    /** A Hugging Face folder, or an .onnx file with tokenizer.json beside it. */
    public static EncoderModel load(Path path, int threads) throws IOException {
        if (Files.isDirectory(path)) return loadFolder(path, threads, KernelProvider.kernels());
        if (path.getFileName().toString().endsWith(".onnx"))
            return loadOnnx(path, path.resolveSibling("tokenizer.json"), threads, KernelProvider.kernels());
        throw new IOException(path + ": neither a Hugging Face model folder nor an .onnx file");
    }

    public static EncoderModel loadFolder(Path dir, int threads, Kernels kernels) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(dir + ": not a folder");
        EncoderConfig config = HfConfigReader.read(dir.resolve("config.json"));
        Path tj = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tj))
            throw new IOException(
                    dir + ": tokenizer.json is missing (the fast-tokenizer file of the model repository)");
        HfTokenizer tok = HfTokenizer.load(tj);
        EncoderWeights w;
        try (SafetensorsSource src = SafetensorsSource.open(dir)) {
            w = WeightAssembler.assemble(config, src);
        }
        if (config.numLabels() == 0 && w.classifierWeight() != null)
            config = config.withNumLabels(w.classifierBias().length);
        checkVocab(tok, config, tj.toString());
        return new EncoderModel(dir.getFileName().toString(), tok, new Encoder(config, w, kernels, threads));
    }

    public static EncoderModel loadOnnx(Path onnx, Path tokenizerJson, int threads, Kernels kernels)
            throws IOException {
        OnnxEncoderReader.Result r = OnnxEncoderReader.read(OnnxGraph.read(onnx));
        EncoderWeights w = WeightAssembler.assemble(r.config(), r.tensors());
        HfTokenizer tok = HfTokenizer.load(tokenizerJson);
        checkVocab(tok, r.config(), tokenizerJson.toString());
        return new EncoderModel(onnx.getFileName().toString(), tok, new Encoder(r.config(), w, kernels, threads));
    }

    /**
     * An ONNX export and its tokenizer.json given as bytes (e.g. class-path resources); {@code source} names them in
     * errors and is the model's name.
     */
    public static EncoderModel loadOnnx(byte[] onnx, byte[] tokenizerJson, String source, int threads, Kernels kernels)
            throws IOException {
        OnnxEncoderReader.Result r = OnnxEncoderReader.read(OnnxGraph.parse(onnx, source));
        EncoderWeights w = WeightAssembler.assemble(r.config(), r.tensors());
        HfTokenizer tok = HfTokenizer.parse(tokenizerJson, source + " (tokenizer.json)");
        checkVocab(tok, r.config(), source + " (tokenizer.json)");
        return new EncoderModel(source, tok, new Encoder(r.config(), w, kernels, threads));
    }

    /** Every id the tokenizer can produce must have an embedding row. */
    private static void checkVocab(HfTokenizer tok, EncoderConfig c, String tj) throws IOException {
        if (tok.vocabSize() > c.vocabSize()) {
            throw new IOException(
                    tj + ": the tokenizer has " + tok.vocabSize() + " entries but the model embeds only vocab_size = "
                            + c.vocabSize() + ": tokenizer and weights are of different models");
        }
    }

    public String name() {
        return name;
    }

    public EncoderConfig config() {
        return encoder.config();
    }

    public HfTokenizer tokenizer() {
        return tokenizer;
    }

    public Encoder encoder() {
        return encoder;
    }

    /** Token ids with the special tokens, cut to the model's positions (the suffix kept) when longer. */
    public int[] ids(String text) {
        Encoding e = tokenizer.encode(text, true);
        int max = config().maxSequenceLength();
        if (e.size() <= max) return e.ids();
        int[] suffix = tokenizer.suffixIds();
        int[] out = Arrays.copyOf(e.ids(), max);
        System.arraycopy(suffix, 0, out, max - suffix.length, suffix.length);
        return out;
    }

    /** Mean-pooled last hidden states of each text (special tokens included, as sentence-transformers), L2-normalised when asked. */
    public float[][] embed(List<String> texts, boolean normalize) {
        List<int[]> ids = new ArrayList<>(texts.size());
        for (String t : texts) ids.add(ids(t));
        return embedIds(ids, normalize);
    }

    /** As {@link #embed} on token ids; batches of about 4,096 tokens, sequences sorted by length. */
    public float[][] embedIds(List<int[]> ids, boolean normalize) {
        int d = config().hidden();
        float[][] out = new float[ids.size()][];
        Integer[] order = new Integer[ids.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Integer.compare(ids.get(a).length, ids.get(b).length));
        int i = 0;
        while (i < order.length) {
            int tokens = 0, j = i;
            while (j < order.length && (j == i || tokens + ids.get(order[j]).length <= 4096))
                tokens += ids.get(order[j++]).length;
            int[][] batch = new int[j - i][];
            for (int b = 0; b < batch.length; b++) batch[b] = ids.get(order[i + b]);
            EncoderOutput o = encoder.forward(EncoderInput.of(batch));
            for (int b = 0; b < batch.length; b++) {
                float[] v = new float[d];
                for (int t = 0; t < o.length()[b]; t++) {
                    int row = o.row(b, t) * d;
                    for (int e = 0; e < d; e++) v[e] += o.hidden()[row + e];
                }
                float inv = 1f / o.length()[b];
                double norm = 0;
                for (int e = 0; e < d; e++) {
                    v[e] *= inv;
                    norm += v[e] * (double) v[e];
                }
                if (normalize && norm > 0) {
                    float s = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
                    for (int e = 0; e < d; e++) v[e] *= s;
                }
                out[order[i + b]] = v;
            }
            i = j;
        }
        return out;
    }

    /** Token-classification logits (tokens, labels) of one id sequence. */
    public float[] classifyTokens(int[] ids) {
        return encoder.classify(EncoderInput.of(ids));
    }

    @Override
    public void close() {
        encoder.close();
    }
}
