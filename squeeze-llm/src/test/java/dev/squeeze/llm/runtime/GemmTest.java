package dev.squeeze.llm.runtime;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The register-tiled product against its scalar reference, over the shapes that reach every edge path. */
class GemmTest {

    @Test
    void matchesTheReferenceOnEdgeShapes() {
        SplittableRandom r = new SplittableRandom(11);
        // rows: whole and partial 4-row tiles; T: one token to several groups, partial vectors; K: below, at and
        // across the shared-dimension block
        int[][] shapes = {{4, 64, 64}, {7, 33, 2}, {13, 100, 17}, {32, 600, 64}, {5, 1030, 65}, {36, 48, 130}, {1, 8, 1}
        };
        for (int[] sh : shapes) {
            int rows = sh[0], K = sh[1], T = sh[2];
            float[] w = new float[rows * K], x = new float[T * K];
            for (int i = 0; i < w.length; i++) w[i] = (float) r.nextGaussian();
            for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
            int ldo = rows + 3, oOff = 2; // writes into a wider output at an offset
            float[] want = new float[T * ldo], got = new float[T * ldo];
            java.util.Arrays.fill(got, 7f);
            java.util.Arrays.fill(want, 7f);
            Gemm.referenceProduct(w, rows, K, x, T, want, oOff, ldo);
            float[] packed = new float[(int) Gemm.packedLength(T, K)];
            java.util.Arrays.fill(packed, Float.NaN); // pad lanes must be written by pack, never read unset
            Gemm.pack(x, 0, T, K, 0, T, packed);
            Gemm.multiply(w, rows, K, packed, T, got, oOff, ldo, new float[Gemm.scratchLength(rows)]);
            for (int t = 0; t < T; t++) {
                for (int i = 0; i < ldo; i++) {
                    int at = t * ldo + i;
                    if (i < oOff || i >= oOff + rows) {
                        assertEquals(7f, got[at], "outside the product, shape " + java.util.Arrays.toString(sh));
                        continue;
                    }
                    double bound = 0;
                    for (int k = 0; k < K; k++) bound += Math.abs(w[(i - oOff) * K + k] * x[t * K + k]);
                    assertEquals(
                            want[at],
                            got[at],
                            1e-5 * bound + 1e-6,
                            "shape " + java.util.Arrays.toString(sh) + " t " + t + " row " + (i - oOff));
                }
            }
        }
    }

    @Test
    void packingByGroupsInPiecesEqualsPackingAtOnce() {
        int T = 150, K = 40;
        float[] x = new float[T * K + 5];
        for (int i = 0; i < x.length; i++) x[i] = i * 0.5f;
        float[] once = new float[(int) Gemm.packedLength(T, K)], pieces = new float[once.length];
        Gemm.pack(x, 5, T, K, 0, T, once);
        for (int g = 0; g < Gemm.groups(T); g++)
            Gemm.pack(x, 5, T, K, g * Gemm.GROUP, Math.min(T, (g + 1) * Gemm.GROUP), pieces);
        assertArrayEquals(once, pieces);
        // element (t, k) of group t / GROUP sits at ((g * K + k) * GROUP + t % GROUP)
        int t = 137, k = 9, g = t / Gemm.GROUP;
        assertEquals(x[5 + t * K + k], once[(g * K + k) * Gemm.GROUP + t % Gemm.GROUP]);
        assertEquals(0f, once[(g * K + k) * Gemm.GROUP + Gemm.GROUP - 1], "pad lane of the last group");
    }
}
