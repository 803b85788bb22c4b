package dev.squeeze.vision.image;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.TestData;
import dev.squeeze.vision.cct.CctMethod;
import dev.squeeze.vision.cct.CctMethods;
import dev.squeeze.vision.image.attention.DiffRate;
import dev.squeeze.vision.image.attention.HiPrune;
import dev.squeeze.vision.image.attention.VisPruner;
import dev.squeeze.vision.image.attention.VisionZip;
import dev.squeeze.vision.image.pool.GridPooling;
import dev.squeeze.vision.image.similarity.MustDropWindows;
import dev.squeeze.vision.image.similarity.ToMeSchedule;
import dev.squeeze.vision.image.similarity.TokenTransforming;
import dev.squeeze.vision.model.CctModel;
import dev.squeeze.vision.model.ImagePreprocessor;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ImageMethodsTest {

    @Test
    void gridPoolingUsesTwoByTwoWindowsWhenTheyTile() {
        TokenTransform t = GridPooling.pool(16, 4, null);
        assertEquals(4, t.outputCount());
        assertArrayEquals(new int[] {0, 1, 4, 5}, t.rowSources(0));
        assertArrayEquals(new int[] {10, 11, 14, 15}, t.rowSources(3));
        assertArrayEquals(new float[] {0.25f, 0.25f, 0.25f, 0.25f}, t.rowWeights(0));
        // 16 -> 8: 1x2 windows along x
        assertArrayEquals(new int[] {0, 1}, GridPooling.pool(16, 8, null).rowSources(0));
        // 16 -> 12 is not a tiling: 1-D runs [floor(i*16/12), floor((i+1)*16/12))
        TokenTransform r = GridPooling.pool(16, 12, null);
        assertEquals(12, r.outputCount());
        assertArrayEquals(new int[] {0}, r.rowSources(0));
        assertArrayEquals(new int[] {1}, r.rowSources(1));
        assertArrayEquals(new int[] {2, 3}, r.rowSources(2));
    }

    @Test
    void tomeSchedulesHitTheBudget() {
        assertEquals(24, ToMeSchedule.mergesFor(ToMeSchedule.Schedule.CONSTANT, 256, 160, 0, 4));
        // linear: weights 4,3,2,1 of 10 -> ceil(96 * 4 / 10) = 39
        assertEquals(39, ToMeSchedule.mergesFor(ToMeSchedule.Schedule.LINEAR, 256, 160, 0, 4));
        assertEquals(0, ToMeSchedule.mergesFor(ToMeSchedule.Schedule.LINEAR, 160, 160, 3, 4));
        // capped at N/2
        assertEquals(50, ToMeSchedule.mergesFor(ToMeSchedule.Schedule.CONSTANT, 100, 10, 3, 4));
    }

    @Test
    void diffRatePlanRemovesExactlyTheBudgetAndMergesIntoTheMostSimilarKeptToken() {
        int[][] plan = DiffRate.forBudget(256, 64, 4);
        assertEquals(64, plan[3][1]);
        for (int[] p : plan) assertTrue(p[1] <= p[0]);
        // tokens 0 and 1 important; 2 is a copy of 1; 3 least important gets pruned
        FloatMatrix keys = FloatMatrix.of(new float[][] {{1, 0}, {0, 1}, {0, 1}, {1, 1}});
        TokenTransform t = DiffRate.pruneAndMerge(new float[] {0.9f, 0.8f, 0.5f, 0.1f}, keys, null, 3, 2);
        assertEquals(2, t.outputCount());
        assertArrayEquals(new int[] {0}, t.rowSources(0));
        assertArrayEquals(new int[] {1, 2}, t.rowSources(1));
    }

    @Test
    void diffRateFollowsGivenKeptCounts() throws IOException {
        CctModel m = TestData.model();
        float[] img = ImagePreprocessor.load(TestData.images(1).get(0));
        int[][] plan = {{240, 200}, {200, 180}, {170, 150}, {150, 100}};
        CctModel.Output o = m.forward(
                TokenSet.of(m.tokenize(img)),
                CctMethods.staged(new DiffRate(plan)).reducer(100));
        assertEquals(100, o.finalTokens().size());
        assertThrows(
                IllegalArgumentException.class, () -> new DiffRate(new int[][] {{240, 250}, {1, 1}, {1, 1}, {1, 1}}));
        assertThrows(
                IllegalArgumentException.class,
                () -> CctMethods.staged(new DiffRate(plan)).reducer(64));
    }

    @Test
    void visionZipSplitsDominantAndContextualTokens() {
        float[] cls = {0.5f, 0.1f, 0.1f, 0.1f, 0.1f, 0.1f};
        FloatMatrix keys = FloatMatrix.of(new float[][] {{1, 0}, {0, 1}, {0, 1}, {1, 0.1f}, {0, 1}, {1, 0}});
        TokenTransform t = VisionZip.reduce(cls, keys, null, 3);
        // 3 * 54/64 rounds to 3 -> at least one contextual: 2 dominant (0, 1), contextual targets among {2,3,4,5}
        assertEquals(3, t.outputCount());
        assertArrayEquals(new int[] {0}, t.rowSources(0));
        assertArrayEquals(new int[] {1}, t.rowSources(1));
        assertArrayEquals(new int[] {2, 3, 4, 5}, t.rowSources(2));
    }

    @Test
    void hiPruneTakesAnchorsBuffersThenRegisters() {
        float[] middle = new float[16];
        middle[5] = 1f; // anchor at (1,1): buffers 1, 4, 6, 9
        float[] deep = new float[16];
        deep[15] = 1f;
        deep[14] = 0.5f;
        float[] pos = new float[16];
        for (int i = 0; i < 16; i++) pos[i] = i;
        TokenTransform t = HiPrune.select(middle, deep, pos, 4, 7);
        assertArrayEquals(new int[] {1, 4, 5, 6, 9, 14, 15}, t.representatives());
    }

    @Test
    void visPrunerDropsDuplicatesFromTheDiverseSet() {
        float[] cls = {1f, 0.9f, 0f, 0f, 0f};
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 0}, {1, -1}, {0, 1}, {0, 1}, {1, 1}});
        TokenTransform t = VisPruner.select(cls, x, 4);
        // important {0, 1}; rest {2, 3, 4}: A = {2, 4}, B = {3}; 2 duplicates 3 -> dropped
        assertArrayEquals(new int[] {0, 1, 3, 4}, t.representatives());
    }

    @Test
    void mustDropMergesCoherentWindowsFirst() {
        float[][] rows = new float[16][];
        for (int i = 0; i < 16; i++) rows[i] = new float[] {(float) Math.cos(i), (float) Math.sin(i * 1.7), i % 3};
        for (int i : new int[] {0, 1, 4, 5}) rows[i] = new float[] {1, 1, 1}; // window 0 identical
        TokenTransform t = MustDropWindows.mergeWindows(FloatMatrix.of(rows), null, 13, 0.99f);
        assertEquals(13, t.outputCount());
        assertArrayEquals(new int[] {0, 1, 4, 5}, t.rowSources(0));
    }

    @Test
    void tokenTransformingRowsAreNormalisedAndConserveSize() {
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 0}, {0, 1}, {1, 0.2f}, {0.1f, 1}});
        TokenTransform t =
                TokenTransforming.transform(x, new float[] {1, 1, 1, 1}, new float[] {0.9f, 0.8f, 0.1f, 0.1f}, 2, 0.1f);
        FloatMatrix m = t.toDense();
        for (int k = 0; k < 2; k++) {
            float s = 0;
            for (int j = 0; j < 4; j++) s += m.get(k, j);
            assertEquals(1f, s, 1e-5f);
        }
        float[] sizes = t.applyToSizes(new float[] {1, 1, 1, 1});
        assertEquals(4f, sizes[0] + sizes[1], 1e-5f);
        assertTrue(m.get(0, 2) > m.get(1, 2), "token 2 resembles destination 0");
    }

    @Test
    void everyImageMethodLeavesExactlyTheBudgetOnARealImage() throws IOException {
        CctModel m = TestData.model();
        float[] img = ImagePreprocessor.load(TestData.images(1).get(0));
        float[] full = m.forward(img).logits();
        for (CctMethod method : CctMethods.image()) {
            for (int keep : new int[] {32, 64}) {
                CctModel.Output o = m.forward(TokenSet.of(m.tokenize(img)), method.reducer(keep));
                int left = o.finalTokens().size();
                // todre-2stage's stage 2 removes low-relevance tokens; dpcknn-kmeans drops a cluster that K-Means
                // empties
                if (method.name().equals("todre-2stage"))
                    assertTrue(left <= keep && left > 0, method.name() + ": " + left);
                else if (method.name().equals("dpcknn-kmeans"))
                    assertTrue(left <= keep && left >= keep / 2, method.name() + ": " + left);
                else assertEquals(keep, left, method.name());
                for (float v : o.logits()) assertTrue(Float.isFinite(v), method.name());
                float total = 0;
                for (float s : o.finalTokens().sizes()) total += s;
                assertTrue(total <= 256.001f, method.name() + " sizes sum " + total);
                if (java.util.Set.of("prunevid", "divprune-fold", "dpcknn-kmeans", "tome-encoder")
                        .contains(method.name())) {
                    assertEquals(256f, total, 1e-3f, method.name() + " merges: every token's mass is kept");
                }
            }
            if (method.name().equals("todre-2stage")) continue; // its stage 2 prunes even at K = N
            CctModel.Output same = m.forward(TokenSet.of(m.tokenize(img)), method.reducer(256));
            assertArrayEquals(full, same.logits(), 1e-4f, method.name() + " at keep = N must be the unreduced model");
        }
    }

    @Test
    void badBudgetsAreRejectedNamingTheMethod() throws IOException {
        CctModel m = TestData.model();
        float[] img = ImagePreprocessor.load(TestData.images(1).get(0));
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> m.forward(
                        TokenSet.of(m.tokenize(img)),
                        CctMethods.atEncoderOutput(new VisionZip()).reducer(300)));
        assertTrue(e.getMessage().contains("visionzip") && e.getMessage().contains("300"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GridPooling.pool(15, 4, null));
        assertThrows(IllegalArgumentException.class, () -> m.tokenize(new float[10]));
        float[] keysFloat = new float[4];
        Arrays.fill(keysFloat, 1f);
    }
}
