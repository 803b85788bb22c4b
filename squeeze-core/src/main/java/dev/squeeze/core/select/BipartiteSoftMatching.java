package dev.squeeze.core.select;

import dev.squeeze.core.Args;
import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ToMe's bipartite soft matching ("Token Merging: Your ViT But Faster", Bolya et al., ICLR 2023):
 * split tokens alternately into A (even indices) and B (odd); each A token proposes its most similar B
 * token by cosine of the metric (ToMe uses the attention keys averaged over heads); the r A tokens with
 * the most similar proposals are merged into their B partner by size-weighted average; the rest stay.
 *
 * <p>Constants: the alternating split and "protect token 0" (the [CLS]) follow the paper. Output order
 * is ascending original index of each output's representative (ToMe concatenates unmerged A then B);
 * with proportional attention the order does not change the model's output, and keeping position order
 * lets positions and provenance stay readable. r larger than the mergeable A set is rejected, not clamped.
 */
public final class BipartiteSoftMatching {
    private BipartiteSoftMatching() {}

    /**
     * @param metric       (N, D) matching features
     * @param sizes        (N) current token sizes, or null for ones
     * @param r            tokens to remove (merges), 0 <= r <= |A| (minus the protected [CLS])
     * @param protectFirst keep token 0 (the [CLS]) out of the merge
     */
    public static TokenTransform merge(FloatMatrix metric, float @Nullable [] sizes, int r, boolean protectFirst) {
        Args.notNull("metric", metric);
        int n = metric.rows();
        if (n < 2) throw new IllegalArgumentException("ToMe needs at least 2 tokens, got N = " + n);
        int na = (n + 1) / 2, nb = n / 2;
        int mergeable = protectFirst ? na - 1 : na;
        if (r < 0 || r > mergeable) {
            throw new IllegalArgumentException("r must be in [0, " + mergeable + "] for N = " + n
                    + (protectFirst ? " with [CLS] protected" : "") + ", got " + r);
        }
        if (r == 0) return TokenTransform.identity(n);
        int d = metric.cols();
        Similarity sim = Similarity.fast();
        float[] unit = sim.normalizeRows(metric, "metric").data();   // rejects non-finite entries
        float[] a = new float[na * d];
        float[] b = new float[nb * d];
        for (int i = 0; i < na; i++) System.arraycopy(unit, (2 * i) * d, a, i * d, d);
        for (int j = 0; j < nb; j++) System.arraycopy(unit, (2 * j + 1) * d, b, j * d, d);
        FloatMatrix am = new FloatMatrix(na, d, a);
        FloatMatrix bm = new FloatMatrix(nb, d, b);
        float[] scores = sim.dotBlockParallel(am, bm).data();   // (|A|, |B|)

        float[] nodeMax = new float[na];
        int[] nodeIdx = new int[na];
        for (int i = 0; i < na; i++) {
            int best = 0;
            for (int j = 1; j < nb; j++) if (scores[i * nb + j] > scores[i * nb + best]) best = j;
            nodeIdx[i] = best;
            nodeMax[i] = scores[i * nb + best];
        }
        if (protectFirst) nodeMax[0] = Float.NEGATIVE_INFINITY;
        int[] order = TopK.topKIndices(finiteForRanking(nodeMax), na);   // most similar first
        boolean[] merged = new boolean[na];
        List<List<Integer>> into = new ArrayList<>(nb);
        for (int j = 0; j < nb; j++) into.add(new ArrayList<>());
        for (int t = 0; t < r; t++) {
            int ai = order[t];
            merged[ai] = true;
            into.get(nodeIdx[ai]).add(2 * ai);
        }
        // outputs in ascending original index: unmerged A tokens and every B token (with what merged in)
        int k = n - r;
        int[][] groups = new int[k][];
        int o = 0;
        for (int idx = 0; idx < n; idx++) {
            if (idx % 2 == 0) {
                if (!merged[idx / 2]) groups[o++] = new int[] {idx};
            } else {
                List<Integer> src = into.get(idx / 2);
                int[] g = new int[src.size() + 1];
                g[0] = idx;
                for (int s = 0; s < src.size(); s++) g[s + 1] = src.get(s);
                Arrays.sort(g);
                groups[o++] = g;
            }
        }
        return TokenTransform.merge(n, groups, sizes);
    }

    /** -inf (the protected [CLS]) would be rejected by top-k's finiteness check: map it to the lowest float. */
    private static float[] finiteForRanking(float[] v) {
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) if (out[i] == Float.NEGATIVE_INFINITY) out[i] = -Float.MAX_VALUE;
        return out;
    }
}
