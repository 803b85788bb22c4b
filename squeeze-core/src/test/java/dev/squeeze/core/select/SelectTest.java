package dev.squeeze.core.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.core.transform.TokenTransform;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SelectTest {

    @Test
    void kCenterPicksTheFarthestPointFirst() {
        // points on a line: 0, 1, 2, 10; start at 0 -> farthest is 10, then 2 (dist to {0,10} = 2 > 1)... then 1
        FloatMatrix x = FloatMatrix.of(new float[][] {{0}, {1}, {2}, {10}});
        assertArrayEquals(new int[] {0, 3, 2, 1}, MaxMinDiversity.kCenter(x, 4, 0));
        assertArrayEquals(new int[] {1, 3}, MaxMinDiversity.kCenter(x, 2, 1));
    }

    @Test
    void divPruneFirstPickHasTheFarthestNearestNeighbour() {
        // three near-parallel vectors and one orthogonal: the orthogonal one is most isolated
        FloatMatrix x = FloatMatrix.of(new float[][] {{1, 0.01f}, {1, 0.02f}, {1, 0.03f}, {0, 1}});
        int[] pick = MaxMinDiversity.divPrune(x, 2);
        assertEquals(3, pick[0]);
        assertEquals(0, pick[1]); // farthest from {3}: smallest y component
    }

    @Test
    void divPruneOnTheGramBlockPicksWhatTheMaterialisedDistanceMatrixPicks() {
        // 150 x 70 tokens (ragged against every tile), a few exact and near duplicates for ties
        Random r = new Random(11);
        int n = 150, d = 70;
        FloatMatrix x = new FloatMatrix(n, d);
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) x.set(i, j, (float) r.nextGaussian());
        for (int j = 0; j < d; j++) {
            x.set(7, j, x.get(3, j));
            x.set(90, j, x.get(40, j) * 2f);
            x.set(120, j, x.get(41, j) + 1e-4f);
        }
        FloatMatrix dist = dev.squeeze.core.kernel.Similarity.fast().cosineGram(x);
        float[] dd = dist.data();
        for (int i = 0; i < dd.length; i++) dd[i] = 1f - dd[i];
        for (int k : new int[] {1, 2, 64, n}) {
            assertArrayEquals(MaxMinDiversity.fromDistances(dist, k, -1), MaxMinDiversity.divPrune(x, k), "k=" + k);
        }
    }

    @Test
    void runningMinSelectionEqualsNaiveQuadraticReference() {
        Random r = new Random(3);
        int n = 60, k = 17;
        FloatMatrix dist = new FloatMatrix(n, n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) {
                float v = r.nextFloat();
                dist.set(i, j, v);
                dist.set(j, i, v);
            }
        int[] fast = MaxMinDiversity.fromDistances(dist, k, -1);
        // the O(K^2 N) loop of the reference implementation
        int[] naive = new int[k];
        float bestNN = -1;
        for (int i = 0; i < n; i++) {
            float nn = Float.MAX_VALUE;
            for (int j = 0; j < n; j++) if (j != i) nn = Math.min(nn, dist.get(i, j));
            if (nn > bestNN) {
                bestNN = nn;
                naive[0] = i;
            }
        }
        for (int p = 1; p < k; p++) {
            float best = -1;
            for (int i = 0; i < n; i++) {
                boolean taken = false;
                for (int q = 0; q < p; q++) taken |= naive[q] == i;
                if (taken) continue;
                float mn = Float.MAX_VALUE;
                for (int q = 0; q < p; q++) mn = Math.min(mn, dist.get(i, naive[q]));
                if (mn > best) {
                    best = mn;
                    naive[p] = i;
                }
            }
        }
        assertArrayEquals(naive, fast);
    }

    @Test
    void tomeMergesTheMostSimilarPair() {
        // tokens: 0=[CLS], 1=a, 2=a' (near a), 3=b, 4=c, 5=d. A = {0,2,4}, B = {1,3,5}
        FloatMatrix x = FloatMatrix.of(
                new float[][] {{0, 0, 1}, {1, 0, 0}, {0.99f, 0.1f, 0}, {0, 1, 0}, {-1, 0.2f, 0}, {0.3f, -1, 0.1f}});
        TokenTransform t = BipartiteSoftMatching.merge(x, null, 1, true);
        assertEquals(5, t.outputCount());
        TokenSet out = t.apply(TokenSet.of(x), PositionMode.REPRESENTATIVE);
        // token 2 merged into token 1: output 1 = mean of rows 1 and 2, size 2
        assertArrayEquals(new int[] {1, 2}, out.provenance()[1]);
        assertEquals(2f, out.sizes()[1], 0f);
        assertArrayEquals(new float[] {0.995f, 0.05f, 0f}, out.tokens().row(1), 1e-6f);
        assertArrayEquals(new int[] {0}, out.provenance()[0]); // [CLS] untouched
        assertThrows(IllegalArgumentException.class, () -> BipartiteSoftMatching.merge(x, null, 3, true));
        assertEquals(6, BipartiteSoftMatching.merge(x, null, 0, true).outputCount());
        // non-finite metric entries are named with their row and column, also an infinity among huge values
        FloatMatrix bad = x.copy();
        bad.set(4, 2, Float.NaN);
        String msg = assertThrows(IllegalArgumentException.class, () -> BipartiteSoftMatching.merge(bad, null, 1, true))
                .getMessage();
        assertTrue(msg.contains("metric") && msg.contains("row 4") && msg.contains("column 2"), msg);
        bad.set(4, 2, 0f);
        bad.set(3, 0, Float.POSITIVE_INFINITY);
        bad.set(3, 1, 3e38f);
        msg = assertThrows(IllegalArgumentException.class, () -> BipartiteSoftMatching.merge(bad, null, 1, true))
                .getMessage();
        assertTrue(msg.contains("row 3") && msg.contains("column 0"), msg);
        FloatMatrix huge = x.copy();
        huge.set(3, 1, 3e38f); // finite, its square overflows: accepted, not reported as non-finite
        assertEquals(5, BipartiteSoftMatching.merge(huge, null, 1, true).outputCount());
    }

    @Test
    void dpcKnnFindsTwoSeparatedBlobs() {
        Random r = new Random(11);
        int n = 40;
        float[][] pts = new float[n][2];
        for (int i = 0; i < n; i++) {
            float cx = i < 20 ? -5f : 5f;
            pts[i][0] = cx + (float) r.nextGaussian() * 0.3f;
            pts[i][1] = (float) r.nextGaussian() * 0.3f;
        }
        DpcKnn.Clustering c = DpcKnn.cluster(FloatMatrix.of(pts), 2, 5);
        int first = c.assignment()[0];
        for (int i = 0; i < 20; i++) assertEquals(first, c.assignment()[i], "token " + i);
        for (int i = 20; i < 40; i++) assertNotEquals(first, c.assignment()[i], "token " + i);
        assertNotEquals(c.centers()[0] < 20, c.centers()[1] < 20, Arrays.toString(c.centers()));
        TokenTransform t = c.toTransform(null);
        assertArrayEquals(new float[] {20f, 20f}, t.applyToSizes(ones(n)), 0f);
    }

    @Test
    void topKAndBudgets() {
        float[] s = {0.1f, 0.9f, 0.5f, 0.9f, 0.2f};
        assertArrayEquals(new int[] {1, 3, 2}, TopK.topKIndices(s, 3));
        assertArrayEquals(new int[] {1, 2, 3}, TopK.topKSorted(s, 3));
        assertArrayEquals(new int[] {1, 3}, TopK.select(s, Budget.ratio(0.4)));
        assertEquals(1, TopK.argmax(s));
        assertThrows(IllegalArgumentException.class, () -> Budget.ratio(1.5));
        assertThrows(IllegalArgumentException.class, () -> Budget.ratio(0));
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> Budget.count(6).resolve(5))
                .getMessage()
                .contains("K = 6"));
        assertThrows(IllegalArgumentException.class, () -> TopK.topKIndices(new float[] {1, Float.NaN}, 1));
    }

    @Test
    void theThreeNamedResolutionsKeepEachFamilysRule() {
        // token sets: round, at least 1; a count above N is an error
        assertEquals(3, Budget.ratio(0.25).resolve(10)); // 2.5 rounds up
        assertEquals(1, Budget.ratio(0.01).resolve(10));
        assertThrows(IllegalArgumentException.class, () -> Budget.ratio(0.5).resolve(0));
        // KV heads: floor (0.3 x 10 is 3 despite 2.9999999999999996), at least 1, 0 for nothing held; a count caps at N
        assertEquals(2, Budget.ratio(0.25).resolveFloorCapped(10));
        assertEquals(3, Budget.ratio(0.3).resolveFloorCapped(10));
        assertEquals(1, Budget.ratio(0.01).resolveFloorCapped(10));
        assertEquals(0, Budget.ratio(0.5).resolveFloorCapped(0));
        assertEquals(5, Budget.count(8).resolveFloorCapped(5));
        assertEquals(0, Budget.count(8).resolveFloorCapped(0));
        // text targets: round, at least 1; a count as given, even above N
        assertEquals(3, Budget.ratio(0.25).resolveRoundedUncapped(10));
        assertEquals(1, Budget.ratio(0.25).resolveRoundedUncapped(0));
        assertEquals(800, Budget.count(800).resolveRoundedUncapped(100));
        assertThrows(IllegalArgumentException.class, () -> Budget.count(0));
    }

    @Test
    void proportionalAttentionAddsLogSizes() {
        float[] logits = {0f, 0f, 1f, 1f};
        ProportionalAttention.addLogSizes(logits, 2, new float[] {1f, 4f});
        assertArrayEquals(new float[] {0f, (float) Math.log(4), 1f, 1f + (float) Math.log(4)}, logits, 1e-6f);
    }

    private static float[] ones(int n) {
        float[] o = new float[n];
        Arrays.fill(o, 1f);
        return o;
    }
}
