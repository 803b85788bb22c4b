package dev.squeeze.vision;

import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import java.util.Arrays;

/** Small helpers shared by the reducers (all return or take plain arrays; no state). */
public final class Selections {
    private Selections() {}

    /** Pruning to the given indices, kept in ascending (original) order. */
    public static TokenTransform keepSorted(int n, int[] kept) {
        int[] s = kept.clone();
        Arrays.sort(s);
        return TokenTransform.select(n, s);
    }

    /** Top-k by score, original order kept. */
    public static TokenTransform topK(float[] scores, int k) {
        return TokenTransform.select(scores.length, TopK.topKSorted(scores, k));
    }

    /** The count a budget leaves of n tokens ({@link Budget#resolve}), errors naming the method. */
    public static int keep(String method, Budget budget, int n) {
        try {
            return budget.resolve(n);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(method + ": " + e.getMessage(), e);
        }
    }

    /** Checks 1 <= keep <= n with a message naming the method. */
    public static int checkKeep(String method, int keep, int n) {
        if (keep < 1 || keep > n)
            throw new IllegalArgumentException(method + ": keep must be in [1, " + n + "], got " + keep);
        return keep;
    }

    /** (N, N) cosine similarities of the rows. */
    public static FloatMatrix cosine(FloatMatrix x) {
        return Similarity.fast().cosineBlock(x);
    }

    /** Min-max normalisation to [0, 1] (all-equal input gives zeros). */
    public static float[] minMax(float[] v) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        float[] out = new float[v.length];
        if (hi > lo) for (int i = 0; i < v.length; i++) out[i] = (v[i] - lo) / (hi - lo);
        return out;
    }

    /** Indices 0..n-1 not in {@code taken}. */
    public static int[] complement(int n, int[] taken) {
        boolean[] t = new boolean[n];
        for (int i : taken) t[i] = true;
        int[] out = new int[n - taken.length];
        int o = 0;
        for (int i = 0; i < n; i++) if (!t[i]) out[o++] = i;
        return out;
    }

    /** v restricted to idx. */
    public static float[] gather(float[] v, int[] idx) {
        float[] out = new float[idx.length];
        for (int i = 0; i < idx.length; i++) out[i] = v[idx[i]];
        return out;
    }

    /** Row-index map: for each of idx, the original index; composes sub-selections back to N. */
    public static int[] map(int[] idx, int[] local) {
        int[] out = new int[local.length];
        for (int i = 0; i < local.length; i++) out[i] = idx[local[i]];
        return out;
    }
}
