package dev.squeeze.core.kernel;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every vectorised kernel against the scalar reference, across lengths that exercise the tails. Runs where the
 * vector kernels load (JDK 25 with jdk.incubator.vector); {@link KernelProviderTest} checks that each build's
 * test JVMs get the kernels they should, so a missing vector path cannot pass unnoticed.
 */
class KernelsTest {
    private final Kernels scalar = KernelProvider.scalar();
    private final Kernels vector = KernelProvider.vector().orElse(null);
    private final Random rnd = new Random(42);

    @BeforeEach
    void needsVectorKernels() {
        assumeTrue(
                vector != null,
                "no vector kernels on this JVM: " + KernelProvider.selection().reason());
    }

    private float[] rand(int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }

    private static void close(float expected, float actual, int n) {
        assertEquals(
                expected,
                actual,
                1e-5f * Math.max(1f, Math.abs(expected)) * Math.max(1, (float) Math.sqrt(n)),
                "n=" + n);
    }

    @Test
    void dotSumSquaresMaxMatchScalar() {
        for (int n : new int[] {1, 3, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 1024, 1031}) {
            float[] a = rand(n + 5), b = rand(n + 9);
            close(scalar.dot(a, 2, b, 7, n), vector.dot(a, 2, b, 7, n), n);
            close(scalar.sumOfSquares(a, 1, n), vector.sumOfSquares(a, 1, n), n);
            assertEquals(scalar.max(a, 3, n), vector.max(a, 3, n), 0f, "max n=" + n);
        }
    }

    @Test
    void axpyAndScaleMatchScalar() {
        for (int n : new int[] {1, 5, 16, 17, 129}) {
            float[] x = rand(n + 2), y1 = rand(n + 3), y2 = y1.clone();
            scalar.axpy(0.37f, x, 2, y1, 3, n);
            vector.axpy(0.37f, x, 2, y2, 3, n);
            assertArrayEquals(y1, y2, 1e-6f);
            scalar.scale(y1, 1, n, -1.5f);
            vector.scale(y2, 1, n, -1.5f);
            assertArrayEquals(y1, y2, 1e-6f);
        }
    }

    @Test
    void dotBlockMatchesScalarOnRaggedShapes() {
        // packed path from 64 rows: full and narrow panels (m % 64, m % 16 != 0), k-blocks (d > 384), row tails;
        // unpacked 4 x 4 tiles below it: the runtime's 16-row prefill blocks, masked d tails
        int[][] shapes = {
            {1, 1, 1},
            {5, 7, 3},
            {4, 4, 16},
            {9, 6, 33},
            {13, 11, 100},
            {64, 64, 128},
            {10, 9, 257},
            {8, 12, 600},
            {7, 5, 1031},
            {16, 37, 288},
            {16, 128, 770},
            {63, 64, 17},
            {64, 100, 385},
            {67, 150, 769},
            {131, 83, 1024},
            {70, 16, 5},
            {66, 15, 40},
            {289, 288, 96}
        };
        for (int[] s : shapes) {
            int n = s[0], m = s[1], d = s[2];
            float[] a = rand(n * d), b = rand(m * d), c1 = new float[n * m], c2 = new float[n * m];
            scalar.dotBlock(a, b, c1, n, m, d);
            vector.dotBlock(a, b, c2, n, m, d);
            for (int i = 0; i < c1.length; i++) close(c1[i], c2[i], d);
        }
    }

