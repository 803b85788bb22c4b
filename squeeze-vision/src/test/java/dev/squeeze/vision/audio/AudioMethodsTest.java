package dev.squeeze.vision.audio;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import org.junit.jupiter.api.Test;

class AudioMethodsTest {

    @Test
    void segmentTopKSpreadsTheBudgetOverTime() {
        float[] s = {9, 8, 7, 6, 0, 0, 0, 1};
        // plain top-4 would take 0..3; two segments of 4 keep 2 each
        // (second segment: 7 then the lowest-index zero, 4)
        assertArrayEquals(new int[] {0, 1, 4, 7}, SegmentTopK.select(s, 2, 4).representatives());
        // 5 = 3 + 2
        assertArrayEquals(new int[] {0, 1, 2, 4, 7}, SegmentTopK.select(s, 2, 5).representatives());
        // a 1-token segment cannot hold its share: the surplus is carried to the next segment
        assertArrayEquals(
                new int[] {0, 1, 2},
                SegmentTopK.select(new float[] {1, 5, 4}, 3, 3).representatives());
        assertThrows(IllegalArgumentException.class, () -> SegmentTopK.select(s, 9, 4));
    }

    @Test
    void adjacentPoolingMergesTheMostSimilarNeighbours() {
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 0}, {1, 0.01f}, {0, 1}, {0.01f, 1}, {-1, 0}});
        TokenTransform t = AdjacentAffinityPooling.pool(x, null, 3);
        assertEquals(3, t.outputCount());
        assertArrayEquals(new int[] {0, 1}, t.rowSources(0));
        assertArrayEquals(new int[] {2, 3}, t.rowSources(1));
        assertArrayEquals(new int[] {4}, t.rowSources(2));
    }

    @Test
    void aRepeatedSegmentOfASyntheticSequenceCollapses() {
        // a "static" stretch: one random token repeated 6 times between two distinct tokens
        java.util.Random r = new java.util.Random(9);
        float[] a = new float[16], b = new float[16], c = new float[16];
        for (int i = 0; i < 16; i++) {
            a[i] = (float) r.nextGaussian();
            b[i] = (float) r.nextGaussian();
            c[i] = (float) r.nextGaussian();
        }
        float[][] seq = {a, b, b, b, b, b, b, c};
        TokenTransform t = AdjacentAffinityPooling.pool(FloatMatrix.of(seq), null, 3);
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6}, t.rowSources(1));
        assertArrayEquals(new float[] {1, 6, 1}, t.applyToSizes(new float[] {1, 1, 1, 1, 1, 1, 1, 1}), 1e-6f);
        TokenTransform h = new CrossPolytopeLsh(16, 8, 3, 5).cluster(FloatMatrix.of(seq), null);
        boolean together = false;
        for (int k = 0; k < h.outputCount(); k++)
            together |= java.util.Arrays.equals(h.rowSources(k), new int[] {1, 2, 3, 4, 5, 6})
                    || (h.rowSources(k).length > 6
                            && java.util.Arrays.stream(h.rowSources(k))
                                            .filter(i -> i >= 1 && i <= 6)
                                            .count()
                                    == 6);
        assertTrue(together, "the six copies share one bucket");
    }

    @Test
    void crossPolytopeLshBucketsIdenticalTokensTogether() {
        CrossPolytopeLsh lsh = new CrossPolytopeLsh(3, 4, 2, 11);
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 2, 3}, {-5, 0, 1}, {1, 2, 3}, {2, 4, 6}});
        TokenTransform t = lsh.cluster(x, null);
        // rows 0, 2 identical and 3 a positive multiple: same cross-polytope vertex in every table
        assertArrayEquals(new int[] {0, 2, 3}, t.rowSources(0));
        assertArrayEquals(lsh.hash(x.data(), 0), new CrossPolytopeLsh(3, 4, 2, 11).hash(x.data(), 0));
        int[] h = lsh.hash(x.data(), 3);
        for (int v : h) assertTrue(v >= 0 && v < 8);
        assertThrows(IllegalArgumentException.class, () -> lsh.cluster(FloatMatrix.of(new float[][] {{1, 2}}), null));
    }
}
