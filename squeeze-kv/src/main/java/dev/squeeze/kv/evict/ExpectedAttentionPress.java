package dev.squeeze.kv.evict;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.api.RopeRotation;
import org.jspecify.annotations.Nullable;

/**
 * Expected Attention (Devoto et al., "Expected Attention: KV Cache Compression by Estimating Attention
 * from Future Queries Distribution", 2025, arXiv:2510.00636; kvpress ExpectedAttentionPress): queries are
 * modelled as Gaussian. Their mean mu and covariance S are estimated (per query head) from every query
 * seen so far with RoPE undone; both are rotated to each of the next {@code future} = 512 positions and
 * averaged (mu', S'; A = mean_f R(p + f) = R(p) mean_f R(f), computed once and turned per position). An entry's expected logit is mu'·k/sqrt(d) + k^T S' k / (2d); scores are the softmax
 * of that over the head's entries, averaged over the GQA group, times ||v|| ({@code vnorm} = true) plus
 * {@code epsilon} = 0. The first {@code sinks} = 4 entries are always kept. The averaged rotations are cached
 * per position; for heads wider than 16 the rotated covariance is approximated by A S A^T (A the mean
 * rotation) instead of the exact mean of R S R^T.
 */
final class ExpectedAttentionPress extends ScorePress {
    private final int future;
    private final boolean vnorm;
    private final double epsilon;
    private final boolean covariance;
    private final double[][][] sum; // (layer, qHead, d) sum of de-rotated queries
    private final double[][][] sum2; // (layer, qHead, d*d) sum of outer products
    private final long[][] count; // (layer, qHead)
    private int lastPos;
    private static final int EXACT_COV_MAX_DIM = 16;
    private int cachedPos = -1;
    private double @Nullable [] avgRot; // (d, d) mean_f R(p + f)
    private double @Nullable [] pairRot; // (d, d, d, d) T_ab = mean_f (R e_a)(R e_b)^T

    private double @Nullable [] meanRot; // (d, d) mean_{f=1..future} R(f), independent of the position

    /**
     * Caches A = mean_f R(p + f) = R(p) mean_f R(f) (rotations compose) for the current last position, and
     * for narrow heads T; shared by every layer and head of a step. O(d^2) per new position after the first.
     */
    private void averagedRotation(RopeRotation rope, int d) {
        if (cachedPos == lastPos && avgRot != null) return;
        float[] e = new float[d];
        if (meanRot == null) {
            meanRot = new double[d * d];
            for (int f = 1; f <= future; f++) {
                for (int a = 0; a < d; a++) {
                    java.util.Arrays.fill(e, 0f);
                    e[a] = 1f;
                    rope.rotateBy(e, 0, f);
                    for (int i = 0; i < d; i++) meanRot[i * d + a] += e[i] / (double) future;
                }
            }
        }
        avgRot = new double[d * d];
        for (int a = 0; a < d; a++) { // column a of R(p) M
            for (int i = 0; i < d; i++) e[i] = (float) meanRot[i * d + a];
            rope.rotateBy(e, 0, lastPos);
            for (int i = 0; i < d; i++) avgRot[i * d + a] = e[i];
        }
        pairRot = covariance && d <= EXACT_COV_MAX_DIM ? new double[d * d * d * d] : null;
        if (pairRot != null) {
            float[] basis = new float[d * d]; // column a = R(p + f) e_a
            for (int f = 1; f <= future; f++) {
                for (int a = 0; a < d; a++) {
                    java.util.Arrays.fill(e, 0f);
                    e[a] = 1f;
                    rope.rotateBy(e, 0, (double) lastPos + f);
                    for (int i = 0; i < d; i++) basis[i * d + a] = e[i];
                }
                for (int a = 0; a < d; a++)
                    for (int b = 0; b < d; b++) {
                        int base = (a * d + b) * d * d;
                        for (int i = 0; i < d; i++) {
                            double ra = basis[i * d + a] / (double) future;
                            if (ra == 0) continue;
                            for (int j = 0; j < d; j++) pairRot[base + i * d + j] += ra * basis[j * d + b];
                        }
                    }
            }
        }
        // A is block diagonal (RoPE turns pairs of dimensions): keep each row's non-zero columns
        rowCols = new int[d][];
        for (int i = 0; i < d; i++) {
            int nz = 0;
            for (int a = 0; a < d; a++) if (avgRot[i * d + a] != 0) nz++;
            rowCols[i] = new int[nz];
            nz = 0;
            for (int a = 0; a < d; a++) if (avgRot[i * d + a] != 0) rowCols[i][nz++] = a;
        }
        cachedPos = lastPos;
    }

    private int @Nullable [][] rowCols; // (d, <= 2) non-zero columns of each row of A

    /** A for position {@code pos} (d, d) row-major, as the scores use it (for tests). */
    double[] averagedRotation(RopeRotation rope, int d, int pos) {
        lastPos = pos;
        averagedRotation(rope, d);
        return avgRot.clone();
    }

