package dev.squeeze.kv.evict;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.PressParams;
import dev.squeeze.llm.kv.HeadKvStore;
import dev.squeeze.llm.kv.LayerView;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.Rope;

/**
 * Expected Attention (Devoto et al., "Expected Attention: KV Cache Compression by Estimating Attention
 * from Future Queries Distribution", 2025, arXiv:2510.00636; kvpress ExpectedAttentionPress): queries are
 * modelled as Gaussian. Their mean mu and covariance S are estimated (per query head) from every query
 * seen so far with RoPE undone; both are rotated to each of the next {@code future} = 512 positions and
 * averaged (mu', S'). An entry's expected logit is mu'·k/sqrt(d) + k^T S' k / (2d); scores are the softmax
 * of that over the head's entries, averaged over the GQA group, times ||v|| ({@code vnorm} = true) plus
 * {@code epsilon} = 0. The first {@code sinks} = 4 entries are always kept.
 */
public final class ExpectedAttentionPress extends ScorePress {
    private final int future;
    private final boolean vnorm;
    private final double epsilon;
    private final boolean covariance;
    private final double[][][] sum;   // (layer, qHead, d) sum of de-rotated queries
    private final double[][][] sum2;  // (layer, qHead, d*d) sum of outer products
    private final long[][] count;     // (layer, qHead)
    private int lastPos;

    public ExpectedAttentionPress(PressParams p, LlamaConfig c) {
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
        Rope rope = v.rope();
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
        Rope rope = v.rope();
        for (int h = kvHead * g; h < (kvHead + 1) * g; h++) {
            long cnt = Math.max(1, count[l][h]);
            float[] mu0 = new float[d];
            for (int i = 0; i < d; i++) mu0[i] = (float) (sum[l][h][i] / cnt);
            float[] cov0 = new float[d * d];
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) cov0[i * d + j] = (float) (sum2[l][h][i * d + j] / cnt - (double) mu0[i] * mu0[j]);
            // average over future positions of R mu and R S R^T
            float[] mu = new float[d];
            float[] cov = new float[d * d];
            float[] tmp = new float[d];
            float[] m = new float[d * d];
            float[] col = new float[d];
            for (int f = 1; f <= future; f++) {
                double p = lastPos + f;
                System.arraycopy(mu0, 0, tmp, 0, d);
                rope.rotateBy(tmp, 0, p);
                for (int i = 0; i < d; i++) mu[i] += tmp[i] / future;
                if (!covariance) continue;
                System.arraycopy(cov0, 0, m, 0, d * d);
                for (int r = 0; r < d; r++) rope.rotateBy(m, r * d, p);            // rows: S R^T
                for (int c = 0; c < d; c++) {                                      // columns: R (S R^T)
                    for (int r = 0; r < d; r++) col[r] = m[r * d + c];
                    rope.rotateBy(col, 0, p);
                    for (int r = 0; r < d; r++) cov[r * d + c] += col[r] / future;
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
            for (int i = 0; i < n; i++) { z[i] = Math.exp(z[i] - max); total += z[i]; }
            for (int i = 0; i < n; i++) out[i] += (float) (z[i] / total / g);
        }
        if (vnorm || epsilon != 0) {
            FloatMatrix vals = st.values();
            for (int i = 0; i < n; i++) {
                double vn = vnorm ? dev.squeeze.kv.KvMath.norm(vals.data(), i * d, d) : 1;
                out[i] = (float) ((out[i] + epsilon) * vn);
            }
        }
        return out;
    }

    @Override
    public void reset() {
        for (double[][] a : sum) for (double[] b : a) java.util.Arrays.fill(b, 0);
        for (double[][] a : sum2) for (double[] b : a) java.util.Arrays.fill(b, 0);
        for (long[] a : count) java.util.Arrays.fill(a, 0);
    }
}
