package dev.squeeze.vision.llm;

/**
 * Helpers for attention from a designated query set (text tokens in an MLLM; in the CCT, the attention-pooling
 * query, which stands in for the last text token). {@code attn[q][j]} is query q's head-mean attention to
 * visual token j.
 */
final class QueryAttention {
    private QueryAttention() {}

    /** Checks a (Q, N) attention block: Q >= 1, equal rows, finite, non-negative. Returns N. */
    public static int check(String method, float[][] attn) {
        if (attn == null || attn.length == 0)
            throw new IllegalArgumentException(method + ": needs attention from at least one query");
        int n = attn[0].length;
        if (n == 0) throw new IllegalArgumentException(method + ": attention over zero visual tokens");
        for (int q = 0; q < attn.length; q++) {
            if (attn[q].length != n)
                throw new IllegalArgumentException(
                        method + ": attention row " + q + " has " + attn[q].length + " entries, expected " + n);
            for (int j = 0; j < n; j++) {
                float v = attn[q][j];
                if (!Float.isFinite(v) || v < 0f)
                    throw new IllegalArgumentException(method + ": attention[" + q + "][" + j + "] = " + v
                            + " is not a finite non-negative weight");
            }
        }
        return n;
    }

    /** (N) mean over the queries. */
    public static float[] mean(float[][] attn) {
        int n = attn[0].length;
        float[] out = new float[n];
        for (float[] row : attn) for (int j = 0; j < n; j++) out[j] += row[j];
        for (int j = 0; j < n; j++) out[j] /= attn.length;
        return out;
    }
}