    public ExpectedAttentionPress(PressParams p, ModelShape c) {
        super("expectedattention", p, c, 4);
        this.future = p.integer("future", 512, 1, 1 << 20);
        this.vnorm = p.bool("vnorm", true);
        this.covariance = p.bool("covariance", true);
        this.epsilon = p.real("epsilon", 0, 0, true, 1e6, true);
        int d = c.headDim();
        sum = new double[c.nLayers()][c.nHeads()][d];
        sum2 = new double[c.nLayers()][c.nHeads()][d * d];
        count = new long[c.nLayers()][c.nHeads()];
    }

    @Override
    protected void observe(LayerView v) {
        int d = config.headDim(), l = v.layer();
        float[] q = v.queries();
        float[] tmp = new float[d];
        RopeRotation rope = v.rope();
        for (int t = 0; t < v.queryCount(); t++) {
            int pos = v.queryPosition(t);
            lastPos = pos;
            for (int h = 0; h < config.nHeads(); h++) {
                System.arraycopy(q, t * config.qDim() + h * d, tmp, 0, d);
                rope.rotateBy(tmp, 0, -pos);
                double[] s = sum[l][h], s2 = sum2[l][h];
                for (int i = 0; i < d; i++) {
                    s[i] += tmp[i];
                    for (int j = 0; j < d; j++) s2[i * d + j] += (double) tmp[i] * tmp[j];
                }
                count[l][h]++;
            }
        }
    }

    @Override
    protected float[] score(LayerView v, int kvHead) {
        int d = config.headDim(), l = v.layer(), g = config.groupSize();
        HeadKvStore st = v.store(kvHead);
        FloatMatrix keys = st.keys();
        int n = keys.rows();
        float[] out = new float[n];
        RopeRotation rope = v.rope();
        for (int h = kvHead * g; h < (kvHead + 1) * g; h++) {
            long cnt = Math.max(1, count[l][h]);
            float[] mu0 = new float[d];
            for (int i = 0; i < d; i++) mu0[i] = (float) (sum[l][h][i] / cnt);
            float[] cov0 = new float[d * d];
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++)
                    cov0[i * d + j] = (float) (sum2[l][h][i * d + j] / cnt - (double) mu0[i] * mu0[j]);
            // mu' = A mu0 with A = mean_f R(p + f); S' = mean_f R S R^T = sum_ab S_ab T_ab (exact)
            averagedRotation(rope, d);
            float[] mu = new float[d];
            for (int i = 0; i < d; i++) {
                double acc = 0;
                for (int j = 0; j < d; j++) acc += avgRot[i * d + j] * mu0[j];
                mu[i] = (float) acc;
            }
            float[] cov = new float[d * d];
            if (covariance && pairRot == null) { // wide heads: S' ~ A S A^T, A sparse
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++) {
                        double acc = 0;
                        for (int a : rowCols[i])
                            for (int b : rowCols[j]) acc += avgRot[i * d + a] * cov0[a * d + b] * avgRot[j * d + b];
                        cov[i * d + j] = (float) acc;
                    }
            } else if (covariance) {
                for (int a = 0; a < d; a++)
                    for (int b = 0; b < d; b++) {
                        float sab = cov0[a * d + b];
                        if (sab == 0f) continue;
                        int base = (a * d + b) * d * d;
                        for (int e = 0; e < d * d; e++) cov[e] += (float) (sab * pairRot[base + e]);
                    }
            }
            double[] z = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            float[] k = keys.data();
            for (int i = 0; i < n; i++) {
                double lin = 0, quad = 0;
                for (int a = 0; a < d; a++) {
                    lin += mu[a] * k[i * d + a];
                    if (covariance) {
                        double row = 0;
                        for (int b = 0; b < d; b++) row += cov[a * d + b] * k[i * d + b];
                        quad += k[i * d + a] * row;
                    }
                }
                z[i] = lin / Math.sqrt(d) + quad / (2.0 * d);
                max = Math.max(max, z[i]);
            }
            double total = 0;
            for (int i = 0; i < n; i++) {
                z[i] = Math.exp(z[i] - max);
                total += z[i];
            }
            for (int i = 0; i < n; i++) out[i] += (float) (z[i] / total / g);
        }
        if (vnorm || epsilon != 0) {
            FloatMatrix vals = st.values();
            for (int i = 0; i < n; i++) {
                double vn = vnorm ? dev.squeeze.kv.internal.KvMath.norm(vals.data(), i * d, d) : 1;
                out[i] = (float) ((out[i] + epsilon) * vn);
            }
        }
        return out;
    }

    @Override
    public void reset() {
        cachedPos = -1;
        for (double[][] a : sum) for (double[] b : a) java.util.Arrays.fill(b, 0);
        for (double[][] a : sum2) for (double[] b : a) java.util.Arrays.fill(b, 0);
        for (long[] a : count) java.util.Arrays.fill(a, 0);
    }
}
