package dev.squeeze.llm.format;

import dev.squeeze.llm.model.LayerWeights;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.LlamaWeights;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.WeightTensor;
import dev.squeeze.llm.tokenizer.SentencePieceTokenizer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * llama2.c checkpoints (the "legacy" version-0 export): 7 int32 (dim, hidden_dim, n_layers, n_heads,
 * n_kv_heads, vocab_size, seq_len; a negative vocab_size means a separate classifier follows), then fp32
 * tensors: token embedding (vocab, dim), attention RMS weights (L, dim), wq (L, dim, dim), wk (L, kv, dim),
 * wv (L, kv, dim), wo (L, dim, dim), FFN RMS weights (L, dim), w1 (L, hidden, dim), w2 (L, dim, hidden),
 * w3 (L, hidden, dim), final RMS weight (dim), two legacy RoPE tables (seq_len, hd/2) that are skipped, and
 * the classifier (vocab, dim) when not shared. RMSNorm epsilon 1e-5, RoPE theta 10000, interleaved pairs.
 *
 * <p>The file is memory-mapped; fp32 tensors are then copied once into compact heap arrays (the core
 * float[] kernels need arrays; a llama2.c checkpoint is small by nature), the mapping is released.
 */
public final class Llama2cLoader {
    private Llama2cLoader() {}

    public static LlamaModel load(Path checkpoint, @Nullable Path tokenizerBin) throws IOException {
        return load(checkpoint, tokenizerBin, LlamaModel.defaultThreads());
    }

