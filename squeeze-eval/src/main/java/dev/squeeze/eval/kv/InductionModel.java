package dev.squeeze.eval.kv;

import dev.squeeze.llm.model.LayerWeights;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.LlamaWeights;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.WeightTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A two-layer Llama-architecture model whose weights are written by hand so that it contains a known
 * induction circuit (Olsson et al., "In-context Learning and Induction Heads", 2022): the test bed for
 * retrieval under KV compression that stories260K cannot be (it has no induction heads: it copies
 * 0 % of random-token sequences even with the full cache).
 *
 * <p>Residual stream (dim 1 + 3V): [const | E: this token (V) | P: previous token (V) | O: copied token (V)],
 * one-hot blocks; V = {@link #VOCAB}. RoPE (interleaved, theta 1e9, head_dim 256) pairs 0..31 turn
 * fast (1 .. 0.007 rad per position) and carry positional attention; pairs 64..127 turn at most 0.016 rad
 * over the 512 positions and carry content matching. Every MLP is zero.
 * <ul>
 *   <li>Layer 0, head 0: previous-token head. q = A (cos(w_p), -sin(w_p)) and k = (1, 0) in each fast
 *       pair p from the const dimension, so q_i . k_j = A sum_p cos((i - j - 1) w_p), largest at
 *       j = i - 1 (with A / sqrt(hd) = 6, over 0.9999 of the attention). Its value is E, written into P.</li>
 *   <li>Layer 1, head 0: induction head. q = E (this token), k = P (the token before each position), in
 *       the slow pairs, scaled so that a match scores 30: position i attends to the position right after
 *       the previous occurrence of its token; its value E of that position is written into O.</li>
 *   <li>Heads 1-3 of both layers: local heads attending to offsets {0, 2, 3} (layer 0) and {0, 1, 2}
 *       (layer 1) with the same positional construction, output projection zero (they shape the attention
 *       statistics that presses see, as a real model's local heads do, without changing the output).</li>
 *   <li>Classifier: logit t = 10 x O_t, so the prediction is the token the induction head copied.</li>
 * </ul>
 * On a sequence of distinct tokens followed by its repetition, the full cache predicts every token of the
 * second copy; a press keeps that ability only if layer 1 head 0 keeps the entries the copy needs.
 * Token ids: 0 unknown, 1 BOS, 2 EOS, 3..V-1 content. No tokenizer.
 */
public final class InductionModel {
    /** Vocabulary size (one-hot blocks of the residual stream have this width). */
    public static final int VOCAB = 128;

    public static final int HEAD_DIM = 256;
    public static final int HEADS = 4;
    public static final int SEQ_LEN = 512;
    /** First content token id. */
    public static final int FIRST_CONTENT = 3;

    static final float THETA = 1e9f;
    static final int FAST_PAIRS = 32, SLOW_PAIR0 = 64;
    /** Positional score per fast pair after the 1/sqrt(hd) scaling, and the content-match score. */
    static final float POSITION_GAIN = 6f, MATCH_SCORE = 30f, CLASSIFIER_GAIN = 10f;

    static final int[][] LOCAL_OFFSETS = {{1, 0, 2, 3}, {-1, 0, 1, 2}}; // per layer, per head; -1 = induction head

    private InductionModel() {}

    public static LlamaConfig config() {
        return new LlamaConfig(
                dim(), 8, 2, HEADS, HEADS, VOCAB, SEQ_LEN, HEAD_DIM, 1e-5f, THETA, RopeStyle.INTERLEAVED, null);
    }

    static int dim() {
        return 1 + 3 * VOCAB;
    }

    static int e(int t) {
        return 1 + t;
    }

    static int p(int t) {
        return 1 + VOCAB + t;
    }

    static int o(int t) {
        return 1 + 2 * VOCAB + t;
    }

    /** Builds the model (heap weights, a handful of MB). */
    public static LlamaModel build() {
        LlamaConfig c = config();
        int d = c.dim(), hd = HEAD_DIM, q = c.qDim();
        double[] freq = new double[hd / 2];
        for (int i = 0; i < hd / 2; i++) freq[i] = 1.0 / Math.pow(THETA, 2.0 * i / hd);
        float amp = (float) (POSITION_GAIN * Math.sqrt(hd));

        float[] emb = new float[VOCAB * d];
        for (int t = 0; t < VOCAB; t++) {
            emb[t * d] = 1f;
            emb[t * d + e(t)] = 1f;
        }
        float[] cls = new float[VOCAB * d];
        for (int t = 0; t < VOCAB; t++) cls[t * d + o(t)] = CLASSIFIER_GAIN;

        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            float[] wq = new float[q * d], wk = new float[q * d], wv = new float[q * d], wo = new float[d * q];
            for (int h = 0; h < HEADS; h++) {
                int base = h * hd;
                int offset = LOCAL_OFFSETS[l][h];
                if (offset >= 0) {
                    // positional head: fast pairs read the const dimension
                    for (int pr = 0; pr < FAST_PAIRS; pr++) {
                        double a = offset * freq[pr];
                        wq[(base + 2 * pr) * d] = (float) (amp * Math.cos(a));
                        wq[(base + 2 * pr + 1) * d] = (float) (-amp * Math.sin(a));
                        wk[(base + 2 * pr) * d] = 1f;
                    }
                } else {
                    // induction head: q = this token (E), k = previous token (P), in the slow pairs
                    float gain = (float) (MATCH_SCORE * Math.sqrt(hd));
                    for (int t = 0; t < VOCAB; t++) {
                        int dimInHead = 2 * SLOW_PAIR0 + t;
                        wq[(base + dimInHead) * d + e(t)] = gain;
                        wk[(base + dimInHead) * d + p(t)] = 1f;
                    }
                }
                for (int t = 0; t < VOCAB; t++) wv[(base + t) * d + e(t)] = 1f; // every head's value: this token
                boolean writes = (l == 0 && h == 0) || offset < 0;
                if (writes) {
                    for (int t = 0; t < VOCAB; t++) wo[(l == 0 ? p(t) : o(t)) * q + base + t] = 1f;
                }
            }
            // RMSNorm gains that undo the normalisation of this layer's input (2 resp. 3 unit entries)
            float[] norm = filled(d, (float) Math.sqrt((l + 2.0) / d));
            float[] zeroNorm = filled(d, 1f);
            layers.add(new LayerWeights(
                    norm,
                    WeightTensor.ofFloats(q, d, wq),
                    WeightTensor.ofFloats(q, d, wk),
                    WeightTensor.ofFloats(q, d, wv),
                    WeightTensor.ofFloats(d, q, wo),
                    null,
                    null,
                    null,
                    zeroNorm,
                    WeightTensor.ofFloats(8, d, new float[8 * d]),
                    WeightTensor.ofFloats(d, 8, new float[8 * d]),
                    WeightTensor.ofFloats(8, d, new float[8 * d])));
        }
        LlamaWeights w = new LlamaWeights(
                WeightTensor.ofFloats(VOCAB, d, emb),
                layers,
                filled(d, (float) Math.sqrt(4.0 / d)),
                WeightTensor.ofFloats(VOCAB, d, cls));
        return new LlamaModel(c, w, null, null, "induction-model (hand-built)", 1);
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
