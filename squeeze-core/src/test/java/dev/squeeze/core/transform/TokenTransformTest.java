package dev.squeeze.core.transform;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenTransformTest {

    @Test
    void mergingTwoIdenticalTokensGivesThatTokenWithSizeTwo() {
        TokenSet in = TokenSet.of(FloatMatrix.of(new float[][] {{1, 2, 3}, {1, 2, 3}, {9, 9, 9}}));
        TokenTransform m = TokenTransform.merge(3, new int[][] {{0, 1}, {2}}, in.sizes());
        TokenSet out = m.apply(in, PositionMode.REPRESENTATIVE);
        assertArrayEquals(new float[] {1, 2, 3}, out.tokens().row(0), 0f);
        assertArrayEquals(new float[] {2f, 1f}, out.sizes(), 0f);
        assertArrayEquals(new int[] {0, 1}, out.provenance()[0]);
        assertEquals((float) Math.log(2), out.logSizes()[0], 1e-7f);
    }

    @Test
    void mergeIsSizeWeighted() {
        // sizes 3 and 1: (3*[4] + 1*[0]) / 4 = [3]
        TokenTransform m = TokenTransform.merge(2, new int[][] {{0, 1}}, new float[] {3f, 1f});
        FloatMatrix y = m.apply(FloatMatrix.of(new float[][] {{4f}, {0f}}));
        assertEquals(3f, y.get(0, 0), 1e-6f);
        assertArrayEquals(new float[] {4f}, m.applyToSizes(new float[] {3f, 1f}), 0f);
        assertArrayEquals(new float[] {0.25f}, m.applyToPositions(new float[] {0f, 1f}, PositionMode.WEIGHTED), 1e-6f);
        assertArrayEquals(new float[] {0f}, m.applyToPositions(new float[] {0f, 1f}, PositionMode.REPRESENTATIVE), 0f);
    }

    @Test
    void selectionKeepsRowsAndPositions() {
        FloatMatrix x = FloatMatrix.of(new float[][] {{0}, {10}, {20}, {30}});
        TokenTransform s = TokenTransform.select(4, new int[] {1, 3});
        assertTrue(s.isSelection());
        assertArrayEquals(new float[] {10, 30}, s.apply(x).data(), 0f);
        assertArrayEquals(
                new float[] {1, 3}, s.applyToPositions(new float[] {0, 1, 2, 3}, PositionMode.REPRESENTATIVE), 0f);
        assertArrayEquals(new boolean[] {false, true}, s.applyToMask(new boolean[] {true, false, false, true}));
    }

    @Test
    void anchorMergeUsesAnchorWeight() {
        // 0.6 * 10 + 0.4 * mean(0, 20) = 6 + 4 = 10; second row: anchor alone
        TokenTransform t = TokenTransform.anchorMerge(4, new int[] {0, 3}, new int[][] {{1, 2}, {}}, 0.6f);
        FloatMatrix y = t.apply(FloatMatrix.of(new float[][] {{10}, {0}, {20}, {7}}));
        assertArrayEquals(new float[] {10f, 7f}, y.data(), 1e-6f);
        assertArrayEquals(new float[] {3f, 1f}, t.applyToSizes(new float[] {1, 1, 1, 1}), 0f);
    }

    @Test
    void compositionEqualsApplyingInTurn() {
        Random r = new Random(7);
        int n = 12, d = 5;
        float[] data = new float[n * d];
        for (int i = 0; i < data.length; i++) data[i] = (float) r.nextGaussian();
        TokenSet x = TokenSet.of(new FloatMatrix(n, d, data));
        TokenTransform m1 =
                TokenTransform.merge(n, new int[][] {{0, 1}, {2}, {3, 4, 5}, {6}, {7, 8}, {9}, {10, 11}}, x.sizes());
        TokenSet y1 = m1.apply(x, PositionMode.WEIGHTED);
        TokenTransform m2 = TokenTransform.merge(7, new int[][] {{0, 2}, {1}, {4, 5, 6}}, y1.sizes());
        TokenSet y2 = m2.apply(y1, PositionMode.WEIGHTED);

        TokenTransform both = m2.after(m1);
        assertEquals(2, both.stages());
        assertEquals(12, both.sourceCount());
        TokenSet once = both.apply(x, PositionMode.WEIGHTED);
        assertArrayEquals(y2.tokens().data(), once.tokens().data(), 1e-5f);
        assertArrayEquals(y2.sizes(), once.sizes(), 1e-5f);
        assertArrayEquals(y2.positions(), once.positions(), 1e-5f);
        for (int k = 0; k < y2.size(); k++) assertArrayEquals(y2.provenance()[k], once.provenance()[k]);
        // dense check: M = M2 M1
        FloatMatrix d1 = m1.toDense(), d2 = m2.toDense(), prod = both.toDense();
        for (int i = 0; i < d2.rows(); i++) {
            for (int j = 0; j < d1.cols(); j++) {
                float s = 0f;
                for (int t = 0; t < d1.rows(); t++) s += d2.get(i, t) * d1.get(t, j);
                assertEquals(s, prod.get(i, j), 1e-6f);
            }
        }
        assertEquals(
                both.toDense().rows(), TokenTransform.chain(List.of(m1, m2)).outputCount());
        // group {0,2} of m2 stands for sources {0,1} and {3,4,5}: size 5
        assertArrayEquals(new int[] {0, 1, 3, 4, 5}, both.rowSources(0));
        assertEquals(5f, once.sizes()[0], 0f);
    }

    @Test
    void denseTransformConservesTotalSize() {
        FloatMatrix w = FloatMatrix.of(new float[][] {{0.5f, 0.5f, 0f}, {0f, 0.5f, 1f}});
        TokenTransform t = TokenTransform.dense(w);
        float[] s = t.applyToSizes(new float[] {1, 1, 1});
        assertEquals(3f, s[0] + s[1], 1e-6f);
        // source 0 goes wholly to row 0, source 1 splits in half, source 2 goes wholly to row 1
        assertArrayEquals(new float[] {1.5f, 1.5f}, s, 1e-6f);
        FloatMatrix y = t.apply(FloatMatrix.of(new float[][] {{2}, {4}, {6}}));
        assertArrayEquals(new float[] {3f, 8f}, y.data(), 1e-6f);
    }

    @Test
    void badArgumentsAreRejectedWithTheirValue() {
        assertMessage(() -> TokenTransform.select(3, new int[] {0, 1, 2, 0}), "K = 4");
        assertMessage(() -> TokenTransform.select(3, new int[0]), "got 0");
        assertMessage(() -> TokenTransform.select(3, new int[] {5}), "kept[0] = 5");
        assertMessage(() -> TokenTransform.select(3, new int[] {1, 1}), "selected twice");
        assertMessage(() -> TokenTransform.merge(3, new int[][] {{0, 1}, {1}}, null), "more than one group");
        assertMessage(() -> TokenTransform.merge(2, new int[][] {{0}}, new float[] {Float.NaN, 1}), "sizes[0]");
        assertMessage(() -> TokenSet.of(FloatMatrix.of(new float[][] {{1, Float.POSITIVE_INFINITY}})), "Infinity");
        assertMessage(() -> TokenSet.of(new FloatMatrix(0, 3)), "empty");
        TokenTransform t = TokenTransform.identity(3);
        assertMessage(() -> t.apply(new FloatMatrix(4, 2)), "expects N = 3");
        assertMessage(() -> t.after(TokenTransform.identity(5)), "K = 5");
        assertMessage(() -> TokenTransform.builder(2).row(new int[] {0}, new float[] {Float.NaN}), "non-finite weight");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable e, String fragment) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(
                ex.getMessage().contains(fragment),
                "message '" + ex.getMessage() + "' should contain '" + fragment + "'");
    }
}
