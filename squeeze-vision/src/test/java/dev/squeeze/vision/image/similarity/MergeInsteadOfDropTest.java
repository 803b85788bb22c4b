package dev.squeeze.vision.image.similarity;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import org.junit.jupiter.api.Test;

class MergeInsteadOfDropTest {

    @Test
    void foldSendsEachDroppedTokenToItsMostSimilarKeptTokenAndAveragesBySize() {
        // directions: tokens 0,2 point along x, 1,3 along y; 4 is closer to y (cos 0.8/0.6)
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 0}, {0, 1}, {2, 0.1f}, {0.1f, 3}, {0.6f, 0.8f}});
        float[] sizes = {1, 1, 2, 1, 1};
        TokenTransform t = NearestFold.fold(x, new int[] {1, 0}, sizes);
        assertEquals(2, t.outputCount());
        float[] s = t.applyToSizes(sizes);
        assertArrayEquals(new float[] {3, 3}, s, 1e-6f); // {0, 2 (size 2)} and {1, 3, 4}
        FloatMatrix y = t.apply(x);
        assertEquals((1 + 2 * 2) / 3f, y.get(0, 0), 1e-6f); // size-weighted mean
        assertEquals((2 * 0.1f) / 3f, y.get(0, 1), 1e-6f);
        assertEquals((0 + 0.1f + 0.6f) / 3f, y.get(1, 0), 1e-6f);
        assertEquals((1 + 3 + 0.8f) / 3f, y.get(1, 1), 1e-6f);
    }

    @Test
    void foldRejectsDuplicateOrOutOfRangeKeptIndices() {
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 0}, {0, 1}});
        assertThrows(IllegalArgumentException.class, () -> NearestFold.fold(x, new int[] {0, 0}, new float[] {1, 1}));
        assertThrows(IllegalArgumentException.class, () -> NearestFold.fold(x, new int[] {2}, new float[] {1, 1}));
    }

    @Test
    void lloydRoundsMatchAHandComputedRun() {
        // 1-D points 0, 1, 3, 10 (second coordinate 0); start {0} | {1, 3, 10}
        FloatMatrix x = FloatMatrix.of(new float[][] {{0, 0}, {1, 0}, {3, 0}, {10, 0}});
        float[] ones = {1, 1, 1, 1};
        int[] start = {0, 1, 1, 1};
        // round 1: means 0 and 14/3 -> 1 moves (1 < 3.67), 3 stays (1.67 < 3): {0, 1} | {3, 10}
        assertArrayEquals(
                new float[] {0.5f, 6.5f},
                col0(DpcKnnKMeans.refine(x, ones, start, 2, 1).apply(x)),
                1e-5f);
        // round 2: means 0.5 and 6.5 -> 3 moves (2.5 < 3.5): {0, 1, 3} | {10}, a fixed point
        assertArrayEquals(
                new float[] {4f / 3f, 10f},
                col0(DpcKnnKMeans.refine(x, ones, start, 2, 2).apply(x)),
                1e-5f);
        assertArrayEquals(
                new float[] {4f / 3f, 10f},
                col0(DpcKnnKMeans.refine(x, ones, start, 2, 5).apply(x)),
                1e-5f);
        // zero rounds = the initial clusters merged
        assertArrayEquals(
                new float[] {0f, 14f / 3f},
                col0(DpcKnnKMeans.refine(x, ones, start, 2, 0).apply(x)),
                1e-5f);
        assertArrayEquals(start, new int[] {0, 1, 1, 1}, "the caller's assignment is not modified");
    }

    @Test
    void lloydMeansAreSizeWeighted() {
        FloatMatrix x = FloatMatrix.of(new float[][] {{0, 0}, {1, 0}, {2, 0}, {10, 0}});
        float[] sizes = {1, 1, 1, 10};
        // start {0} | {1, 2, 10}: mean (1 + 2 + 100) / 12 = 8.58, so 1 and 2 both move to cluster 0
        TokenTransform t = DpcKnnKMeans.refine(x, sizes, new int[] {0, 1, 1, 1}, 2, 1);
        assertArrayEquals(new float[] {1f, 10f}, col0(t.apply(x)), 1e-5f);
        assertArrayEquals(new float[] {3f, 10f}, t.applyToSizes(sizes), 1e-6f);
    }

    @Test
    void refineRejectsAnAssignmentOutsideTheClusters() {
        FloatMatrix x = FloatMatrix.of(new float[][] {{0, 0}, {1, 0}});
        assertThrows(
                IllegalArgumentException.class,
                () -> DpcKnnKMeans.refine(x, new float[] {1, 1}, new int[] {0, 2}, 2, 1));
    }

    @Test
    void tomeAtTheEncoderOutputRunsBipartiteRoundsDownToExactlyK() {
        // A = {0, 2}, B = {1, 3}: round 1 merges 0 -> 1 and 2 -> 3; round 2 merges the two results
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 0}, {1, 0.1f}, {0, 1}, {0.1f, 1}});
        var in = dev.squeeze.vision.VisualTokens.builder(dev.squeeze.core.transform.TokenSet.of(x))
                .build();
        ToMeEncoder tome = new ToMeEncoder();
        TokenTransform two = tome.reduce(in, dev.squeeze.core.select.Budget.count(2));
        FloatMatrix y = two.apply(x);
        assertEquals(2, y.rows());
        assertArrayEquals(new float[] {2, 2}, two.applyToSizes(new float[] {1, 1, 1, 1}), 1e-6f);
        assertEquals(1f, y.get(0, 0), 1e-6f);
        assertEquals(0.05f, y.get(0, 1), 1e-6f);
        TokenTransform one = tome.reduce(in, dev.squeeze.core.select.Budget.count(1));
        assertArrayEquals(new float[] {0.525f, 0.525f}, one.apply(x).row(0), 1e-6f);
        assertArrayEquals(new float[] {4}, one.applyToSizes(new float[] {1, 1, 1, 1}), 1e-6f);
    }

    private static float[] col0(FloatMatrix y) {
        float[] c = new float[y.rows()];
        for (int i = 0; i < c.length; i++) c[i] = y.get(i, 0);
        return c;
    }
}