    public static LlamaModel load(Path checkpoint, @Nullable Path tokenizerBin, int threads) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MappedFile f = MappedFile.map(checkpoint, arena);
            int[] h = new int[7];
            String[] names = {"dim", "hidden_dim", "n_layers", "n_heads", "n_kv_heads", "vocab_size", "seq_len"};
            for (int i = 0; i < 7; i++) h[i] = f.i32(4L * i, "header field " + names[i]);
            boolean shared = h[5] > 0;
            int vocab = Math.abs(h[5]);
            for (int i = 0; i < 7; i++) {
                int val = i == 5 ? vocab : h[i];
                if (val <= 0 || val > (1 << 24)) {
                    throw f.error(4L * i, "header field " + names[i] + " = " + h[i] + " is not a plausible size");
                }
            }
            if (h[0] % h[3] != 0) throw f.error(0, "dim " + h[0] + " is not a multiple of n_heads " + h[3]);
            LlamaConfig c;
            try {
                c = new LlamaConfig(
                        h[0],
                        h[1],
                        h[2],
                        h[3],
                        h[4],
                        vocab,
                        h[6],
                        h[0] / h[3],
                        1e-5f,
                        10000f,
                        RopeStyle.INTERLEAVED,
                        null);
            } catch (IllegalArgumentException e) {
                throw new IOException(checkpoint + ": bad header: " + e.getMessage(), e);
            }
            long dim = c.dim(), hid = c.hiddenDim(), L = c.nLayers(), kv = c.kvDim();
            long floats = vocab * dim
                    + L * dim
                    + L * dim * dim
                    + 2 * L * kv * dim
                    + L * dim * dim
                    + L * dim
                    + 3 * L * hid * dim
                    + dim
                    + (long) c.seqLen() * c.headDim()
                    + (shared ? 0 : vocab * dim);
            long expected = 28 + 4 * floats;
            if (f.size() != expected) {
                throw new IOException(checkpoint + ": the header (" + c + ") implies " + expected
                        + " bytes but the file has " + f.size()
                        + (f.size() < expected
                                ? " (truncated)"
                                : " (trailing data: not a llama2.c legacy checkpoint?)"));
            }
            long[] off = {28};
            WeightTensor emb = tensor(f, off, vocab, c.dim());
            float[][] attNorm = vectors(f, off, c.nLayers(), c.dim());
            WeightTensor[] wq = tensors(f, off, c.nLayers(), c.qDim(), c.dim());
            WeightTensor[] wk = tensors(f, off, c.nLayers(), c.kvDim(), c.dim());
            WeightTensor[] wv = tensors(f, off, c.nLayers(), c.kvDim(), c.dim());
            WeightTensor[] wo = tensors(f, off, c.nLayers(), c.dim(), c.qDim());
            float[][] ffnNorm = vectors(f, off, c.nLayers(), c.dim());
            WeightTensor[] w1 = tensors(f, off, c.nLayers(), c.hiddenDim(), c.dim());
            WeightTensor[] w2 = tensors(f, off, c.nLayers(), c.dim(), c.hiddenDim());
            WeightTensor[] w3 = tensors(f, off, c.nLayers(), c.hiddenDim(), c.dim());
            float[] finalNorm = f.floats(off[0], c.dim(), "final norm");
            off[0] += 4L * c.dim();
            off[0] += 4L * c.seqLen() * c.headDim(); // legacy freq_cis_real + freq_cis_imag, (seq_len, hd/2) each
            WeightTensor cls = shared ? emb : tensor(f, off, vocab, c.dim());
            List<LayerWeights> layers = new ArrayList<>();
            for (int l = 0; l < c.nLayers(); l++) {
                layers.add(new LayerWeights(
                        attNorm[l], wq[l], wk[l], wv[l], wo[l], null, null, null, ffnNorm[l], w1[l], w2[l], w3[l]));
            }
            LlamaWeights w = new LlamaWeights(emb, layers, finalNorm, cls);
            SentencePieceTokenizer tok = tokenizerBin == null ? null : loadTokenizer(tokenizerBin, vocab);
            return new LlamaModel(c, w, tok, null, checkpoint.getFileName().toString(), threads);
        }
    }

    private static WeightTensor tensor(MappedFile f, long[] off, int rows, int cols) throws IOException {
        long n = 4L * rows * cols;
        f.requireAvailable(off[0], n, "tensor (" + rows + " x " + cols + ")");
        WeightTensor t = WeightTensor.of(GgmlType.F32, f.segment(), off[0], rows, cols, "llama2.c tensor at " + off[0]);
        off[0] += n;
        return t;
    }

    private static WeightTensor[] tensors(MappedFile f, long[] off, int layers, int rows, int cols) throws IOException {
        WeightTensor[] out = new WeightTensor[layers];
        for (int l = 0; l < layers; l++) out[l] = tensor(f, off, rows, cols);
        return out;
    }

    private static float[][] vectors(MappedFile f, long[] off, int layers, int n) throws IOException {
        float[][] out = new float[layers][];
        for (int l = 0; l < layers; l++) {
            out[l] = f.floats(off[0], n, "norm weights of layer " + l);
            off[0] += 4L * n;
        }
        return out;
    }

    /**
     * llama2.c tokenizer.bin: int32 max_token_length, then per token float score, int32 length, bytes.
     * Token 1 is BOS and 2 EOS (the llama2.c convention). {@code expectedVocab} &lt;= 0 reads to the end.
     */
    public static SentencePieceTokenizer loadTokenizer(Path file, int expectedVocab) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MappedFile f = MappedFile.map(file, arena);
            int maxLen = f.i32(0, "max_token_length");
            if (maxLen <= 0 || maxLen > 1 << 16) throw f.error(0, "max_token_length " + maxLen + " is not plausible");
            List<String> pieces = new ArrayList<>();
            List<Float> scores = new ArrayList<>();
            long off = 4;
            while (off < f.size() && (expectedVocab <= 0 || pieces.size() < expectedVocab)) {
                float score = f.f32(off, "score of token " + pieces.size());
                int len = f.i32(off + 4, "length of token " + pieces.size());
                if (len < 0 || len > maxLen) {
                    throw f.error(
                            off + 4,
                            "token " + pieces.size() + " has length " + len + " outside [0, max_token_length " + maxLen
                                    + "]");
                }
                pieces.add(f.utf8(off + 8, len, "bytes of token " + pieces.size()));
                scores.add(score);
                off += 8 + len;
            }
            if (expectedVocab > 0 && pieces.size() != expectedVocab) {
                throw new IOException(
                        file + ": holds " + pieces.size() + " tokens, the model expects " + expectedVocab);
            }
            if (off != f.size()) throw f.error(off, "unexpected trailing bytes after " + pieces.size() + " tokens");
            if (pieces.size() < 3) throw new IOException(file + ": only " + pieces.size() + " tokens");
            float[] s = new float[scores.size()];
            for (int i = 0; i < s.length; i++) s[i] = scores.get(i);
            return new SentencePieceTokenizer(pieces.toArray(new String[0]), s, 1, 2, " ");
        }
    }
}
