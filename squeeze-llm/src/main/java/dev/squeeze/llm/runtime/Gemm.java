package dev.squeeze.llm.runtime;

import dev.squeeze.core.kernel.LaneSums;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register-tiled f32 product behind prompt processing: out (T, R) += X (T, K) W^T for a tile of weight rows
 * already decoded to floats. Activations are packed once per product into token groups of {@link #GROUP} tokens,
 * transposed ({@code (groups, K, GROUP)}, zero-padded), so that a step of the shared dimension reads the group's
 * values for one k as {@code GROUP / L} contiguous vectors; the weights of 4 rows are broadcast one by one.
 * A 4-row x {@link #GROUP}-token tile keeps 16 vector accumulators (with 16 lanes) for the whole of K, so each
 * step does 4 vector loads and 4 broadcasts for 16 FMAs, and nothing is reduced across lanes.
 *
 * <p>Everything is written for any lane count L with GROUP a multiple of it; the scalar reference is
 * {@link #referenceProduct}. Methods allocate nothing.
 */
public final class Gemm {
    private Gemm() {}

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Tokens per packed group: 4 vectors of 16 lanes (8 of 8 on 256-bit machines). */
    public static final int GROUP = 64;
    /** Weight rows per micro tile. */
    public static final int ROWS = 4;

    /** Token groups needed for T tokens. */
    public static int groups(int T) {
        return (T + GROUP - 1) / GROUP;
    }

    /** Floats of the packed activations for T tokens of width K. */
    public static long packedLength(int T, int K) {
        return (long) groups(T) * K * GROUP;
    }

    /**
     * Packs tokens [tFrom, tTo) of x (T, K), row t at x[xOff + t * K], into packed: group g = t / GROUP holds
     * element (t, k) at {@code (g * K + k) * GROUP + t % GROUP}; pad lanes of a last partial group are zeroed.
     * Callers pack whole groups (tFrom a multiple of GROUP) so that threads may pack groups in parallel.
     */
    public static void pack(float[] x, int xOff, int T, int K, int tFrom, int tTo, float[] packed) {
        for (int g = tFrom / GROUP; g * GROUP < tTo; g++) {
            int t0 = g * GROUP, n = Math.min(GROUP, T - t0);
            int base = g * K * GROUP;
            if (n < GROUP) {
                for (int k = 0; k < K; k++)
                    java.util.Arrays.fill(packed, base + k * GROUP + n, base + (k + 1) * GROUP, 0f);
            }
            for (int j = 0; j < n; j++) {
                int src = xOff + (t0 + j) * K;
                for (int k = 0; k < K; k++) packed[base + k * GROUP + j] = x[src + k];
            }
        }
    }

    /** Shared-dimension block: a group's block of packed activations (KC x GROUP floats, 128 KiB) stays in L2. */
    public static final int KC = 512;

    /** Scratch floats {@link #multiply} needs for a panel of {@code rows} rows. */
    public static int scratchLength(int rows) {
        return (rows + ROWS - 1) / ROWS * ROWS * GROUP;
    }

    /**
     * out[t * ldo + oOff + i] = sum_k panel[i * K + k] * x[t, k] for rows i in [0, rows) of the panel and every token
     * t in [0, T), x given packed (see {@link #pack}); {@code acc} is scratch of {@link #scratchLength}(rows) floats.
     * Loop order: token group, block of the shared dimension, 4-row tile, so a block of packed activations is
     * read from L2 by every tile of the panel.
     */
    public static void multiply(
            float[] panel, int rows, int K, float[] packed, int T, float[] out, int oOff, int ldo, float[] acc) {
        multiply(panel, 0, rows, K, packed, T, out, oOff, ldo, acc);
    }

    /** As {@link #multiply(float[], int, int, float[], int, float[], int, int, float[])} with the panel's rows at panel[pOff + i * K]. */
    public static void multiply(
            float[] panel,
            int pOff,
            int rows,
            int K,
            float[] packed,
            int T,
            float[] out,
            int oOff,
            int ldo,
            float[] acc) {
        for (int g = 0; g * GROUP < T; g++) {
            int t0 = g * GROUP, n = Math.min(GROUP, T - t0);
            int xg = g * K * GROUP;
            int vectors = (n + L - 1) / L;
            for (int k0 = 0; k0 < K; k0 += KC) {
                int kn = Math.min(KC, K - k0);
                boolean first = k0 == 0;
                if (vectors * L == GROUP) {
                    for (int i = 0; i < rows; i += ROWS) {
                        int m = Math.min(ROWS, rows - i);
                        if (m == ROWS)
                            tile4(panel, pOff + i * K + k0, K, kn, packed, xg + k0 * GROUP, acc, i * GROUP, first);
                        else
                            tileAny(
                                    panel,
                                    pOff + i * K + k0,
                                    m,
                                    K,
                                    kn,
                                    packed,
                                    xg + k0 * GROUP,
                                    vectors,
                                    acc,
                                    i * GROUP,
                                    first);
                    }
                } else {
                    // a partial group (few tokens: a short prompt, a draft tree): rows share each token vector, so
                    // 8 independent accumulators keep the FMA pipes busy
                    int i = 0;
                    for (; i + 8 <= rows; i += 8) {
                        int v = 0;
                        for (; v + 2 <= vectors; v += 2) {
                            tile4x2(
                                    panel,
                                    pOff + i * K + k0,
                                    K,
                                    kn,
                                    packed,
                                    xg + k0 * GROUP + v * L,
                                    acc,
                                    i * GROUP + v * L,
                                    first);
                            tile4x2(
                                    panel,
                                    pOff + (i + 4) * K + k0,
                                    K,
                                    kn,
                                    packed,
                                    xg + k0 * GROUP + v * L,
                                    acc,
                                    (i + 4) * GROUP + v * L,
                                    first);
                        }
                        if (v < vectors)
                            tile8x1(
                                    panel,
                                    pOff + i * K + k0,
                                    K,
                                    kn,
                                    packed,
                                    xg + k0 * GROUP + v * L,
                                    acc,
                                    i * GROUP + v * L,
                                    first);
                    }
                    if (i < rows)
                        tileAny(
                                panel,
                                pOff + i * K + k0,
                                rows - i,
                                K,
                                kn,
                                packed,
                                xg + k0 * GROUP,
                                vectors,
                                acc,
                                i * GROUP,
                                first);
                }
            }
            // token by token: each token's row of out is written contiguously (acc is small and stays in L1)
            for (int j = 0; j < n; j++) {
                int o = (t0 + j) * ldo + oOff;
                for (int i = 0; i < rows; i++) out[o + i] = acc[i * GROUP + j];
            }
        }
    }

    /**
     * acc[a + r * GROUP + j] (+)= sum over kn steps of panel[p + r*K + k] * packed[x + k*GROUP + j]: 4 rows x GROUP
     * tokens; starts from zero when {@code first}, else from acc.
     */
    private static void tile4(
            float[] panel, int p, int K, int kn, float[] packed, int x, float[] acc, int a, boolean first) {
        int p0 = p, p1 = p0 + K, p2 = p1 + K, p3 = p2 + K;
        // GROUP = 4 L when L = 16; with L = 8 the group is covered in two passes of 4 vectors
        for (int h = 0; h < GROUP; h += 4 * L) {
            int a0 = a + h, a1 = a0 + GROUP, a2 = a1 + GROUP, a3 = a2 + GROUP;
            FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
            if (first) {
                c00 = c01 = c02 = c03 =
                        c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = FloatVector.zero(S);
            } else {
                c00 = FloatVector.fromArray(S, acc, a0);
                c01 = FloatVector.fromArray(S, acc, a0 + L);
                c02 = FloatVector.fromArray(S, acc, a0 + 2 * L);
                c03 = FloatVector.fromArray(S, acc, a0 + 3 * L);
                c10 = FloatVector.fromArray(S, acc, a1);
                c11 = FloatVector.fromArray(S, acc, a1 + L);
                c12 = FloatVector.fromArray(S, acc, a1 + 2 * L);
                c13 = FloatVector.fromArray(S, acc, a1 + 3 * L);
                c20 = FloatVector.fromArray(S, acc, a2);
                c21 = FloatVector.fromArray(S, acc, a2 + L);
                c22 = FloatVector.fromArray(S, acc, a2 + 2 * L);
                c23 = FloatVector.fromArray(S, acc, a2 + 3 * L);
                c30 = FloatVector.fromArray(S, acc, a3);
                c31 = FloatVector.fromArray(S, acc, a3 + L);
                c32 = FloatVector.fromArray(S, acc, a3 + 2 * L);
                c33 = FloatVector.fromArray(S, acc, a3 + 3 * L);
            }
            for (int k = 0, xo = x + h; k < kn; k++, xo += GROUP) {
                FloatVector y0 = FloatVector.fromArray(S, packed, xo);
                FloatVector y1 = FloatVector.fromArray(S, packed, xo + L);
                FloatVector y2 = FloatVector.fromArray(S, packed, xo + 2 * L);
                FloatVector y3 = FloatVector.fromArray(S, packed, xo + 3 * L);
                FloatVector w = FloatVector.broadcast(S, panel[p0 + k]);
                c00 = w.fma(y0, c00);
                c01 = w.fma(y1, c01);
                c02 = w.fma(y2, c02);
                c03 = w.fma(y3, c03);
                w = FloatVector.broadcast(S, panel[p1 + k]);
                c10 = w.fma(y0, c10);
                c11 = w.fma(y1, c11);
                c12 = w.fma(y2, c12);
                c13 = w.fma(y3, c13);
                w = FloatVector.broadcast(S, panel[p2 + k]);
                c20 = w.fma(y0, c20);
                c21 = w.fma(y1, c21);
                c22 = w.fma(y2, c22);
                c23 = w.fma(y3, c23);
                w = FloatVector.broadcast(S, panel[p3 + k]);
                c30 = w.fma(y0, c30);
                c31 = w.fma(y1, c31);
                c32 = w.fma(y2, c32);
                c33 = w.fma(y3, c33);
            }
            c00.intoArray(acc, a0);
            c01.intoArray(acc, a0 + L);
            c02.intoArray(acc, a0 + 2 * L);
            c03.intoArray(acc, a0 + 3 * L);
            c10.intoArray(acc, a1);
            c11.intoArray(acc, a1 + L);
            c12.intoArray(acc, a1 + 2 * L);
            c13.intoArray(acc, a1 + 3 * L);
            c20.intoArray(acc, a2);
            c21.intoArray(acc, a2 + L);
            c22.intoArray(acc, a2 + 2 * L);
            c23.intoArray(acc, a2 + 3 * L);
            c30.intoArray(acc, a3);
            c31.intoArray(acc, a3 + L);
            c32.intoArray(acc, a3 + 2 * L);
            c33.intoArray(acc, a3 + 3 * L);
        }
    }

    /** 8 rows x 1 token vector at x (lanes of the packed group), accumulators at acc[a + r * GROUP]. */
    private static void tile8x1(
            float[] panel, int p, int K, int kn, float[] packed, int x, float[] acc, int a, boolean first) {
        FloatVector c0, c1, c2, c3, c4, c5, c6, c7;
        if (first) {
            c0 = c1 = c2 = c3 = c4 = c5 = c6 = c7 = FloatVector.zero(S);
        } else {
            c0 = FloatVector.fromArray(S, acc, a);
            c1 = FloatVector.fromArray(S, acc, a + GROUP);
            c2 = FloatVector.fromArray(S, acc, a + 2 * GROUP);
            c3 = FloatVector.fromArray(S, acc, a + 3 * GROUP);
            c4 = FloatVector.fromArray(S, acc, a + 4 * GROUP);
            c5 = FloatVector.fromArray(S, acc, a + 5 * GROUP);
            c6 = FloatVector.fromArray(S, acc, a + 6 * GROUP);
            c7 = FloatVector.fromArray(S, acc, a + 7 * GROUP);
        }
        for (int k = 0, xo = x; k < kn; k++, xo += GROUP) {
            FloatVector y = FloatVector.fromArray(S, packed, xo);
            int q = p + k;
            c0 = FloatVector.broadcast(S, panel[q]).fma(y, c0);
            c1 = FloatVector.broadcast(S, panel[q + K]).fma(y, c1);
            c2 = FloatVector.broadcast(S, panel[q + 2 * K]).fma(y, c2);
            c3 = FloatVector.broadcast(S, panel[q + 3 * K]).fma(y, c3);
            c4 = FloatVector.broadcast(S, panel[q + 4 * K]).fma(y, c4);
            c5 = FloatVector.broadcast(S, panel[q + 5 * K]).fma(y, c5);
            c6 = FloatVector.broadcast(S, panel[q + 6 * K]).fma(y, c6);
            c7 = FloatVector.broadcast(S, panel[q + 7 * K]).fma(y, c7);
        }
        c0.intoArray(acc, a);
        c1.intoArray(acc, a + GROUP);
        c2.intoArray(acc, a + 2 * GROUP);
        c3.intoArray(acc, a + 3 * GROUP);
        c4.intoArray(acc, a + 4 * GROUP);
        c5.intoArray(acc, a + 5 * GROUP);
        c6.intoArray(acc, a + 6 * GROUP);
        c7.intoArray(acc, a + 7 * GROUP);
    }

    /** 4 rows x 2 token vectors at x and x + L (8 accumulators: small enough for C2 to keep every vector in registers). */
    private static void tile4x2(
            float[] panel, int p, int K, int kn, float[] packed, int x, float[] acc, int a, boolean first) {
        FloatVector c0, c1, c2, c3, d0, d1, d2, d3;
        if (first) {
            c0 = c1 = c2 = c3 = d0 = d1 = d2 = d3 = FloatVector.zero(S);
        } else {
            c0 = FloatVector.fromArray(S, acc, a);
            d0 = FloatVector.fromArray(S, acc, a + L);
            c1 = FloatVector.fromArray(S, acc, a + GROUP);
            d1 = FloatVector.fromArray(S, acc, a + GROUP + L);
            c2 = FloatVector.fromArray(S, acc, a + 2 * GROUP);
            d2 = FloatVector.fromArray(S, acc, a + 2 * GROUP + L);
            c3 = FloatVector.fromArray(S, acc, a + 3 * GROUP);
            d3 = FloatVector.fromArray(S, acc, a + 3 * GROUP + L);
        }
        for (int k = 0, xo = x; k < kn; k++, xo += GROUP) {
            FloatVector y = FloatVector.fromArray(S, packed, xo), z = FloatVector.fromArray(S, packed, xo + L);
            int q = p + k;
            FloatVector w = FloatVector.broadcast(S, panel[q]);
            c0 = w.fma(y, c0);
            d0 = w.fma(z, d0);
            w = FloatVector.broadcast(S, panel[q + K]);
            c1 = w.fma(y, c1);
            d1 = w.fma(z, d1);
            w = FloatVector.broadcast(S, panel[q + 2 * K]);
            c2 = w.fma(y, c2);
            d2 = w.fma(z, d2);
            w = FloatVector.broadcast(S, panel[q + 3 * K]);
            c3 = w.fma(y, c3);
            d3 = w.fma(z, d3);
        }
        c0.intoArray(acc, a);
        d0.intoArray(acc, a + L);
        c1.intoArray(acc, a + GROUP);
        d1.intoArray(acc, a + GROUP + L);
        c2.intoArray(acc, a + 2 * GROUP);
        d2.intoArray(acc, a + 2 * GROUP + L);
        c3.intoArray(acc, a + 3 * GROUP);
        d3.intoArray(acc, a + 3 * GROUP + L);
    }

    /** The edge tiles: m <= 4 rows, {@code vectors} vectors of tokens, one vector at a time. */
    private static void tileAny(
            float[] panel,
            int p,
            int m,
            int K,
            int kn,
            float[] packed,
            int x,
            int vectors,
            float[] acc,
            int a,
            boolean first) {
        for (int r = 0; r < m; r++) {
            int pr = p + r * K;
            for (int v = 0; v < vectors; v++) {
                int at = a + r * GROUP + v * L;
                FloatVector c = first ? FloatVector.zero(S) : FloatVector.fromArray(S, acc, at);
                for (int k = 0, xo = x + v * L; k < kn; k++, xo += GROUP) {
                    c = FloatVector.broadcast(S, panel[pr + k]).fma(FloatVector.fromArray(S, packed, xo), c);
                }
                c.intoArray(acc, at);
            }
        }
    }

    // ------------------------------------------------------------------ few tokens: dot form

    /**
     * Up to this many tokens a product is faster as dot products (vector along the shared dimension): each FMA then
     * does 16 useful multiply-adds, while a partial token group wastes the lanes it does not fill.
     */
    public static final int SMALL_T = 10;

    /**
     * out[t * ldo + oOff] = sum_k w[wOff + k] * x[t * K + k] for one weight row and T tokens (x row-major, unpacked),
     * four tokens at a time so that each loaded weight vector feeds four FMAs.
     */
    public static void dotSmall(float[] w, int wOff, int K, float[] x, int T, float[] out, int oOff, int ldo) {
        // always 4 independent accumulators (one alone would wait on each FMA's latency); a last chunk of fewer than
        // 4 tokens repeats its last token and writes only its own results
        for (int t = 0; t < T; t += 4) dot4(w, wOff, K, x, t, Math.min(4, T - t), T, out, oOff, ldo);
    }

    private static void dot4(
            float[] w, int wOff, int K, float[] x, int t, int count, int T, float[] out, int oOff, int ldo) {
        int x0 = t * K,
                x1 = Math.min(t + 1, T - 1) * K,
                x2 = Math.min(t + 2, T - 1) * K,
                x3 = Math.min(t + 3, T - 1) * K,
                k = 0;
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0;
        int bound = S.loopBound(K); // a plain counted loop: C2 hoists the bounds checks
        for (; k < bound; k += L) {
            FloatVector v = FloatVector.fromArray(S, w, wOff + k);
            c0 = v.fma(FloatVector.fromArray(S, x, x0 + k), c0);
            c1 = v.fma(FloatVector.fromArray(S, x, x1 + k), c1);
            c2 = v.fma(FloatVector.fromArray(S, x, x2 + k), c2);
            c3 = v.fma(FloatVector.fromArray(S, x, x3 + k), c3);
        }
        float s0 = LaneSums.sum(c0), s1 = LaneSums.sum(c1);
        float s2 = LaneSums.sum(c2), s3 = LaneSums.sum(c3);
        for (; k < K; k++) {
            float v = w[wOff + k];
            s0 += v * x[x0 + k];
            s1 += v * x[x1 + k];
            s2 += v * x[x2 + k];
            s3 += v * x[x3 + k];
        }
        out[t * ldo + oOff] = s0;
        if (count > 1) out[(t + 1) * ldo + oOff] = s1;
        if (count > 2) out[(t + 2) * ldo + oOff] = s2;
        if (count > 3) out[(t + 3) * ldo + oOff] = s3;
    }

    /** The scalar reference: out[t * ldo + oOff + i] = sum_k w[i * K + k] * x[t * K + k], in order of k. */
    public static void referenceProduct(float[] w, int rows, int K, float[] x, int T, float[] out, int oOff, int ldo) {
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < rows; i++) {
                float s = 0f;
                for (int k = 0; k < K; k++) s += w[i * K + k] * x[t * K + k];
                out[t * ldo + oOff + i] = s;
            }
        }
    }
}
