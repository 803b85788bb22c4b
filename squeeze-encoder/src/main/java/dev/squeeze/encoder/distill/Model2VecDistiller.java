package dev.squeeze.encoder.distill;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.encoder.EncoderModel;
import dev.squeeze.encoder.runtime.EncoderInput;
import dev.squeeze.encoder.runtime.EncoderOutput;
import dev.squeeze.encoder.tokenizer.HfTokenizer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Model2Vec distillation (Tulkens and van Dongen, "Model2Vec: Fast State-of-the-Art Static Embeddings", 2024;
 * github.com/MinishLab/model2vec, distill/distillation.py and distill/inference.py): static token vectors from a
 * sentence encoder, with no training data.
 * <ol>
 *   <li>Vocabulary: every entry of the tokenizer, in id order, minus the added tokens other than the padding and unknown
 *       tokens, minus entries matching {@code \[unused\d+\]} (the reference's token_remove_pattern), minus word-initial
 *       entries the pre-tokenizer would split (unreachable, the reference's check).</li>
 *   <li>Each entry alone through the encoder, framed as the reference frames it ([CLS] id [SEP], i.e. the tokenizer's
 *       own prefix and suffix), mean of last_hidden_state over the positions of the attention mask; the reference's
 *       mask is {@code ids != pad_id}, so for the padding entry itself only [CLS] and [SEP] count.</li>
 *   <li>PCA to {@code pcaDims} (default 256; scikit-learn PCA(svd_solver="full"), see {@link Pca}).</li>
 *   <li>SIF weighting with Zipf-estimated frequencies: the entry of rank r (0-based, the kept vocabulary's order) has
 *       p_r = (1 / (r + 2)) / sum_j 1 / (j + 2) and its vector is scaled by sif / (sif + p_r), sif = 1e-4 by default.</li>
 * </ol>
 * Stored as int8 with a per-row scale ({@link StaticEmbeddings}) where the reference stores float16 by default: the
 * rows' cosines change by under 1e-4 on average, and the file is half the size. Constants are the reference's.
 */
public final class Model2VecDistiller {
    /** Distillation settings: the reference's defaults are 256, 1e-4, \[unused\d+\]. */
    public record Settings(
            int pcaDims, double sifCoefficient, @Nullable String removePattern) {
        public Settings {
            if (pcaDims < 1) throw new IllegalArgumentException("pcaDims must be >= 1, got " + pcaDims);
            if (!(sifCoefficient > 0 && sifCoefficient < 1))
                throw new IllegalArgumentException("sif coefficient must be in (0, 1), got " + sifCoefficient);
        }

        public static Settings reference() {
            return new Settings(256, 1e-4, "\\[unused\\d+\\]");
        }
    }

    private Model2VecDistiller() {}

    /** The vocabulary ids the distillation embeds, in rank order. */
    public static List<Integer> vocabulary(HfTokenizer tok, Settings s) {
        Pattern remove =
                s.removePattern() == null || s.removePattern().isEmpty() ? null : Pattern.compile(s.removePattern());
        Set<Integer> added = tok.addedTokenIds();
        int pad = tok.padId(), unk = tok.unknownId();
        boolean wordPiece = tok.model() == HfTokenizer.Model.WORDPIECE;
        List<Integer> out = new ArrayList<>();
        for (int id = 0; id < tok.vocabSize(); id++) {
            String t = tok.token(id);
            if (t == null) continue;
            if (added.contains(id) && id != pad && id != unk) continue;
            if (id == pad || id == unk) {
                out.add(id);
                continue;
            }
            if (remove != null && remove.matcher(t).lookingAt()) continue;
            boolean subword = wordPiece ? t.startsWith("##") : !t.startsWith("\u2581");
            boolean checkSplit = wordPiece ? !subword : subword;
            if (checkSplit && tok.preTokenize(t).size() > 1) continue;
            out.add(id);
        }
        return out;
    }

    /**
     * Distils {@code model}; {@code progress} receives the number of vocabulary entries embedded so far.
     *
     * @param source a description of the source model for the metadata (name, file hash)
     */
    public static StaticEmbeddings distill(
            EncoderModel model, Settings s, byte[] tokenizerJson, ObjectNode source, @Nullable IntConsumer progress) {
        HfTokenizer tok = model.tokenizer();
        int[] pre = tok.prefixIds(), suf = tok.suffixIds();
        List<Integer> vocab = vocabulary(tok, s);
        int n = vocab.size(), d = model.config().hidden();
        float[] emb = new float[n * d];
        int batch = 512;
        for (int i = 0; i < n; i += batch) {
            int m = Math.min(batch, n - i);
            int[][] ids = new int[m][], mask = new int[m][];
            for (int b = 0; b < m; b++) {
                int[] row = new int[pre.length + 1 + suf.length];
                System.arraycopy(pre, 0, row, 0, pre.length);
                row[pre.length] = vocab.get(i + b);
                System.arraycopy(suf, 0, row, pre.length + 1, suf.length);
                ids[b] = row;
                mask[b] = new int[row.length];
                for (int t = 0; t < row.length; t++) mask[b][t] = row[t] == tok.padId() ? 0 : 1;
            }
            EncoderOutput o = model.encoder().forward(new EncoderInput(ids, mask, null));
            for (int b = 0; b < m; b++) {
                int len = o.length()[b], kept = 0;
                for (int t = 0; t < len; t++) kept += mask[b][t];
                for (int t = 0; t < len; t++) {
                    if (mask[b][t] == 0) continue;
                    int row = o.row(b, t) * d;
                    for (int e = 0; e < d; e++) emb[(i + b) * d + e] += o.hidden()[row + e] / kept;
                }
            }
            if (progress != null) progress.accept(i + m);
        }
        int k = Math.min(s.pcaDims(), d);
        Pca.Result pca = Pca.fit(emb, n, d, k, KernelProvider.kernels());
        float[] projected = new float[n * k];
        for (int i = 0; i < n; i++) pca.project(emb, i * d, projected, i * k);
        double norm = 0;
        for (int r = 0; r < n; r++) norm += 1.0 / (r + 2);
        int vocabSize = tok.vocabSize();
        float[] rows = new float[vocabSize * k];
        boolean[] present = new boolean[vocabSize];
        for (int r = 0; r < n; r++) {
            double p = (1.0 / (r + 2)) / norm;
            float w = (float) (s.sifCoefficient() / (s.sifCoefficient() + p));
            int id = vocab.get(r);
            present[id] = true;
            for (int j = 0; j < k; j++) rows[id * k + j] = projected[r * k + j] * w;
        }
        ObjectNode meta = StaticEmbeddings.newMetadata();
        meta.put("format", "squeeze static token embeddings");
        meta.put(
                "method",
                "Model2Vec (Tulkens and van Dongen 2024): [CLS] token [SEP] mean-pooled, PCA, SIF/Zipf weighting");
        meta.set("source", source);
        meta.put("vocabulary", n);
        meta.put("pcaDims", k);
        meta.put("sifCoefficient", s.sifCoefficient());
        meta.put("removePattern", s.removePattern());
        meta.put("quantization", "int8, one float scale per row (max |v| / 127)");
        meta.put("pooling", "mean of token vectors, L2-normalised");
        meta.put("pcaExplained", pca.explained());
        ArrayNode var = meta.putArray("pcaVariances");
        for (double v : pca.variances()) var.add(v);
        return StaticEmbeddings.quantise(meta, tokenizerJson, tok, rows, present, vocabSize, k, pca);
    }

    /** Distils the model at {@code path} (a Hugging Face folder or an .onnx file with tokenizer.json beside it). */
    public static StaticEmbeddings distill(
            java.nio.file.Path path,
            java.nio.file.Path tokenizerJson,
            int threads,
            Settings s,
            ObjectNode source,
            @Nullable IntConsumer progress)
            throws IOException {
        try (EncoderModel m = java.nio.file.Files.isDirectory(path)
                ? EncoderModel.loadFolder(path, threads, KernelProvider.kernels())
                : EncoderModel.loadOnnx(path, tokenizerJson, threads, KernelProvider.kernels())) {
            return distill(m, s, java.nio.file.Files.readAllBytes(tokenizerJson), source, progress);
        }
    }
}
