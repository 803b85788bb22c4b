package dev.squeeze.core.select;

import dev.squeeze.core.Args;
import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import org.jspecify.annotations.Nullable;

/**
 * Density-peaks clustering with k-nearest-neighbour density (DPC-KNN; Du et al., 2016, as used for
 * token clustering by TCFormer, SparseVLM, PruneVid and HoliTom):
 * <ol>
 *   <li>dist_ij = ||x_i - x_j|| / sqrt(D)</li>
 *   <li>density_i = exp(-mean of the squared distances to its k nearest neighbours)</li>
 *   <li>delta_i = distance to the nearest token of higher density (the densest token: the largest distance)</li>
 *   <li>centres = the top {@code numCenters} tokens by delta_i * density_i</li>
 *   <li>every token joins its nearest centre</li>
 * </ol>
 * Reference implementations add tiny random noise to the density to break ties; here ties break by the
 * lower index, so results are deterministic.
 */
public final class DpcKnn {
    private DpcKnn() {}

    /**
     * Clusters: centre indices (by descending score) and each token's cluster number (index into centers).
     *
     * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
     * maker nor its readers modify them.
     */
    public record Clustering(int[] centers, int[] assignment) {
        /** Members of each cluster, ascending. */
        public int[][] groups() {
            int[] counts = new int[centers.length];
            for (int a : assignment) counts[a]++;
            int[][] g = new int[centers.length][];
            for (int c = 0; c < g.length; c++) g[c] = new int[counts[c]];
            int[] fill = new int[centers.length];
            for (int i = 0; i < assignment.length; i++) g[assignment[i]][fill[assignment[i]]++] = i;
            return g;
        }

        /** Merge each cluster into one token (size-weighted mean), ordered by cluster. */
        public TokenTransform toTransform(float @Nullable [] sizes) {
            return TokenTransform.merge(assignment.length, groups(), sizes);
        }
    }

    public static Clustering cluster(FloatMatrix x, int numCenters, int k) {
        Args.notNull("x", x);
        int n = x.rows();
        if (n == 0) throw new IllegalArgumentException("x is an empty token set (N = 0)");
        if (numCenters <= 0 || numCenters > n)
            throw new IllegalArgumentException("numCenters must be in [1, " + n + "], got " + numCenters);
        if (k <= 0 || k >= Math.max(2, n)) {
            if (!(n == 1 && k == 1))
                throw new IllegalArgumentException("k (neighbours) must be in [1, " + (n - 1) + "], got " + k);
        }
        x.requireFinite("x");
        FloatMatrix sq = Similarity.fast().squaredDistances(x); // symmetric Gram
        float[] d2 = sq.data();
        float invD = 1f / x.cols();
        for (int i = 0; i < d2.length; i++) d2[i] *= invD; // (dist / sqrt(D))^2

        // density from the k smallest squared distances (excluding self), kept in a small sorted buffer
        float[] density = new float[n];
        float[] buf = new float[k];
        for (int i = 0; i < n; i++) {
            int filled = 0;
            for (int j = 0; j < n; j++) {
                if (j == i) continue;
                float v = d2[i * n + j];
                if (filled < k) {
                    int p = filled++;
                    while (p > 0 && buf[p - 1] > v) {
                        buf[p] = buf[p - 1];
                        p--;
                    }
                    buf[p] = v;
                } else if (v < buf[k - 1]) {
                    int p = k - 1;
                    while (p > 0 && buf[p - 1] > v) {
                        buf[p] = buf[p - 1];
                        p--;
                    }
                    buf[p] = v;
                }
            }
            double mean = 0;
            for (int t = 0; t < filled; t++) mean += buf[t];
            density[i] = (float) Math.exp(-(filled == 0 ? 0 : mean / filled));
        }
        float maxDist = 0f;
        for (float v : d2) maxDist = Math.max(maxDist, v);
        maxDist = (float) Math.sqrt(maxDist);
        float[] score = new float[n];
        for (int i = 0; i < n; i++) {
            float delta = Float.POSITIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                if (denser(j, i, density)) delta = Math.min(delta, d2[i * n + j]);
            }
            delta = delta == Float.POSITIVE_INFINITY ? maxDist : (float) Math.sqrt(delta);
            score[i] = delta * density[i];
        }
        int[] centers = TopK.topKIndices(score, numCenters);
        int[] assignment = new int[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < centers.length; c++) {
                if (d2[i * n + centers[c]] < d2[i * n + centers[best]]) best = c;
            }
            assignment[i] = best;
        }
        for (int c = 0; c < centers.length; c++) assignment[centers[c]] = c;
        return new Clustering(centers, assignment);
    }

    private static boolean denser(int j, int i, float[] density) {
        return density[j] > density[i] || (density[j] == density[i] && j < i);
    }
}
