package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import java.util.Arrays;

/**
 * Merge-instead-of-drop: every token that a selection left out is folded into its most similar kept token
 * (cosine similarity), and each kept token becomes the size-weighted mean of itself and the tokens folded into
 * it; its size is the sum of theirs, so the downstream proportional attention keeps every token's mass. This is
 * the fold HoliTom ("HoliTom: Holistic Token Merging for Video Large Language Models", Shao et al., 2025,
 * arXiv 2505.21334) applies to the tokens it prunes inside the LLM, here applied to another method's selection.
 */
final class NearestFold {
    private NearestFold() {}

    /**
     * @param x     (N, D) tokens the similarity is measured on
     * @param kept  indices of the kept tokens (any order, distinct)
     * @param sizes (N) current token sizes
     * @return K x N merge, outputs in ascending order of the kept index
     */
    public static TokenTransform fold(FloatMatrix x, int[] kept, float[] sizes) {
        int n = x.rows();
        if (kept.length == 0) throw new IllegalArgumentException("nearest fold: no kept tokens");
        int[] k = kept.clone();
        Arrays.sort(k);
        int[] slot = new int[n];
        Arrays.fill(slot, -1);
        for (int j = 0; j < k.length; j++) {
            if (k[j] < 0 || k[j] >= n)
                throw new IllegalArgumentException("nearest fold: kept index " + k[j] + " outside [0, " + n + ")");
            if (slot[k[j]] >= 0)
                throw new IllegalArgumentException("nearest fold: kept index " + k[j] + " given twice");
            slot[k[j]] = j;
        }
        Similarity sim = Similarity.fast();
        FloatMatrix cos = sim.cosineBlock(x, x.selectRows(k)); // (N, K)
        int[] owner = new int[n];
        int[] counts = new int[k.length];
        for (int i = 0; i < n; i++) {
            int o = slot[i];
            if (o < 0) {
                o = 0;
                int row = i * k.length;
                float[] c = cos.data();
                for (int j = 1; j < k.length; j++) if (c[row + j] > c[row + o]) o = j;
            }
            owner[i] = o;
            counts[o]++;
        }
        int[][] groups = new int[k.length][];
        for (int j = 0; j < k.length; j++) {
            groups[j] = new int[counts[j]];
            groups[j][0] = k[j]; // the kept token first (its position represents the group)
        }
        int[] fill = new int[k.length];
        Arrays.fill(fill, 1);
        for (int i = 0; i < n; i++) if (slot[i] < 0) groups[owner[i]][fill[owner[i]]++] = i;
        return TokenTransform.merge(n, groups, sizes);
    }
}
