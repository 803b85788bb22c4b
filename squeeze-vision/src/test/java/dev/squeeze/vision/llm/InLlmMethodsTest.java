package dev.squeeze.vision.llm;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import org.junit.jupiter.api.Test;

class InLlmMethodsTest {

    @Test
    void fastVKeepsTheMostAttendedTokensInOrder() {
        TokenTransform t = FastV.select(new float[] {0.1f, 0.5f, 0.2f, 0.2f}, 2);
        assertArrayEquals(new int[] {1, 2}, t.representatives()); // tie 2 vs 3 -> lower index
        assertThrows(IllegalArgumentException.class, () -> FastV.select(new float[] {0.1f, Float.NaN}, 1));
    }

    @Test
    void sparseVlmRatersAreTheAboveMeanTextTokens() {
        float[][] attn = {{0.3f, 0.3f}, {0.1f, 0.1f}, {0.5f, 0.5f}};
        assertArrayEquals(new int[] {0, 2}, SparseVlm.raters(attn));
    }

    @Test
    void sparseVlmRecyclesPrunedTokensIntoClusters() {
        int n = 40;
        float[][] x = new float[n][];
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = new float[] {i < 20 ? 0f : 10f, i % 5, 1f};
            a[i] = (n - i) / 1000f;
        }
        TokenTransform t = SparseVlm.reduce(new float[][] {a}, FloatMatrix.of(x), null, 10);
        assertEquals(10, t.outputCount());
        // 30% of the pruned (n - K') recycled into floor(recycled / 10) + 1 = 1 or 2 merged rows
        int merged = 0;
        for (int k = 0; k < 10; k++) if (t.rowSources(k).length > 1) merged++;
        assertTrue(merged >= 1 && merged <= 2, "merged rows " + merged);
        assertArrayEquals(new int[] {0}, t.rowSources(0));
    }

    @Test
    void pyramidDropHalvesPerStageAtTheDefaultRatio() {
        assertEquals(128, PyramidDrop.stageKeep(256, 32, 1, 4));
        assertEquals(64, PyramidDrop.stageKeep(256, 32, 2, 4));
        assertEquals(32, PyramidDrop.stageKeep(256, 32, 3, 4));
    }

    @Test
    void dartKeepsPivotsAndTheLeastDuplicatedTokens() {
        FloatMatrix keys = FloatMatrix.of(new float[][] {{5, 0}, {1, 0}, {1, 0}, {1, 0}});
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 0}, {1, 0.01f}, {0, 1}, {0.7f, 0.7f}});
        TokenTransform t = Dart.select(keys, x, 3, 1);
        assertArrayEquals(new int[] {0, 2, 3}, t.representatives());
    }

    @Test
    void mustDropNeedsBothAttentionsLowToDrop() {
        float[][] attn = {{0.5f, 0.05f, 0.3f, 0.15f}, {0.5f, 0.05f, 0.0f, 0.05f}};
        // total = 2; global 0.1 x 2 = 0.2; token 1 total 0.1 and max 0.05 < 0.2 -> dropped;
        // token 3 total 0.2 (not < 0.2) stays; token 2 total 0.3 stays
        TokenTransform t =
                MustDropFilter.filter(attn, new boolean[4], 0.1f, 0.2f).orElseThrow();
        assertArrayEquals(new int[] {0, 2, 3}, t.representatives());
        boolean[] protect = {false, true, false, false};
        assertTrue(MustDropFilter.filter(attn, protect, 0.1f, 0.2f).isEmpty());
        assertArrayEquals(
                new int[] {0, 1}, MustDropFilter.keepBudget(attn, protect, 2).representatives());
    }

    @Test
    void toDreRemovesIrrelevantTokensOrAllOfThem() {
        float[][] attn = {{0.50f, 0.30f, 0.19f, 0.01f}};
        // threshold 0.1 x 1/4 = 0.025: token 3 removed
        assertArrayEquals(
                new int[] {0, 1, 2},
                ToDreRelevance.relevance(attn, 0.1f, 0.05f).orElseThrow().representatives());
        float[][] faint = {{0.01f, 0.01f, 0.01f, 0.01f}};
        assertTrue(ToDreRelevance.relevance(faint, 0.1f, 0.05f).isEmpty());
    }
}
