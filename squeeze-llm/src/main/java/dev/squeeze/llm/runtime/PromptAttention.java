package dev.squeeze.llm.runtime;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;

/**
 * Causal attention of a prompt chunk against one dense KV head as two blocked products (instead of one dot and one
 * axpy per query and entry): the G query heads sharing the KV head are stacked, so that for T queries
 * S (G T, n) = Q K^T, masked to each query's causal prefix, softmax by row, then O (G T, hd) = P V, both with
 * {@link Gemm}. Keys and values are read once per chunk for all G T queries. For stores other than the dense one
 * the runtime keeps the per-query path through the store's own {@code scores}/{@code weightedValues} (which may
 * compute from packed data or add biases). One instance per worker; buffers grow to the largest chunk, then are
 * reused.
 */
final class PromptAttention {
    private static final Kernels K = KernelProvider.kernels();

    private float[] q = new float[0], s = new float[0], o = new float[0], vt = new float[0];
    private float[] packed = new float[0], acc = new float[0];

    /**
     * Attention of queries (T, n_heads * hd) at qOff, heads [h0, h0 + G), against keys and values (n, hd) of which
     * query t sees the first {@code before + t + 1}; results into out (T, n_heads * hd) at the same heads.
     */
    void attend(
            float[] keys,
            float[] values,
            int n,
            int before,
            float[] queries,
            int qd,
            int h0,
            int G,
            int hd,
            int T,
            float scale,
            float[] out) {
        int rows = G * T;
        q = grow(q, (long) rows * hd);
        s = grow(s, (long) rows * n);
        o = grow(o, (long) rows * hd);
        vt = grow(vt, (long) hd * n);
        // stacked queries: row g * T + t is head h0 + g of query t
        for (int g = 0; g < G; g++) {
            for (int t = 0; t < T; t++) System.arraycopy(queries, t * qd + (h0 + g) * hd, q, (g * T + t) * hd, hd);
        }
        // S = Q K^T: the keys are the "weight rows" (n rows of width hd), the stacked queries the tokens
        product(keys, n, hd, q, rows, s);
        for (int g = 0; g < G; g++) {
            for (int t = 0; t < T; t++) {
                int r = (g * T + t) * n, visible = before + t + 1;
                K.scale(s, r, visible, scale);
                K.softmaxInPlace(s, r, visible);
                java.util.Arrays.fill(s, r + visible, r + n, 0f);
            }
        }
        // O = P V: V^T's hd rows (width n) against the rows of P
        for (int j = 0; j < n; j++) for (int d = 0; d < hd; d++) vt[d * n + j] = values[j * hd + d];
        product(vt, hd, n, s, rows, o);
        for (int g = 0; g < G; g++) {
            for (int t = 0; t < T; t++) System.arraycopy(o, (g * T + t) * hd, out, t * qd + (h0 + g) * hd, hd);
        }
    }

    /**
     * Bytes one instance holds after a chunk of T queries of G heads against n entries (what {@link #attend} grows
     * its buffers to; saturating, for {@link HeapBudget}).
     */
    static long bytes(int G, int T, long n, int hd) {
        long rows = HeapBudget.product(G, T);
        long packedRows =
                rows > Gemm.SMALL_T ? HeapBudget.product((rows + Gemm.GROUP - 1) / Gemm.GROUP, Gemm.GROUP) : 0;
        long floats = sum(
                HeapBudget.product(2, rows, hd),
                HeapBudget.product(rows, n),
                HeapBudget.product(hd, n),
                HeapBudget.product(packedRows, Math.max(hd, n)),
                Gemm.scratchLength(Projections.PANEL_ROWS));
        return HeapBudget.product(floats, 4);
    }

    private static long sum(long... parts) {
        long s = 0;
        for (long p : parts) s = Long.MAX_VALUE - s < p ? Long.MAX_VALUE : s + p;
        return s;
    }

    /** out (T, R) = x (T, K) W^T for W (R, K), x row-major. */
    private void product(float[] w, int R, int width, float[] x, int T, float[] out) {
        if (T <= Gemm.SMALL_T) {
            for (int r = 0; r < R; r++) Gemm.dotSmall(w, r * width, width, x, T, out, r, R);
            return;
        }
        packed = grow(packed, Gemm.packedLength(T, width));
        acc = grow(acc, Gemm.scratchLength(Projections.PANEL_ROWS));
        Gemm.pack(x, 0, T, width, 0, T, packed);
        for (int r0 = 0; r0 < R; r0 += Projections.PANEL_ROWS) {
            Gemm.multiply(w, r0 * width, Math.min(Projections.PANEL_ROWS, R - r0), width, packed, T, out, r0, R, acc);
        }
    }

    private static float[] grow(float[] a, long n) {
        return a.length >= n ? a : new float[Math.toIntExact(n)];
    }
}
