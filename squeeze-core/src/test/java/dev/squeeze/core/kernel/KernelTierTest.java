package dev.squeeze.core.kernel;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector kernels' float reductions give the same bits whichever JIT tier runs them: {@code -Xint} (the Vector
 * API's Java fallback, also what C1 runs) against C2-compiled code in this JVM. Inputs are Gaussian floats, so
 * every sum rounds and a different summation order shows.
 */
class KernelTierTest {
    /** Rounds of {@link #results} before the compared one: enough for C2 to compile every kernel involved. */
    private static final int WARM_ROUNDS = 3000;

    /** Prints {@link #results} (run under -Xint by the test). */
    public static final class Probe {
        public static void main(String[] args) {
            TierCheck.print(results());
        }
    }

    static Map<String, Float> results() {
        Kernels k = KernelProvider.vector()
                .orElseThrow(() -> new IllegalStateException("the vector kernels did not load: "
                        + KernelProvider.selection().reason()));
        SplittableRandom r = new SplittableRandom(22);
        Map<String, Float> out = new LinkedHashMap<>();
        for (int n : new int[] {2048, 2051, 37}) {
            float[] a = gaussian(r, n + 1), b = gaussian(r, n + 3);
            out.put("dot" + n, k.dot(a, 1, b, 3, n));
            out.put("sumOfSquares" + n, k.sumOfSquares(b, 2, n));
        }
        // a 9 x 6 block at depth 67: 4 x 4 dot-product tiles with a masked tail, then single dots
        int n = 9, m = 6, d = 67;
        float[] a = gaussian(r, n * d), b = gaussian(r, m * d), c = new float[n * m];
        k.dotBlock(a, b, c, n, m, d);
        for (int i = 0; i < c.length; i++) out.put("dotBlock" + i, c[i]);
        float[] row = gaussian(r, d), gamma = gaussian(r, d), beta = gaussian(r, d);
        k.layerNorm(row, 0, d, gamma, beta, 1e-5f);
        for (int i = 0; i < d; i += 11) out.put("layerNorm" + i, row[i]);
        return out;
    }

    static float[] gaussian(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    @Test
    void compiledKernelsSumInTheInterpretersOrder() throws Exception {
        // the Java 17 run of the library modules has no vector kernels to compare (scalar sums are in order anyway)
        assumeTrue(
                KernelProvider.vector().isPresent(),
                "no vector kernels on this JVM: " + KernelProvider.selection().reason());
        TierCheck.assertCompiledMatchesInterpreted(Probe.class, KernelTierTest::results, WARM_ROUNDS);
    }
}
