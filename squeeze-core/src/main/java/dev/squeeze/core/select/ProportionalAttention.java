package dev.squeeze.core.select;

import dev.squeeze.core.Args;

/**
 * Proportional attention (ToMe, Bolya et al. 2023, eq. 1): softmax(QK^T / sqrt(d) + log s), so a merged
 * token that stands for s originals receives the attention those s tokens would have had together.
 */
public final class ProportionalAttention {
    private ProportionalAttention() {}

    /**
     * Adds ln s_j to every column j of the (q, n) row-major logits.
     */
    public static void addLogSizes(float[] logits, int q, float[] sizes) {
        Args.notNull("logits", logits);
        Args.notNull("sizes", sizes);
        int n = sizes.length;
        if ((long) q * n != logits.length) {
            throw new IllegalArgumentException(
                    "logits hold " + logits.length + " values, expected q*N = " + q + "*" + n);
        }
        float[] ln = new float[n];
        for (int j = 0; j < n; j++) {
            if (!(sizes[j] > 0f)) throw new IllegalArgumentException("sizes[" + j + "] must be > 0, got " + sizes[j]);
            ln[j] = (float) Math.log(sizes[j]);
        }
        for (int i = 0; i < q; i++) {
            for (int j = 0; j < n; j++) logits[i * n + j] += ln[j];
        }
    }
}
