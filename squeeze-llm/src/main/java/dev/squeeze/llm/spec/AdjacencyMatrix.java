package dev.squeeze.llm.spec;

import java.util.Arrays;

/**
 * Token Recycling's retrieval library: for every token of the vocabulary, the {@code k} tokens the model ranked
 * highest the last time it predicted what follows that token (the "candidate tokens" ordinary decoding throws away).
 * Rows start at token 0 (as the reference implementation's zero-initialised matrix) and are overwritten, never
 * merged: the latest prediction wins. vocab x k ints (32000 x 8: 1 MiB).
 */
public final class AdjacencyMatrix {
    private final int vocab;
    private final int k;
    private final int[] next; // (vocab, k), best first
    private final float[] topValues; // (k) scratch of update
    private final int[] topIds; // (k)

    public AdjacencyMatrix(int vocab, int k) {
        if (vocab <= 0 || k <= 0)
            throw new IllegalArgumentException(
                    "adjacency matrix needs vocab > 0 and k > 0, got " + vocab + " and " + k);
        this.vocab = vocab;
        this.k = k;
        next = new int[Math.multiplyExact(vocab, k)];
        topValues = new float[k];
        topIds = new int[k];
    }

    public int candidates() {
        return k;
    }

    /** The {@code rank}-th stored successor of {@code token}. */
    public int candidate(int token, int rank) {
        return next[token * k + rank];
    }

    /** Stores the k highest of logits[off .. off+vocab) (ties: lower id first) as the successors of {@code token}. */
    public void update(int token, float[] logits, int off) {
        Arrays.fill(topValues, Float.NEGATIVE_INFINITY);
        Arrays.fill(topIds, 0);
        float floor = Float.NEGATIVE_INFINITY; // the k-th best so far: most logits fail this one comparison
        for (int i = 0; i < vocab; i++) {
            float v = logits[off + i];
            if (v <= floor) continue;
            int j = k - 1;
            while (j > 0 && topValues[j - 1] < v) {
                topValues[j] = topValues[j - 1];
                topIds[j] = topIds[j - 1];
                j--;
            }
            topValues[j] = v;
            topIds[j] = i;
            floor = topValues[k - 1];
        }
        System.arraycopy(topIds, 0, next, token * k, k);
    }

    /** Forgets everything (every successor back to token 0). */
    public void clear() {
        Arrays.fill(next, 0);
    }
}
