package dev.squeeze.encoder.runtime;

import dev.squeeze.core.kernel.Epilogue;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.kernel.PackedRows;
import dev.squeeze.encoder.Activation;
import dev.squeeze.encoder.EncoderConfig;
import dev.squeeze.encoder.weights.EncoderWeights;
import dev.squeeze.encoder.weights.LayerWeights;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The forward pass of a post-LayerNorm BERT-family encoder (Devlin et al., "BERT", NAACL 2019; as Hugging Face's
 * BertModel / RobertaModel / DistilBertModel compute it) on the core kernels. The tokens of all sequences of a batch
 * are rows of one (N, D) matrix, so every linear layer is one GEMM {@code x W^T} over all N tokens with W packed once
 * at load ({@link Kernels#pack}); only attention is per (sequence, head). Sequences keep their own lengths (no
 * padding is computed); a padding mask removes keys, exactly as HF's additive mask of the float minimum does.
 *
 * <p>Per layer: {@code qkv = x Wqkv^T + b} (N, 3D); per (sequence, head) {@code softmax(q k^T / sqrt(hd)) v} over the
 * unmasked keys into ctx (N, D); {@code x = LN(x + ctx Wo^T + bo)}; {@code x = LN(x + act(x W1^T + b1) W2^T + b2)}.
 * Bias, GELU and residual are the GEMMs' fused epilogues ({@link Kernels#linear}), applied to each output tile right
 * after it is computed (while it is in L1), so between two GEMMs only LayerNorm ({@link Kernels#layerNorm}) passes
 * over the rows.
 * GEMMs run over blocks of {@value #MIN_BLOCK} to {@value #BLOCK} rows, attention over (sequence, head) pairs, both spread over a
 * {@link WorkerPool}. Buffers are kept between calls and grow only when a larger batch comes, so steady-state calls
 * allocate only their output. Calls are serialised (the pool already uses every thread).
 */
public final class Encoder implements AutoCloseable {
    static final int BLOCK = 64;
    static final int MIN_BLOCK = 16;
    static final int KEY_PAD = 16;

    private final EncoderConfig c;
    private final Kernels k;
    private final WorkerPool pool;
    private final float[] word, position, embG, embB;
    private final float @Nullable [] tokenType;
    private final PackedRows[] qkv, out, up, down;
    private final float[][] qkvB, outB, upB, downB, ln1G, ln1B, ln2G, ln2B;
    private final @Nullable PackedRows classifier;
    private final float @Nullable [] classifierB;

    // workspace, grown on demand: x, ctx (N, D); qkv (N, 3D); hidden (N, F); per-worker attention scratch
    private float[] x = new float[0], ctx = new float[0], qkvOut = new float[0], hid = new float[0];
    private final float[][] kS, vS, sS;

    public Encoder(EncoderConfig config, EncoderWeights w, Kernels kernels, int threads) {
        this.c = config;
        this.k = kernels;
        this.pool = new WorkerPool(threads);
        int d = c.hidden(), f = c.intermediate(), layers = c.layers();
        this.word = w.wordEmbeddings();
        this.position = w.positionEmbeddings();
        this.tokenType = w.tokenTypeEmbeddings();
        this.embG = w.embeddingLnGamma();
        this.embB = w.embeddingLnBeta();
        qkv = new PackedRows[layers];
        out = new PackedRows[layers];
        up = new PackedRows[layers];
        down = new PackedRows[layers];
        qkvB = new float[layers][];
        outB = new float[layers][];
        upB = new float[layers][];
        downB = new float[layers][];
        ln1G = new float[layers][];
        ln1B = new float[layers][];
        ln2G = new float[layers][];
        ln2B = new float[layers][];
        for (int l = 0; l < layers; l++) {
            LayerWeights lw = w.layers().get(l);
            qkv[l] = k.pack(lw.qkvWeight(), 0, 3 * d, d);
            out[l] = k.pack(lw.outWeight(), 0, d, d);
            up[l] = k.pack(lw.upWeight(), 0, f, d);
            down[l] = k.pack(lw.downWeight(), 0, d, f);
            qkvB[l] = lw.qkvBias();
            outB[l] = lw.outBias();
            upB[l] = lw.upBias();
            downB[l] = lw.downBias();
            ln1G[l] = lw.ln1Gamma();
            ln1B[l] = lw.ln1Beta();
            ln2G[l] = lw.ln2Gamma();
            ln2B[l] = lw.ln2Beta();
        }
        if (w.classifierWeight() != null) {
            int labels = w.classifierBias().length;
            classifier = k.pack(w.classifierWeight(), 0, labels, d);
            classifierB = w.classifierBias();
        } else {
            classifier = null;
            classifierB = null;
        }
        int t = pool.threads();
        kS = new float[t][0];
        vS = new float[t][0];
        sS = new float[t][0];
    }

    public EncoderConfig config() {
        return c;
    }

    public int threads() {
        return pool.threads();
    }

    /** Whether the weights include a token-classification head. */
    public boolean hasClassifier() {
        return classifier != null;
    }

    /** Last hidden states of every token of the batch. */
    public synchronized EncoderOutput forward(EncoderInput in) {
        Batch b = Batch.of(in, c);
        run(b);
        return new EncoderOutput(Arrays.copyOf(x, b.n * c.hidden()), c.hidden(), b.start, b.length);
    }

    /** Token-classification logits (N, labels) of the batch, rows as in {@link EncoderOutput}. */
    public synchronized float[] classify(EncoderInput in) {
        if (classifier == null)
            throw new IllegalStateException("this model has no token-classification head (classifier.weight)");
        Batch b = Batch.of(in, c);
        run(b);
        int labels = classifier.rows();
        float[] logits = new float[b.n * labels];
        k.dotBlock(x, 0, classifier, logits, 0, labels, b.n);
        for (int r = 0; r < b.n; r++) {
            for (int j = 0; j < labels; j++) logits[r * labels + j] += classifierB[j];
        }
        return logits;
    }

    private void run(Batch b) {
        int d = c.hidden(), n = b.n;
        if (x.length < n * d) {
            x = new float[n * d];
            ctx = new float[n * d];
            qkvOut = new float[n * 3 * d];
            hid = new float[n * c.intermediate()];
        }
        embed(b);
        int block = blockRows(n, pool.threads());
        int blocks = (n + block - 1) / block;
        // everything between two attentions is row-local, so one dispatch runs a block's attention output, its
        // feed-forward and the next layer's q/k/v: 1 + 2 x layers dispatches per batch
        pool.forEach(blocks, (w, i) -> qkvBlock(0, i * block, Math.min(n, i * block + block)));
        for (int l = 0; l < c.layers(); l++) {
            int layer = l;
            pool.forEach(b.batch() * c.heads(), (w, i) -> attention(w, b, i / c.heads(), i % c.heads()));
            pool.forEach(blocks, (w, i) -> {
                int r0 = i * block, r1 = Math.min(n, r0 + block);
                attentionOutBlock(layer, r0, r1);
                feedForwardBlock(layer, r0, r1);
                if (layer + 1 < c.layers()) qkvBlock(layer + 1, r0, r1);
            });
        }
    }

    /**
     * Rows per GEMM block for n rows on the given threads: a multiple of 4 (the GEMM tile), at most {@value #BLOCK},
     * at least {@value #MIN_BLOCK}, at least 4 blocks per thread when rows are few, and the block count rounded up to a
     * multiple of the threads so that equal blocks give each thread an equal share (15 blocks on 2 threads would
     * leave one thread idle for a whole block at the end of every dispatch).
     */
    static int blockRows(int n, int threads) {
        int blocks = Math.max(4 * threads, (n + BLOCK - 1) / BLOCK);
        blocks = (blocks + threads - 1) / threads * threads;
        int rows = (n + blocks - 1) / blocks;
        return Math.max(MIN_BLOCK, Math.min(BLOCK, (rows + 3) / 4 * 4));
    }

    /** x = LN(word[id] + position[p] + type[t]) per token; RoBERTa positions count from padding_idx + 1. */
    private void embed(Batch b) {
        int d = c.hidden();
        boolean roberta = c.architecture().robertaPositions();
        for (int s = 0; s < b.batch(); s++) {
            int[] ids = b.ids[s];
            int seen = 0;
            for (int t = 0; t < ids.length; t++) {
                int pos;
                if (roberta) {
                    if (ids[t] != c.padTokenId()) seen++;
                    pos = ids[t] != c.padTokenId() ? c.padTokenId() + seen : c.padTokenId();
                } else {
                    pos = t;
                }
                int row = (b.start[s] + t) * d;
                int wo = ids[t] * d, po = pos * d;
                for (int e = 0; e < d; e++) x[row + e] = word[wo + e] + position[po + e];
                if (tokenType != null) {
                    int to = (b.types == null ? 0 : b.types[s][t]) * d;
                    for (int e = 0; e < d; e++) x[row + e] += tokenType[to + e];
                }
                k.layerNorm(x, row, d, embG, embB, c.layerNormEps());
            }
        }
    }

    private void qkvBlock(int l, int r0, int r1) {
        int w3 = 3 * c.hidden();
        k.linear(x, r0, qkv[l], qkvB[l], Epilogue.BIAS, qkvOut, r0 * w3, w3, r1 - r0);
    }

    /**
     * One (sequence, head): softmax(q k^T / sqrt(hd)) v over the sequence's unmasked keys, into ctx. Both products
     * are the strided {@link Kernels#matmul} (register-blocked, no horizontal sums): q is read in place from the
     * (N, 3D) projection; k^T (hd, kp) is the one per-head copy (transposed, scaled by 1 / sqrt(hd), keys padded with
     * zeros to kp, a multiple of {@value #KEY_PAD}, whose scores the softmax leaves out); v is read in place too when
     * every key is unmasked (else the unmasked rows are gathered); the product lands in ctx's head columns.
     */
    private void attention(int worker, Batch b, int s, int h) {
        int d = c.hidden(), hd = c.headDim(), w3 = 3 * d;
        int t = b.length[s], r0 = b.start[s];
        int[] keys = b.keys[s];
        int kn = keys.length, kp = (kn + KEY_PAD - 1) / KEY_PAD * KEY_PAD;
        float[] kt = scratch(kS, worker, hd * kp), sc = scratch(sS, worker, t * kp);
        float scale = (float) (1.0 / Math.sqrt(hd));
        int ko = d + h * hd, vo = 2 * d + h * hd;
        for (int j = 0; j < kn; j++) {
            int row = (r0 + keys[j]) * w3 + ko;
            for (int e = 0; e < hd; e++) kt[e * kp + j] = qkvOut[row + e] * scale;
        }
        for (int e = 0; e < hd; e++) Arrays.fill(kt, e * kp + kn, e * kp + kp, 0f);
        k.matmul(qkvOut, r0 * w3 + h * hd, w3, kt, 0, kp, sc, 0, kp, t, hd, kp); // (t, kp) scores
        for (int i = 0; i < t; i++) k.softmaxInPlace(sc, i * kp, kn);
        float[] v = qkvOut;
        int vOff = r0 * w3 + vo, ldv = w3;
        if (kn < t) { // masked keys: gather the unmasked value rows
            v = scratch(vS, worker, kn * hd);
            for (int j = 0; j < kn; j++) System.arraycopy(qkvOut, (r0 + keys[j]) * w3 + vo, v, j * hd, hd);
            vOff = 0;
            ldv = hd;
        }
        k.matmul(sc, 0, kp, v, vOff, ldv, ctx, r0 * d + h * hd, d, t, kn, hd); // (t, hd) into ctx's head columns
    }

    private static float[] scratch(float[][] pool, int worker, int size) {
        if (pool[worker].length < size) pool[worker] = new float[Math.max(size, pool[worker].length * 2)];
        return pool[worker];
    }

    /** x = LN(x + ctx Wo^T + bo) on rows [r0, r1). */
    private void attentionOutBlock(int l, int r0, int r1) {
        int d = c.hidden();
        k.linear(ctx, r0, out[l], outB[l], Epilogue.BIAS_RESIDUAL, x, r0 * d, d, r1 - r0);
        layerNormRows(r0, r1, ln1G[l], ln1B[l]);
    }

    /** x = LN(x + act(x W1^T + b1) W2^T + b2) on rows [r0, r1). */
    private void feedForwardBlock(int l, int r0, int r1) {
        int d = c.hidden(), f = c.intermediate();
        if (c.activation() == Activation.GELU) {
            k.linear(x, r0, up[l], upB[l], Epilogue.BIAS_GELU, hid, r0 * f, f, r1 - r0);
        } else {
            k.linear(x, r0, up[l], upB[l], Epilogue.BIAS, hid, r0 * f, f, r1 - r0);
            activate(hid, r0 * f, (r1 - r0) * f);
        }
        k.linear(hid, r0, down[l], downB[l], Epilogue.BIAS_RESIDUAL, x, r0 * d, d, r1 - r0);
        layerNormRows(r0, r1, ln2G[l], ln2B[l]);
    }

    private void layerNormRows(int r0, int r1, float[] g, float[] b) {
        int d = c.hidden();
        for (int r = r0; r < r1; r++) k.layerNorm(x, r * d, d, g, b, c.layerNormEps());
    }

    /** ReLU or tanh-GELU in place (the erf GELU is fused into the up-projection). */
    private void activate(float[] a, int off, int len) {
        if (c.activation() == Activation.RELU) {
            for (int i = off; i < off + len; i++) a[i] = Math.max(0f, a[i]);
        } else {
            for (int i = off; i < off + len; i++) {
                float v = a[i];
                a[i] = 0.5f * v * (1f + (float) Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
