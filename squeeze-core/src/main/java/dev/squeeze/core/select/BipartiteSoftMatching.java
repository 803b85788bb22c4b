package dev.squeeze.core.select;

import dev.squeeze.core.Args;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

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
        Similarity sim = Similarity.fast();
        Kernels kern = sim.kernels();
        // A (even tokens) in rows [0, |A|), B (odd tokens) in rows [|A|, N), L2-normalised; rejects non-finite entries
        FloatMatrix ab = sim.normalizeRowsEvenFirst(metric, "metric");
        float[] scores = sim.dotBlockParallel(ab, 0, na, na, nb).data(); // (|A|, |B|) cosines

        // each A token's most similar B token (lowest index among ties), and how similar
        float[] nodeMax = new float[na];
        int[] nodeIdx = new int[na];
        for (int i = 0; i < na; i++) {
            int best = kern.argmax(scores, i * nb, nb);
            nodeIdx[i] = best;
            nodeMax[i] = scores[i * nb + best];
        }
        // the protected [CLS] ranks last: the lowest float, as top-k refuses infinities
        if (protectFirst) nodeMax[0] = -Float.MAX_VALUE;
        int[] src = TopK.topKIndices(nodeMax, r); // the r most similar proposals, most similar first

        // B token j absorbs the A tokens that proposed it: into[start[j] .. start[j+1]) in merge order
        boolean[] merged = new boolean[na];
        int[] start = new int[nb + 1];
        for (int ai : src) {
            merged[ai] = true;
            start[nodeIdx[ai] + 1]++;
        }
        for (int j = 0; j < nb; j++) start[j + 1] += start[j];
        int[] into = new int[r];
        int[] fill = Arrays.copyOf(start, nb);
        for (int ai : src) into[fill[nodeIdx[ai]]++] = 2 * ai;
        // outputs in ascending original index: unmerged A tokens and every B token (with what merged in)
        int[][] groups = new int[n - r][];
        int o = 0;
        for (int idx = 0; idx < n; idx++) {
            if (idx % 2 == 0) {
                if (!merged[idx / 2]) groups[o++] = new int[] {idx};
            } else {
                int j = idx / 2, from = start[j], count = start[j + 1] - from;
                int[] g = new int[count + 1];
                g[0] = idx;
                System.arraycopy(into, from, g, 1, count);
                Arrays.sort(g);
                groups[o++] = g;
            }
        }
        return TokenTransform.merge(n, groups, sizes);
    }
}
