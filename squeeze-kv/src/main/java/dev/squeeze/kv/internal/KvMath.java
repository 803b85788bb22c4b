package dev.squeeze.kv.internal;

import dev.squeeze.core.select.TopK;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.LayerView;

/** Small numeric helpers shared by presses: attention aggregated over a GQA group, pooling, norms. */
public final class KvMath {
    private KvMath() {}

    /**
     * Attention that queries [from, to) of the query heads of KV head {@code kvHead} paid to each slot,
     * summed over those queries and averaged over the group's query heads: (visibleCount(to - 1)).
     */
    public static float[] groupAttentionSum(LayerView v, int kvHead, int from, int to) {
        int g = v.shape().groupSize();
        float[] out = null;
        for (int h = kvHead * g; h < (kvHead + 1) * g; h++) {
            FloatMatrix a = v.attention(h, from, to);
            if (out == null) out = new float[a.cols()];
            float[] d = a.data();
            for (int r = 0; r < a.rows(); r++) for (int j = 0; j < a.cols(); j++) out[j] += d[r * a.cols() + j];
        }
        for (int j = 0; j < out.length; j++) out[j] /= g;
        return out;
    }

    /** This decode step's attention for KV head {@code kvHead}, averaged over its query heads: (visibleCount(0)). */
    public static float[] groupStepAttention(LayerView v, int kvHead) {
        int g = v.shape().groupSize();
        int n = v.visibleCount(0, kvHead);
        float[] out = new float[n];
        float[] att = v.stepAttention();
        for (int h = kvHead * g; h < (kvHead + 1) * g; h++) {
            int off = v.stepAttentionOffset(h);
            for (int j = 0; j < n; j++) out[j] += att[off + j];
        }
        for (int j = 0; j < n; j++) out[j] /= g;
        return out;
    }

    /** Last query's attention for KV head {@code kvHead} (group mean), at prefill or decode. */
    public static float[] groupLastAttention(LayerView v, int kvHead) {
        if (v.phase() == dev.squeeze.kv.api.Phase.DECODE) return groupStepAttention(v, kvHead);
        int q = v.queryCount();
        return groupAttentionSum(v, kvHead, q - 1, q);
    }

    /** 1-D average pooling, stride 1, zero padding k/2 on both sides (divisor k, as avg_pool1d counts padding). */
    public static float[] avgPool(float[] x, int from, int to, int kernel) {
        int n = to - from;
        float[] out = new float[n];
        int half = kernel / 2;
        for (int i = 0; i < n; i++) {
            float s = 0;
            for (int j = i - half; j <= i + half; j++) if (j >= 0 && j < n) s += x[from + j];
            out[i] = s / kernel;
        }
        return out;
    }

    /**
     * One top-k over the entries of several rows (heads, or heads of several layers) together: the chosen
     * slots of each row, ascending (null rows are skipped and stay null). k is capped at the entries there are.
     * Ties go as {@link TopK#topKIndices} breaks them over the rows laid end to end.
     */
    public static int[][] pooledTopK(float[][] rows, int k) {
        int m = 0;
        for (float[] r : rows) if (r != null) m += r.length;
        float[] flat = new float[m];
        int e = 0;
        for (float[] r : rows) if (r != null) for (float x : r) flat[e++] = x;
        boolean[] chosen = new boolean[m];
        for (int idx : TopK.topKIndices(flat, Math.min(k, m))) chosen[idx] = true;
        int[][] out = new int[rows.length][];
        e = 0;
        for (int r = 0; r < rows.length; r++) {
            if (rows[r] == null) continue;
            int n = 0;
            for (int i = 0; i < rows[r].length; i++) if (chosen[e + i]) n++;
            out[r] = new int[n];
            n = 0;
            for (int i = 0; i < rows[r].length; i++) if (chosen[e + i]) out[r][n++] = i;
            e += rows[r].length;
        }
        return out;
    }

    public static float norm(float[] x, int off, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += (double) x[off + i] * x[off + i];
        return (float) Math.sqrt(s);
    }
}
