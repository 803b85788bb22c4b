package dev.squeeze.core.kernel;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import org.junit.jupiter.api.Test;

class SimilarityTest {
    private final Similarity sim = Similarity.fast();

    @Test
    void cosineOfHandPickedVectors() {
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 0}, {0, 2}, {3, 3}});
        FloatMatrix c = sim.cosineBlock(x);
        assertEquals(1f, c.get(0, 0), 1e-6f);
        assertEquals(0f, c.get(0, 1), 1e-6f);
        assertEquals((float) Math.sqrt(0.5), c.get(0, 2), 1e-6f);
        assertEquals((float) Math.sqrt(0.5), c.get(2, 1), 1e-6f);
    }

    @Test
    void squaredDistancesMatchDefinition() {
        FloatMatrix a = FloatMatrix.of(new float[][] {{0, 0}, {1, 1}});
        FloatMatrix b = FloatMatrix.of(new float[][] {{3, 4}});
        FloatMatrix d = sim.squaredDistances(a, b);
        assertEquals(25f, d.get(0, 0), 1e-5f);
        assertEquals(13f, d.get(1, 0), 1e-5f);
    }

    @Test
    void badInputsNameTheProblem() {
        FloatMatrix a = FloatMatrix.of(new float[][] {{1, 2}});
        FloatMatrix b = FloatMatrix.of(new float[][] {{1, 2, 3}});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> sim.cosineBlock(a, b))
                .getMessage()
                .contains("D=2"));
        FloatMatrix nan = FloatMatrix.of(new float[][] {{1, Float.NaN}});
        String msg = assertThrows(IllegalArgumentException.class, () -> sim.cosineBlock(nan))
                .getMessage();
        assertTrue(msg.contains("NaN") && msg.contains("column 1"), msg);
        FloatMatrix empty = new FloatMatrix(0, 4);
        assertThrows(IllegalArgumentException.class, () -> sim.cosineBlock(empty));
    }

    private static FloatMatrix gaussian(int n, int d, long seed) {
        java.util.Random r = new java.util.Random(seed);
        FloatMatrix x = new FloatMatrix(n, d);
        for (int i = 0; i < x.data().length; i++) x.data()[i] = (float) r.nextGaussian();
        return x;
    }

    /**
     * Exact where the kernels use FMA chains only (the packed path, from 64 rows): the lane reductions of the smaller
     * blocks and of the row norms may round differently before and after the JIT compiles them (the Vector API leaves
     * their order open), so those compare within float rounding.
     */
    @Test
    void upperGramBlocksHoldTheMirroredBlocksValuesOnAndAboveTheDiagonal() {
        for (Similarity s : new Similarity[] {sim, new Similarity(KernelProvider.scalar())}) {
            for (int[] nd : new int[][] {{1, 3}, {7, 5}, {70, 33}, {200, 300}, {577, 96}}) {
                int n = nd[0];
                FloatMatrix x = gaussian(n, nd[1], n);
                float[] full = s.gram(x).data(), upper = s.gramUpper(x).data();
                float[] cos = s.cosineGram(x).data(),
                        cosUpper = s.cosineGramUpper(x).data();
                float exact = n >= 64 ? 0f : 1e-5f * nd[1];
                for (int i = 0; i < n; i++) {
                    for (int j = i; j < n; j++) {
                        assertEquals(
                                full[i * n + j],
                                upper[i * n + j],
                                exact,
                                s.kernels().name() + " gram at " + i + "," + j);
                        assertEquals(
                                cos[i * n + j],
                                cosUpper[i * n + j],
                                1e-6f,
                                s.kernels().name() + " cos at " + i + "," + j);
                        assertEquals(full[i * n + j], full[j * n + i], 0f, "mirrored");
                    }
                }
                assertEquals(1f, cos[(n - 1) * n + n - 1], 1e-5f);
            }
        }
        assertThrows(IllegalArgumentException.class, () -> sim.cosineGramUpper(new FloatMatrix(0, 3)));
    }

    @Test
    void rowRangesOfOneMatrixGiveTheBlockOfTheirCopies() {
        FloatMatrix x = gaussian(577, 200, 5);
        int na = 289, nb = 288;
        FloatMatrix a = new FloatMatrix(na, 200), b = new FloatMatrix(nb, 200);
        System.arraycopy(x.data(), 0, a.data(), 0, na * 200);
        System.arraycopy(x.data(), na * 200, b.data(), 0, nb * 200);
        assertArrayEquals(
                sim.dotBlockParallel(a, b).data(),
                sim.dotBlockParallel(x, 0, na, na, nb).data());
        assertArrayEquals(
                sim.dotBlock(a, b).data(),
                sim.dotBlockParallel(x, 0, na, na, nb).data());
        FloatMatrix mid = new FloatMatrix(70, 200);
        System.arraycopy(x.data(), 10 * 200, mid.data(), 0, 70 * 200);
        assertArrayEquals(
                sim.dotBlock(mid, b).data(),
                sim.dotBlockParallel(x, 10, 70, na, nb).data());
        String msg = assertThrows(IllegalArgumentException.class, () -> sim.dotBlockParallel(x, 0, na, na, nb + 1))
                .getMessage();
        assertTrue(msg.contains("b rows [289, 578)") && msg.contains("577 rows"), msg);
        assertThrows(IllegalArgumentException.class, () -> sim.dotBlockParallel(x, -1, 2, 0, 1));
    }

    @Test
    void evenFirstNormalisationIsTheNormalisedCopyWithRowsRegroupedByParity() {
        for (int n : new int[] {1, 2, 7, 10}) {
            FloatMatrix x = gaussian(n, 37, n);
            x.data()[0] = -0f;
            if (n > 3) java.util.Arrays.fill(x.data(), 3 * 37, 4 * 37, 0f); // a zero row stays zero
            float[] plain = sim.normalizeRows(x, "x").data(),
                    regrouped = sim.normalizeRowsEvenFirst(x, "x").data();
            int evens = (n + 1) / 2;
            for (int i = 0; i < n; i++) {
                int to = i % 2 == 0 ? i / 2 : evens + i / 2;
                // the row norms' lane reduction may round differently once compiled: within float rounding
                for (int c = 0; c < 37; c++) assertEquals(plain[i * 37 + c], regrouped[to * 37 + c], 1e-7f, "row " + i);
            }
        }
        FloatMatrix bad = gaussian(5, 4, 1);
        bad.set(3, 2, Float.NEGATIVE_INFINITY);
        String msg = assertThrows(IllegalArgumentException.class, () -> sim.normalizeRowsEvenFirst(bad, "metric"))
                .getMessage();
        assertTrue(msg.contains("metric") && msg.contains("row 3") && msg.contains("column 2"), msg);
        // a large matrix normalised on the pool: the first bad entry, with the plain message whichever worker met it
        FloatMatrix large = gaussian(577, 768, 2);
        large.set(560, 7, Float.NaN);
        large.set(570, 1, Float.POSITIVE_INFINITY);
        large.set(20, 5, 3e38f); // finite; its square overflows: not an error
        for (int round = 0; round < 5; round++) {
            msg = assertThrows(IllegalArgumentException.class, () -> sim.normalizeRowsEvenFirst(large, "metric"))
                    .getMessage();
            assertEquals("metric has a non-finite value NaN at row 560, column 7", msg);
            msg = assertThrows(IllegalArgumentException.class, () -> sim.cosineGramUpper(large))
                    .getMessage();
            assertEquals("x has a non-finite value NaN at row 560, column 7", msg);
        }
        large.set(560, 7, 1f);
        large.set(570, 1, 1f);
        FloatMatrix unit = sim.normalizeRows(large, "x");
        for (int c = 0; c < 768; c++)
            assertEquals(0f, unit.get(20, c), 0f, "a row whose squares overflow becomes zero");
    }
}
