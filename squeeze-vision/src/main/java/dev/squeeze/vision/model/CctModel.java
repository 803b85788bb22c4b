package dev.squeeze.vision.model;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.BlockTrace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Compact Convolutional Transformer of {@code cct-cifar10.pt} ("Escaping the Big Data Paradigm with Compact
 * Transformers", Hassani et al., 2021), run in Java with reducer hooks.
 *
 * <pre>
 * image (3, 32, 32) -> conv3x3 3->128 (pad 1, no bias) -> ReLU -> maxpool 3x3/2 pad 1 -> (256, 128) tokens
 *   + positional_embeddings (256, 128)
 * 4 x pre-LN block: x += out_proj(MHA(LN(x)))  (4 heads x 32, fused in_proj (384, 128))
 *                   x += W2 GELU(W1 LN(x))      (128 -> 256 -> 128, exact erf GELU)
 * LN -> attention pooling: w = softmax_j(a . x_j + b), z = sum_j w_j x_j -> fc (10, 128)
 * </pre>
 * LayerNorm eps is 1e-5. Merged tokens get proportional attention: ln(size) is added to every attention logit
 * and to the pooling logits. The model is immutable and thread-safe.
 */
public final class CctModel {
    public static final int IMAGE = 32;
    public static final int GRID = 16;
    public static final int TOKENS = GRID * GRID;
    public static final int DIM = 128;
    public static final int HEADS = 4;
    public static final int HEAD_DIM = 32;
    public static final int HIDDEN = 256;
    public static final int BLOCKS = 4;
    public static final int CLASSES = 10;
    public static final List<String> CLASS_NAMES =
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck");
    private static final float EPS = 1e-5f;

    private final float[] conv; // (128, 27) = (out, c*9 + ky*3 + kx)
    private final float[] pos; // (256, 128)
    private final Block[] blocks;
    private final float[] normW, normB;
    private final float[] poolW; // (128)
    private final float poolB;
    private final float[] fcW; // (10, 128)
    private final float[] fcB;
    private final Kernels k = KernelProvider.kernels();

    private record Block(
            float[] ln1W,
            float[] ln1B,
            float[] inW,
            float[] inB,
            float[] outW,
            float[] outB,
            float[] ln2W,
            float[] ln2B,
            float[] w1,
            float[] b1,
            float[] w2,
            float[] b2) {}

    /** Loads {@code cct-cifar10.pt}, checking every tensor's name and shape against the layout above. */
    public static CctModel load(Path checkpoint) throws IOException {
        return new CctModel(checkpoint.toString(), TorchCheckpoint.read(checkpoint));
    }

    CctModel(String source, Map<String, TorchTensor> t) {
        conv = get(source, t, "tokenizer.tokenizer_layers.0.weight", DIM, 3, 3, 3);
        pos = get(source, t, "positional_embeddings", 1, TOKENS, DIM);
        blocks = new Block[BLOCKS];
        for (int l = 0; l < BLOCKS; l++) {
            String p = "blocks." + l + ".";
            blocks[l] = new Block(
                    get(source, t, p + "attention_pre_norm.weight", DIM),
                            get(source, t, p + "attention_pre_norm.bias", DIM),
                    get(source, t, p + "attention.in_proj.weight", 3 * DIM, DIM),
                            get(source, t, p + "attention.in_proj.bias", 3 * DIM),
                    get(source, t, p + "attention.out_proj.weight", DIM, DIM),
                            get(source, t, p + "attention.out_proj.bias", DIM),
                    get(source, t, p + "mlp_pre_norm.weight", DIM), get(source, t, p + "mlp_pre_norm.bias", DIM),
                    get(source, t, p + "mlp.0.weight", HIDDEN, DIM), get(source, t, p + "mlp.0.bias", HIDDEN),
                    get(source, t, p + "mlp.3.weight", DIM, HIDDEN), get(source, t, p + "mlp.3.bias", DIM));
        }
        normW = get(source, t, "norm.weight", DIM);
        normB = get(source, t, "norm.bias", DIM);
        poolW = get(source, t, "pool.attention_pool.weight", 1, DIM);
        poolB = get(source, t, "pool.attention_pool.bias", 1)[0];
        fcW = get(source, t, "fc.weight", CLASSES, DIM);
        fcB = get(source, t, "fc.bias", CLASSES);
    }

    private static float[] get(String source, Map<String, TorchTensor> t, String name, int... shape) {
        TorchTensor x = t.get(name);
        if (x == null) {
            throw new IllegalArgumentException(
                    source + ": missing tensor '" + name + "' (expected a CCT-CIFAR10 state dict; found " + t.size()
                            + " tensors, e.g. " + t.keySet().stream().limit(3).toList() + ")");
        }
        return x.requireShape(source, shape).data();
    }

    /**
     * Result of a forward pass.
     *
     * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
     * maker nor its readers modify them.
     */
    public record Output(float[] logits, TokenSet finalTokens, long reduceNanos) {
        public int top1() {
            int b = 0;
            for (int i = 1; i < logits.length; i++) if (logits[i] > logits[b]) b = i;
            return b;
        }
    }

    // ------------------------------------------------------------------ tokenizer

    /** (256, 128) tokens of a normalised (3, 32, 32) CHW image, positional embeddings added. */
    public FloatMatrix tokenize(float[] image) {
        if (image.length != 3 * IMAGE * IMAGE) {
            throw new IllegalArgumentException(
                    "image must hold 3*32*32 = 3072 normalised values (CHW), got " + image.length);
        }
        int hw = IMAGE * IMAGE;
        float[] cols = new float[hw * 27]; // im2col (1024, 27), zero padding
        for (int y = 0; y < IMAGE; y++) {
            for (int x = 0; x < IMAGE; x++) {
                int o = (y * IMAGE + x) * 27;
                for (int c = 0; c < 3; c++) {
                    for (int ky = 0; ky < 3; ky++) {
                        int yy = y + ky - 1;
                        for (int kx = 0; kx < 3; kx++) {
                            int xx = x + kx - 1;
                            cols[o + c * 9 + ky * 3 + kx] = (yy < 0 || yy >= IMAGE || xx < 0 || xx >= IMAGE)
                                    ? 0f
                                    : image[c * hw + yy * IMAGE + xx];
                        }
                    }
                }
            }
        }
        float[] fm = new float[hw * DIM]; // (1024, 128) position-major feature map
        k.dotBlock(cols, conv, fm, hw, DIM, 27);
        for (int i = 0; i < fm.length; i++) if (fm[i] < 0f) fm[i] = 0f; // ReLU
        float[] out = new float[TOKENS * DIM];
        for (int gy = 0; gy < GRID; gy++) {
            for (int gx = 0; gx < GRID; gx++) {
                int o = (gy * GRID + gx) * DIM;
                java.util.Arrays.fill(out, o, o + DIM, Float.NEGATIVE_INFINITY);
                for (int dy = -1; dy <= 1; dy++) {
                    int y = 2 * gy + dy;
                    if (y < 0 || y >= IMAGE) continue;
                    for (int dx = -1; dx <= 1; dx++) {
                        int x = 2 * gx + dx;
                        if (x < 0 || x >= IMAGE) continue;
                        int src = (y * IMAGE + x) * DIM;
                        for (int c = 0; c < DIM; c++) out[o + c] = Math.max(out[o + c], fm[src + c]);
                    }
                }
                for (int c = 0; c < DIM; c++) out[o + c] += pos[o + c];
            }
        }
        return new FloatMatrix(TOKENS, DIM, out);
    }

    // ------------------------------------------------------------------ forward

    /** The unreduced forward pass of an image. */
    public Output forward(float[] image) {
        return forward(TokenSet.of(tokenize(image)), Reducer.NONE);
    }

    /** The forward pass from tokens (any count, e.g. AnyRes crops), with reducer hooks. */
    public Output forward(TokenSet tokens, Reducer reducer) {
        Stage s = run(tokens, 0, BLOCKS, reducer);
        return new Output(head(s.tokens()), s.tokens(), s.reduceNanos());
    }

    /** The logits of a token set that has been through every block (final norm, pooling, fc). */
    public float[] classify(TokenSet finalTokens) {
        return head(finalTokens);
    }

    /**
     * Tokens after running blocks [from, to) with hooks: beforeBlock(from) ... beforeBlock(to) (the last only
     * when to == L), insideBlock(l) for every block run.
     *
     * @param tokens      the tokens entering block {@code from}
     * @param reduceNanos wall time spent inside the reducer's hooks (including applying its transforms)
     * @param history     traces of the blocks run since the last reduction
     */
    public record Stage(TokenSet tokens, List<BlockTrace> history, long reduceNanos) {}

    public Stage run(TokenSet tokens, int from, int to, Reducer reducer) {
        return run(tokens, from, to, reducer, List.of());
    }

    /**
     * Like {@link #run(TokenSet, int, int, Reducer)}, resuming from a cached stage: {@code history} holds the
     * traces of the blocks before {@code from} that ran on exactly {@code tokens} (e.g. {@link Stage#history()}
     * of an unreduced run), so hooks see the same attention as in one uninterrupted pass.
     */
    public Stage run(TokenSet tokens, int from, int to, Reducer reducer, List<BlockTrace> history0) {
        if (tokens.tokens().cols() != DIM) {
            throw new IllegalArgumentException(
                    "tokens must have width " + DIM + ", got " + tokens.tokens().cols());
        }
        if (from < 0 || to > BLOCKS || from > to)
            throw new IllegalArgumentException(
                    "block range [" + from + ", " + to + ") is not inside [0, " + BLOCKS + "]");
        List<BlockTrace> history = new ArrayList<>(history0);
        long reduceNanos = 0;
        TokenSet x = tokens;
        for (int l = from; l <= to; l++) {
            if (l < to || to == BLOCKS) {
                long t0 = System.nanoTime();
                Optional<TokenTransform> m = reducer.beforeBlock(new HookContext(this, l, x, List.copyOf(history)));
                if (m.isPresent()) {
                    x = m.get().apply(x, PositionMode.REPRESENTATIVE);
                    history.clear();
                }
                reduceNanos += System.nanoTime() - t0;
            }
            if (l == to) break;
            Block b = blocks[l];
            BlockTrace attn = attention(l, b, x);
            x = new TokenSet(attn.output(), x.sizes(), x.positions(), x.provenance());
            history.add(attn);
            long t0 = System.nanoTime();
            Optional<TokenTransform> m = reducer.insideBlock(new HookContext(this, l, x, List.copyOf(history)));
            if (m.isPresent()) {
                x = m.get().apply(x, PositionMode.REPRESENTATIVE);
                history.clear();
            }
            reduceNanos += System.nanoTime() - t0;
            FloatMatrix y = mlp(b, x.tokens());
            x = new TokenSet(y, x.sizes(), x.positions(), x.provenance());
            if (!history.isEmpty()) {
                BlockTrace last = history.remove(history.size() - 1);
                history.add(new BlockTrace(last.layer(), last.heads(), last.attention(), last.keys(), y));
            }
        }
        return new Stage(x, List.copyOf(history), reduceNanos);
    }

    /** x + out_proj(MHA(LN(x))); the trace's output is that residual sum. */
    private BlockTrace attention(int layer, Block b, TokenSet ts) {
        FloatMatrix xm = ts.tokens();
        int n = xm.rows();
        float[] h = layerNorm(xm.data(), n, b.ln1W, b.ln1B);
        float[] qkv = new float[n * 3 * DIM]; // (N, 384): q | k | v
        k.dotBlock(h, b.inW, qkv, n, 3 * DIM, DIM);
        addBias(qkv, n, b.inB);
        float[] logSizes = ts.logSizes();
        boolean proportional = false;
        for (float s : logSizes)
            if (s != 0f) {
                proportional = true;
                break;
            }
        float[] q = new float[n * HEAD_DIM], kk = new float[n * HEAD_DIM], v = new float[n * HEAD_DIM];
        float[] att = new float[HEADS * n * n]; // (H, N, N)
        float[] ctx = new float[n * DIM];
        float[] oh = new float[n * HEAD_DIM];
        float[] keys = new float[n * DIM];
        float scale = (float) (1.0 / Math.sqrt(HEAD_DIM));
        for (int hd = 0; hd < HEADS; hd++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(qkv, i * 3 * DIM + hd * HEAD_DIM, q, i * HEAD_DIM, HEAD_DIM);
                System.arraycopy(qkv, i * 3 * DIM + DIM + hd * HEAD_DIM, kk, i * HEAD_DIM, HEAD_DIM);
                System.arraycopy(qkv, i * 3 * DIM + 2 * DIM + hd * HEAD_DIM, v, i * HEAD_DIM, HEAD_DIM);
                System.arraycopy(qkv, i * 3 * DIM + DIM + hd * HEAD_DIM, keys, i * DIM + hd * HEAD_DIM, HEAD_DIM);
            }
            float[] p = new float[n * n];
            k.dotBlock(q, kk, p, n, n, HEAD_DIM);
            for (int i = 0; i < n; i++) {
                int row = i * n;
                k.scale(p, row, n, scale);
                if (proportional) for (int j = 0; j < n; j++) p[row + j] += logSizes[j];
                k.softmaxInPlace(p, row, n);
            }
            k.matmul(p, v, oh, n, n, HEAD_DIM);
            for (int i = 0; i < n; i++) System.arraycopy(oh, i * HEAD_DIM, ctx, i * DIM + hd * HEAD_DIM, HEAD_DIM);
            System.arraycopy(p, 0, att, hd * n * n, n * n);
        }
        float[] out = new float[n * DIM];
        k.dotBlock(ctx, b.outW, out, n, DIM, DIM);
        float[] xd = xm.data();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < DIM; c++) out[i * DIM + c] += b.outB[c] + xd[i * DIM + c];
        }
        return new BlockTrace(layer, HEADS, att, new FloatMatrix(n, DIM, keys), new FloatMatrix(n, DIM, out));
    }

    /** x + W2 GELU(W1 LN(x) + b1) + b2. */
    private FloatMatrix mlp(Block b, FloatMatrix xm) {
        int n = xm.rows();
        float[] h = layerNorm(xm.data(), n, b.ln2W, b.ln2B);
        float[] hid = new float[n * HIDDEN];
        k.dotBlock(h, b.w1, hid, n, HIDDEN, DIM);
        addBias(hid, n, b.b1);
        for (int i = 0; i < hid.length; i++) hid[i] = gelu(hid[i]);
        float[] out = new float[n * DIM];
        k.dotBlock(hid, b.w2, out, n, DIM, HIDDEN);
        float[] xd = xm.data();
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < DIM; c++) out[i * DIM + c] += b.b2[c] + xd[i * DIM + c];
        }
        return new FloatMatrix(n, DIM, out);
    }

    private float[] head(TokenSet x) {
        int n = x.size();
        float[] z = layerNorm(x.tokens().data(), n, normW, normB);
        float[] w = poolLogits(z, n, x.sizes());
        k.softmaxInPlace(w, 0, n);
        float[] pooled = new float[DIM];
        for (int i = 0; i < n; i++) k.axpy(w[i], z, i * DIM, pooled, 0, DIM);
        float[] logits = new float[CLASSES];
        for (int c = 0; c < CLASSES; c++) logits[c] = k.dot(fcW, c * DIM, pooled, 0, DIM) + fcB[c];
        return logits;
    }

    /**
     * (N) attention-pooling weights of these tokens: softmax_j(a . LN(x_j) + b + ln s_j). On the final tokens
     * this is exactly what the classifier pools with; on intermediate tokens it is the [CLS]-attention proxy.
     */
    public float[] poolWeights(TokenSet x) {
        int n = x.size();
        float[] z = layerNorm(x.tokens().data(), n, normW, normB);
        float[] w = poolLogits(z, n, x.sizes());
        k.softmaxInPlace(w, 0, n);
        return w;
    }

    private float[] poolLogits(float[] z, int n, float[] sizes) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) w[i] = k.dot(poolW, 0, z, i * DIM, DIM) + poolB + (float) Math.log(sizes[i]);
        return w;
    }

    private float[] layerNorm(float[] x, int n, float[] g, float[] b) {
        float[] out = new float[n * DIM];
        for (int i = 0; i < n; i++) {
            int o = i * DIM;
            double mean = 0;
            for (int c = 0; c < DIM; c++) mean += x[o + c];
            mean /= DIM;
            double var = 0;
            for (int c = 0; c < DIM; c++) {
                double d = x[o + c] - mean;
                var += d * d;
            }
            var /= DIM;
            float inv = (float) (1.0 / Math.sqrt(var + EPS));
            for (int c = 0; c < DIM; c++) out[o + c] = (float) ((x[o + c] - mean) * inv) * g[c] + b[c];
        }
        return out;
    }

    private static void addBias(float[] y, int n, float[] bias) {
        int m = bias.length;
        for (int i = 0; i < n; i++) for (int c = 0; c < m; c++) y[i * m + c] += bias[c];
    }

    /** Exact (erf) GELU, as torch.nn.GELU(); erf from Numerical Recipes' erfc (|error| < 1.2e-7). */
    static float gelu(float x) {
        return (float) (0.5 * x * (1.0 + erf(x / Math.sqrt(2.0))));
    }

    static double erf(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t
                * Math.exp(
                        -z * z
                                - 1.26551223
                                + t
                                        * (1.00002368
                                                + t
                                                        * (0.37409196
                                                                + t
                                                                        * (0.09678418
                                                                                + t
                                                                                        * (-0.18628806
                                                                                                + t
                                                                                                        * (0.27886807
                                                                                                                + t
                                                                                                                        * (-1.13520398
                                                                                                                                + t
                                                                                                                                        * (1.48851587
                                                                                                                                                + t
                                                                                                                                                        * (-0.82215223
                                                                                                                                                                + t
                                                                                                                                                                        * 0.17087277)))))))));
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }
}
