package dev.squeeze.vision.audio;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;

/**
 * Cross-polytope LSH bucketing as a generic token clusterer (the hashing of LSH-MoE, "LSH-MoE:
 * Communication-efficient MoE Training via Locality-Sensitive Hashing", Nie et al., NeurIPS 2024, arXiv
 * 2411.08446, after Andoni et al. 2015): each token x is projected by a random Gaussian matrix R (D, m) and
 * hashed to argmax over the 2m signed coordinates of [xR, -xR] (the nearest vertex of the cross-polytope);
 * with {@code tables} hashes the bucket is the tuple of all of them. Tokens sharing a bucket are merged into
 * their size-weighted mean, in order of first appearance. Deterministic for a given seed.
 */
public final class CrossPolytopeLsh {
    private final int dim, m, tables;
    private final float[][] projections; // tables x (D * m)

    public CrossPolytopeLsh(int dim, int m, int tables, long seed) {
        if (dim < 1 || m < 1 || tables < 1)
            throw new IllegalArgumentException(
                    "cross-polytope LSH: dim, m and tables must be >= 1, got " + dim + ", " + m + ", " + tables);
        this.dim = dim;
        this.m = m;
        this.tables = tables;
        SplittableRandom r = new SplittableRandom(seed);
        projections = new float[tables][dim * m];
        for (float[] p : projections) for (int i = 0; i < p.length; i++) p[i] = (float) gaussian(r);
    }

    /** Bucket ids per table for one token: values in [0, 2m). */
    public int[] hash(float[] x, int off) {
        int[] h = new int[tables];
        for (int t = 0; t < tables; t++) {
            int best = 0;
            float bestV = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < m; j++) {
                float v = 0;
                for (int c = 0; c < dim; c++) v += x[off + c] * projections[t][c * m + j];
                if (v > bestV) {
                    bestV = v;
                    best = j;
                }
                if (-v > bestV) {
                    bestV = -v;
                    best = m + j;
                }
            }
            h[t] = best;
        }
        return h;
    }

    /** Merges tokens by bucket. */
    public TokenTransform cluster(FloatMatrix x, float @Nullable [] sizes) {
        if (x.cols() != dim)
            throw new IllegalArgumentException(
                    "cross-polytope LSH built for D = " + dim + ", tokens have D = " + x.cols());
        x.requireFinite("tokens");
        Map<String, List<Integer>> buckets = new LinkedHashMap<>();
        for (int i = 0; i < x.rows(); i++) {
            buckets.computeIfAbsent(java.util.Arrays.toString(hash(x.data(), i * dim)), k -> new ArrayList<>())
                    .add(i);
        }
        int[][] groups = buckets.values().stream()
                .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        return TokenTransform.merge(x.rows(), groups, sizes);
    }

    private static double gaussian(SplittableRandom r) {
        double u = r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }
}