    @Test
    void gramMatchesScalarAndIsSymmetric() {
        for (int[] s : new int[][] {
            {1, 5}, {3, 16}, {4, 4}, {9, 33}, {17, 300}, {22, 520}, {64, 8}, {65, 400}, {150, 33}, {200, 777}
        }) {
            int n = s[0], d = s[1];
            float[] a = rand(n * d), c1 = new float[n * n], c2 = new float[n * n];
            scalar.dotBlock(a, a, c1, n, n, d);
            vector.gram(a, c2, n, d);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    close(c1[i * n + j], c2[i * n + j], d);
                    assertEquals(c2[i * n + j], c2[j * n + i], 0f, "symmetry at " + i + "," + j);
                }
            }
        }
    }

    @Test
    void stridedDotBlockMatchesScalarOnSubBlocks() {
        int[][] shapes = {
            {1, 1, 1, 0, 0},
            {5, 7, 3, 2, 1},
            {8, 9, 17, 3, 0},
            {13, 11, 100, 1, 4},
            {32, 40, 1024, 7, 5},
            {16, 70, 100, 3, 2},
            {9, 130, 33, 0, 6},
            {64, 64, 400, 5, 3},
            {97, 77, 800, 2, 9},
            {70, 20, 16, 1, 1}
        };
        for (int[] s : shapes) {
            int n = s[0], m = s[1], d = s[2], aRow = s[3], bRow = s[4];
            int ldc = m + 3, cOff = 2;
            float[] a = rand((aRow + n) * d), b = rand((bRow + m) * d);
            float[] c1 = new float[cOff + n * ldc], c2 = new float[cOff + n * ldc];
            scalar.dotBlock(a, aRow, b, bRow, c1, cOff, ldc, n, m, d);
            vector.dotBlock(a, aRow, b, bRow, c2, cOff, ldc, n, m, d);
            for (int i = 0; i < c1.length; i++) close(c1[i], c2[i], d);
            // untouched padding columns stay zero
            assertEquals(0f, c2[cOff + m], 0f);
            assertEquals(
                    scalar.dot(a, (aRow + n - 1) * d, b, (bRow + m - 1) * d, d), c1[cOff + (n - 1) * ldc + m - 1], 0f);
        }
    }

    @Test
    void gramAndParallelBlocksMatchThePlainBlock() {
        Similarity sim = new Similarity(vector);
        for (int n : new int[] {1, 5, 33, 70, 200, 289}) {
            int d = n >= 200 ? 300 + n : 19;
            dev.squeeze.core.tensor.FloatMatrix x = new dev.squeeze.core.tensor.FloatMatrix(n, d, rand(n * d));
            dev.squeeze.core.tensor.FloatMatrix y =
                    new dev.squeeze.core.tensor.FloatMatrix(n + 3, d, rand((n + 3) * d));
            float[] ref = new Similarity(scalar).dotBlock(x, x).data();
            float[] g = sim.gram(x).data();
            for (int i = 0; i < ref.length; i++) close(ref[i], g[i], d);
            for (int i = 0; i < n; i++)
                for (int j = 0; j < n; j++) assertEquals(g[i * n + j], g[j * n + i], 0f, "symmetric");
            float[] p = sim.dotBlockParallel(x, y).data();
            float[] q = new Similarity(scalar).dotBlock(x, y).data();
            for (int i = 0; i < q.length; i++) close(q[i], p[i], d);
            float[] c1 = sim.cosineBlock(x).data(), c2 = sim.cosineGram(x).data();
            for (int i = 0; i < c1.length; i++) assertEquals(c1[i], c2[i], 1e-5f);
            float[] s1 = sim.squaredDistances(x, x).data(),
                    s2 = sim.squaredDistances(x).data();
            for (int i = 0; i < s1.length; i++) assertEquals(s1[i], s2[i], 1e-3f * Math.max(1f, Math.abs(s1[i])));
        }
    }

    @Test
    void vectorSoftmaxMatchesScalar() {
        for (int n : new int[] {1, 3, 16, 17, 100, 256, 1031}) {
            float[] a = rand(n + 4);
            for (int i = 0; i < a.length; i++) a[i] *= 8f; // logits spread over a wide range
            float[] b = a.clone();
            scalar.softmaxInPlace(a, 2, n);
            vector.softmaxInPlace(b, 2, n);
            for (int i = 0; i < a.length; i++)
                assertEquals(a[i], b[i], 2e-6f * Math.max(1f, a[i]) + 1e-7f, "n=" + n + " i=" + i);
        }
    }

    @Test
    void matmulMatchesHandComputedAndScalar() {
        // [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]]
        float[] a = {1, 2, 3, 4}, b = {5, 6, 7, 8}, c = new float[4];
        vector.matmul(a, b, c, 2, 2, 2);
        assertArrayEquals(new float[] {19, 22, 43, 50}, c, 0f);
        float[] x = rand(7 * 19), y = rand(19 * 23), c1 = new float[7 * 23], c2 = new float[7 * 23];
        scalar.matmul(x, y, c1, 7, 19, 23);
        vector.matmul(x, y, c2, 7, 19, 23);
        assertArrayEquals(c1, c2, 1e-4f);
    }

    @Test
    void registerBlockedMatmulEqualsTheRowAxpyFormExactly() {
        int[][] shapes = {
            {1, 1, 1},
            {3, 5, 16},
            {4, 32, 32},
            {7, 29, 64},
            {9, 13, 80},
            {5, 7, 130},
            {12, 64, 300},
            {2, 3, 5},
            {30, 32, 32},
            {17, 9, 40}
        };
        for (int[] s : shapes) {
            int n = s[0], k = s[1], m = s[2];
            float[] a = rand(n * k), b = rand(k * m), c = new float[n * m], ref = new float[n * m];
            a[0] = 0f; // the reference skips zero entries of a
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < k; p++) if (a[i * k + p] != 0f) vector.axpy(a[i * k + p], b, p * m, ref, i * m, m);
            }
            java.util.Arrays.fill(c, Float.NaN);
            vector.matmul(a, b, c, n, k, m);
            assertArrayEquals(ref, c, 0f, "n=" + n + " k=" + k + " m=" + m);
        }
    }

    /**
     * The vector exp against {@code (float) Math.exp}: within 2 ulps of it (of the smallest subnormal in the subnormal
     * range) on a sweep over [-110, 95] and at the ends of the range; exact at 0, infinities and NaN as Math.exp.
     */
    @Test
    void expIsWithinTwoUlpsOfMathExp() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 200_003; // a masked last vector
        float[] x = new float[n];
        float[] ends = {
            0f,
            -0f,
            1e-30f,
            -1e-30f,
            1f,
            -1f,
            0.34657359f,
            -0.34657359f,
            88.72283f,
            88.7229f,
            89f,
            1000f,
            Float.POSITIVE_INFINITY,
            -87.33655f,
            -87.3366f,
            -100f,
            -103.27893f,
            -103.97208f,
            -103.9721f,
            -104f,
            -200f,
            Float.NEGATIVE_INFINITY,
            Float.NaN,
            Float.MAX_VALUE,
            -Float.MAX_VALUE
        };
        System.arraycopy(ends, 0, x, 0, ends.length);
        for (int i = ends.length; i < n; i++) x[i] = (float) (-110 + 205 * r.nextDouble());
        float[] v = x.clone();
        vector.expInPlace(v, 0, n);
        for (int i = 0; i < n; i++) {
            float ref = (float) Math.exp(x[i]);
            if (Float.isNaN(ref) || Float.isInfinite(ref) || ref == 0f || ref == 1f) {
                assertEquals(ref, v[i], 0f, "exp(" + x[i] + ")");
                continue;
            }
            double ulps = Math.abs((double) v[i] - ref) / Math.ulp(ref);
            assertTrue(ulps <= 2, "exp(" + x[i] + ") = " + v[i] + ", Math.exp gives " + ref);
        }
        // the range split at 2 offsets: the tail lanes past n are not written
        float[] t = {5f, 1f, 2f, 3f, 9f};
        vector.expInPlace(t, 1, 3);
        assertArrayEquals(new float[] {5f, (float) Math.E, (float) Math.exp(2), (float) Math.exp(3), 9f}, t, 3e-6f);
    }

    @Test
    void softmaxIsStableAndNormalised() {
        float[] a = {1000f, 1001f, 1002f};
        vector.softmaxInPlace(a, 0, 3);
        // exp(0), exp(1), exp(2) normalised: 0.09003057, 0.24472847, 0.66524096
        assertArrayEquals(new float[] {0.09003057f, 0.24472847f, 0.66524096f}, a, 1e-6f);
    }

    @Test
    void packedDotBlockMatchesScalarOnLinearLayerShapes() {
        // (rows of a, output columns m, width d): tails below a panel, exact panels, panels plus tails
        int[][] shapes = {
            {1, 1, 1}, {3, 5, 7}, {4, 64, 32}, {9, 70, 33}, {13, 128, 100}, {6, 200, 384}, {17, 2, 768}, {5, 1152, 48}
        };
        for (int[] s : shapes) {
            int n = s[0], m = s[1], d = s[2], aRow = 2, bRow = 3, ldc = m + 5, cOff = 1;
            float[] a = rand((aRow + n) * d), b = rand((bRow + m) * d);
            float[] ref = new float[cOff + n * ldc], c = new float[cOff + n * ldc];
            scalar.dotBlock(a, aRow, b, bRow, ref, cOff, ldc, n, m, d);
            for (Kernels k : new Kernels[] {scalar, vector}) {
                java.util.Arrays.fill(c, 0f);
                PackedRows p = k.pack(b, bRow, m, d);
                assertEquals(m, p.rows());
                assertEquals(d, p.width());
                k.dotBlock(a, aRow, p, c, cOff, ldc, n);
                for (int i = 0; i < c.length; i++) close(ref[i], c[i], d);
                assertEquals(0f, c[cOff + m], 0f, "padding column untouched");
            }
        }
    }

    @Test
    void linearAppliesEachEpilogueToThePackedProduct() {
        // (rows of a, output columns m, width d): a tail-only layer, exact panels (as MiniLM's), panels plus a tail
        int[][] shapes = {{3, 5, 7}, {9, 64, 33}, {13, 128, 100}, {6, 200, 384}, {17, 70, 48}};
        for (int[] s : shapes) {
            int n = s[0], m = s[1], d = s[2], aRow = 2, ldc = m + 5, cOff = 1;
            float[] a = rand((aRow + n) * d), w = rand(m * d), bias = rand(m), residual = rand(cOff + n * ldc);
            float[] dots = new float[cOff + n * ldc];
            scalar.dotBlock(a, aRow, w, 0, dots, cOff, ldc, n, m, d); // the independent reference product
            for (Epilogue e : Epilogue.values()) {
                float[] want = residual.clone();
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < m; j++) {
                        int at = cOff + i * ldc + j;
                        float v = dots[at] + bias[j];
                        want[at] = e == Epilogue.BIAS_GELU
                                ? GeluErf.gelu(v)
                                : e == Epilogue.BIAS_RESIDUAL ? residual[at] + v : v;
                    }
                }
                for (Kernels k : new Kernels[] {scalar, vector}) {
                    float[] c = residual.clone();
                    k.linear(a, aRow, k.pack(w, 0, m, d), bias, e, c, cOff, ldc, n);
                    for (int i = 0; i < c.length; i++) {
                        // entries outside the (n, m) block keep their values exactly
                        if ((i - cOff) % ldc >= m || i < cOff) assertEquals(residual[i], c[i], 0f, "untouched " + i);
                        else close(want[i], c[i], d);
                    }
                }
            }
        }
    }

    @Test
    void layerNormMatchesHandComputedAndScalar() {
        // [1, 2, 3, 4]: mean 2.5, biased variance 1.25, so (v - 2.5) / sqrt(1.25) = +-0.4472136, +-1.3416408
        float[] a = {9f, 1f, 2f, 3f, 4f, 9f};
        vector.layerNorm(a, 1, 4, new float[] {1f, 1f, 1f, 2f}, new float[] {0f, 0f, 1f, 0f}, 0f);
        assertArrayEquals(new float[] {9f, -1.3416408f, -0.4472136f, 1.4472136f, 2.6832817f, 9f}, a, 1e-6f);
        for (int n : new int[] {1, 3, 16, 17, 384, 385}) {
            float[] x = rand(n + 3), g = rand(n), b = rand(n);
            for (int i = 0; i < x.length; i++) x[i] = 5f + 3f * x[i]; // an offset mean, as residual streams have
            float[] y = x.clone();
            scalar.layerNorm(x, 2, n, g, b, 1e-12f);
            vector.layerNorm(y, 2, n, g, b, 1e-12f);
            for (int i = 0; i < x.length; i++) close(x[i], y[i], n);
        }
    }

    @Test
    void stridedMatmulEqualsTheRowAxpyFormAndWritesOnlyItsBlock() {
        // (n, k, m, lda, ldb, ldc): attention's shapes (32-wide heads in a 1152-wide projection) and odd tails
        int[][] shapes = {
            {30, 32, 32, 1152, 32, 40}, {5, 7, 19, 9, 23, 21}, {4, 16, 64, 20, 70, 64}, {9, 3, 17, 3, 17, 17}
        };
        for (int[] s : shapes) {
            int n = s[0], k = s[1], m = s[2], lda = s[3], ldb = s[4], ldc = s[5], aOff = 3, bOff = 5, cOff = 2;
            float[] a = rand(aOff + n * lda), b = rand(bOff + k * ldb);
            float[] c1 = new float[cOff + n * ldc + 4], c2 = new float[c1.length];
            java.util.Arrays.fill(c1, Float.NaN);
            java.util.Arrays.fill(c2, Float.NaN);
            scalar.matmul(a, aOff, lda, b, bOff, ldb, c1, cOff, ldc, n, k, m);
            vector.matmul(a, aOff, lda, b, bOff, ldb, c2, cOff, ldc, n, k, m);
            for (int i = 0; i < c1.length; i++) {
                boolean inBlock = i >= cOff && i < cOff + n * ldc && (i - cOff) % ldc < m;
                if (inBlock) close(c1[i], c2[i], k);
                else assertTrue(Float.isNaN(c2[i]), "outside the block at " + i + ": " + c2[i]);
            }
        }
    }

    @Test
    void packedRowsRefuseOtherKernels() {
        PackedRows p = scalar.pack(rand(64 * 8), 0, 64, 8);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> vector.dotBlock(rand(8), 0, p, new float[64], 0, 64, 1));
        assertTrue(e.getMessage().contains("'rows'"), e.getMessage());
    }

    /** erf by its Maclaurin series (|z| <= 2.5) or its continued fraction for erfc (|z| > 2.5), in double. */
    private static double erfReference(double z) {
        double az = Math.abs(z);
        double erf;
        if (az <= 2.5) {
            double term = az, sum = az;
            for (int n = 1; n < 200; n++) {
                term *= -az * az / n;
                sum += term / (2 * n + 1);
            }
            erf = 2 / Math.sqrt(Math.PI) * sum;
        } else {
            double k = az;
            for (int n = 200; n >= 1; n--) k = az + (n / 2.0) / k;
            erf = 1 - Math.exp(-az * az) / (Math.sqrt(Math.PI) * k);
        }
        return z < 0 ? -erf : erf;
    }

    @Test
    void geluFollowsErfWithinTheApproximationBound() {
        // erf(1) = 0.8427007929497149 (tables): the reference itself is right
        assertEquals(0.8427007929497149, erfReference(1.0), 1e-14);
        assertEquals(0.9999779095030014, erfReference(3.0), 1e-14);
        float[] x = new float[4001];
        for (int i = 0; i < x.length; i++) x[i] = -10f + i * 0.005f;
        float[] s = x.clone(), v = x.clone();
        scalar.gelu(s, 0, s.length);
        vector.gelu(v, 0, v.length);
        for (int i = 0; i < x.length; i++) {
            double exact = 0.5 * x[i] * (1 + erfReference(x[i] / Math.sqrt(2)));
            double bound =
                    1.5e-7 * Math.abs(x[i]) / 2 + 2e-7 * Math.max(1, Math.abs(exact)); // A&S bound + float rounding
            assertEquals(exact, s[i], bound, "scalar gelu(" + x[i] + ")");
            assertEquals(s[i], v[i], 4e-7f * Math.max(1f, Math.abs(s[i])), "vector gelu(" + x[i] + ")");
        }
        assertEquals(0f, s[2000], 0f, "gelu(0) = 0");
        float[] off = {9f, 1f, -1f, 9f};
        vector.gelu(off, 1, 2);
        assertEquals(9f, off[0], 0f);
        assertEquals(9f, off[3], 0f);
        assertEquals(0.8413447460685429, off[1], 1e-6); // Phi(1)
    }

    @Test
    void argmaxIsTheFirstLargestAsInTheScalarScan() {
        for (int n : new int[] {1, 2, 15, 16, 17, 33, 288, 577}) {
            float[] a = rand(n + 6);
            assertEquals(scalar.argmax(a, 3, n), vector.argmax(a, 3, n), "n=" + n);
            // ties: the maximum repeated at a later lane, in the tail and in the first vector; -0 against +0
            float[] t = rand(n + 6);
            int at = 3 + n / 2;
            t[at] = 50f;
            t[3 + n - 1] = 50f;
            assertEquals(n / 2 == n - 1 ? n - 1 : n / 2, vector.argmax(t, 3, n), "tie n=" + n);
            assertEquals(scalar.argmax(t, 3, n), vector.argmax(t, 3, n), "tie n=" + n);
            float[] z = new float[n + 6];
            java.util.Arrays.fill(z, -1f);
            z[3 + n - 1] = 0f;
            z[3 + (n - 1) / 2] = -0f;
            assertEquals(scalar.argmax(z, 3, n), vector.argmax(z, 3, n), "signed zeros n=" + n);
            assertEquals((n - 1) / 2, vector.argmax(z, 3, n), "signed zeros n=" + n);
            // a NaN is never the maximum unless it comes first (the plain > scan)
            float[] q = rand(n + 6);
            q[3 + n - 1] = Float.NaN;
            assertEquals(scalar.argmax(q, 3, n), vector.argmax(q, 3, n), "NaN last n=" + n);
            q[3] = Float.NaN;
            assertEquals(scalar.argmax(q, 3, n), vector.argmax(q, 3, n), "NaN first n=" + n);
        }
        assertThrows(IllegalArgumentException.class, () -> vector.argmax(new float[4], 0, 0));
        assertThrows(IllegalArgumentException.class, () -> scalar.argmax(new float[4], 0, 0));
    }

    @Test
    void maxIntoRaisesEachEntryAsTheScalarLoop() {
        for (int n : new int[] {1, 7, 16, 17, 48, 575}) {
            float[] x = rand(n + 3), y1 = rand(n + 5);
            x[1 + n / 2] = -0f;
            y1[2 + n / 2] = 0f; // Math.max(+0, -0) is +0, whichever side holds it
            x[1 + n - 1] = Float.NaN;
            float[] y2 = y1.clone();
            scalar.maxInto(x, 1, y1, 2, n);
            vector.maxInto(x, 1, y2, 2, n);
            assertArrayEquals(y1, y2, "n=" + n);
            assertTrue(Float.isNaN(y2[2 + n - 1]), "NaN propagates");
            if (n / 2 != n - 1)
                assertEquals(Float.floatToIntBits(0f), Float.floatToIntBits(y2[2 + n / 2]), "signed zero");
            assertEquals(y1[0], y2[0], 0f); // outside the range: untouched
        }
    }

    @Test
    void firstNonFiniteFindsTheFirstNaNOrInfinityAsTheScalarScan() {
        for (int n : new int[] {0, 1, 15, 16, 17, 32, 33, 100, 1031}) {
            float[] a = rand(n + 5);
            a[0] = Float.NaN; // outside the range: never reported
            a[n + 4] = Float.POSITIVE_INFINITY;
            assertEquals(-1, scalar.firstNonFinite(a, 2, n), "clean n=" + n);
            assertEquals(-1, vector.firstNonFinite(a, 2, n), "clean n=" + n);
            a[2 + n / 3 * 2] = Float.MAX_VALUE; // finite, however large
            assertEquals(-1, vector.firstNonFinite(a, 2, n), "MAX_VALUE n=" + n);
            if (n == 0) continue;
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                for (int at : new int[] {n - 1, n / 2, 0}) {
                    float[] b = a.clone();
                    b[2 + at] = bad;
                    if (at != n - 1) b[2 + n - 1] = Float.NaN; // a later one does not hide the first
                    assertEquals(at, scalar.firstNonFinite(b, 2, n), bad + " at " + at + " n=" + n);
                    assertEquals(at, vector.firstNonFinite(b, 2, n), bad + " at " + at + " n=" + n);
                }
            }
        }
    }

    @Test
    void gramColumnsMatchScalarAndEqualTheDotBlockEntriesOnAndAboveTheDiagonal() {
        // rows below 64 take the unpacked tiles, from 64 the packed ones (tiles crossing the diagonal cut short);
        // widths with and without k-blocks (d > 384) and ragged column blocks
        int[][] cases = {
            {5, 19, 0, 5},
            {40, 33, 16, 40},
            {64, 100, 0, 64},
            {130, 400, 64, 128},
            {200, 777, 128, 192},
            {200, 90, 192, 200},
            {150, 33, 80, 150},
            {288, 768, 256, 288},
            {97, 1031, 33, 97}
        };
        for (int[] s : cases) {
            int n = s[0], d = s[1], j0 = s[2], j1 = s[3];
            float[] a = rand(n * d);
            float[] ref = new float[n * n], plain = new float[n * n], cols = new float[n * n];
            scalar.gramColumns(a, ref, n, d, j0, j1);
            vector.dotBlock(a, 0, a, j0, plain, j0, n, j1, j1 - j0, d);
            vector.gramColumns(a, cols, n, d, j0, j1);
            // the packed path's entries are FMA chains (bit-identical); the smaller blocks' lane reductions may round
            // differently before and after the JIT compiles them, so those compare within float rounding
            boolean packed = j1 >= 64 && j1 - j0 >= 16;
            for (int j = j0; j < j1; j++) {
                for (int i = 0; i <= j; i++) {
                    close(ref[i * n + j], cols[i * n + j], d);
                    if (packed)
                        assertEquals(
                                plain[i * n + j], cols[i * n + j], 0f, "n=" + n + " d=" + d + " at " + i + "," + j);
                    else close(plain[i * n + j], cols[i * n + j], d);
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    if (j < j0 || j >= j1)
                        assertEquals(0f, cols[i * n + j], 0f, "outside the columns at " + i + "," + j);
                }
            }
        }
    }

    @Test
    void maxOfEmptyRangeIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> vector.max(new float[4], 0, 0));
        assertTrue(e.getMessage().contains("n = 0"));
    }
}
