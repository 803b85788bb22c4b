package dev.squeeze.core.select;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.core.transform.TokenTransform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * ToMe and DivPrune against their previous implementations (kept below as references, as they were before issue
 * #14's second round: a normalised copy split into A and B, a scalar argmax per row and a full ranking for ToMe; the
 * mirrored cosine Gram block with row maxima and an untaken-only scan for DivPrune), bit for bit: the same picks, the
 * same merged groups and weights, the same reduced tokens. Inputs are random, some with duplicated and scaled tokens
 * so that ties occur, at sizes that take the packed and parallel kernel paths. Both sides run once on the largest
 * input first: the row norms' lane reductions may round differently before and after the JIT compiles them (the
 * Vector API leaves their order open), which would compare two states of the JVM instead of two implementations.
 */
class ReducerEquivalenceTest {

    @org.junit.jupiter.api.BeforeAll
    static void compileBothSides() {
        FloatMatrix x = tokens(577, 768, 1, false);
        for (int i = 0; i < 12; i++) {
            previousTome(x, null, 16, true);
            BipartiteSoftMatching.merge(x, null, 16, true);
            previousDivPrune(x, 8);
            MaxMinDiversity.divPrune(x, 8);
        }
    }

    private static FloatMatrix tokens(int n, int d, long seed, boolean ties) {
        Random r = new Random(seed);
        FloatMatrix x = new FloatMatrix(n, d);
        for (int i = 0; i < x.data().length; i++) x.data()[i] = (float) r.nextGaussian();
        if (ties) {
            for (int i = 2; i + 5 < n; i += 7) {
                System.arraycopy(x.data(), (i + 1) * d, x.data(), (i + 3) * d, d); // exact duplicate
                for (int c = 0; c < d; c++) x.set(i + 5, c, 2f * x.get(i, c)); // same direction
            }
        }
        return x;
    }

    @Test
    void tomeMergesExactlyWhatThePreviousImplementationMerged() {
        int[][] cases = {
            {6, 3, 1}, {9, 16, 4}, {64, 40, 10}, {130, 100, 32}, {577, 768, 16}, {576, 200, 100}, {301, 64, 150}
        };
        for (int[] cs : cases) {
            int n = cs[0], d = cs[1], r = cs[2];
            for (boolean ties : new boolean[] {false, true}) {
                for (boolean protect : new boolean[] {true, false}) {
                    FloatMatrix x = tokens(n, d, 31L * n + d, ties);
                    float[] sizes = null;
                    if (ties) {
                        sizes = new float[n];
                        for (int i = 0; i < n; i++) sizes[i] = 1 + i % 3;
                    }
                    String what = n + "x" + d + " r=" + r + " ties=" + ties + " protect=" + protect;
                    TokenTransform expected = previousTome(x, sizes, r, protect);
                    TokenTransform actual = BipartiteSoftMatching.merge(x, sizes, r, protect);
                    assertSameTransform(expected, actual, what);
                    TokenSet in = TokenSet.of(x);
                    TokenSet e = expected.apply(in, PositionMode.REPRESENTATIVE),
                            a = actual.apply(in, PositionMode.REPRESENTATIVE);
                    assertArrayEquals(e.tokens().data(), a.tokens().data(), what);
                    assertArrayEquals(e.sizes(), a.sizes(), what);
                    assertArrayEquals(e.positions(), a.positions(), what);
                    assertArrayEquals(e.provenance(), a.provenance(), what);
                }
            }
        }
    }

    @Test
    void divPrunePicksExactlyWhatThePreviousImplementationPicked() {
        int[][] cases = {
            {1, 4, 1}, {2, 3, 2}, {65, 33, 20}, {150, 70, 64}, {300, 120, 64}, {576, 256, 64}, {200, 400, 200}
        };
        for (int[] cs : cases) {
            int n = cs[0], d = cs[1], k = cs[2];
            for (boolean ties : new boolean[] {false, true}) {
                FloatMatrix x = tokens(n, d, 17L * n + d, ties);
                assertArrayEquals(
                        previousDivPrune(x, k),
                        MaxMinDiversity.divPrune(x, k),
                        n + "x" + d + " k=" + k + " ties=" + ties);
            }
        }
    }

    private static void assertSameTransform(TokenTransform expected, TokenTransform actual, String what) {
        assertEquals(expected.sourceCount(), actual.sourceCount(), what);
        assertEquals(expected.outputCount(), actual.outputCount(), what);
        for (int k = 0; k < expected.outputCount(); k++) {
            assertArrayEquals(expected.rowSources(k), actual.rowSources(k), what + " row " + k);
            assertArrayEquals(expected.rowWeights(k), actual.rowWeights(k), what + " row " + k);
        }
        float[] ones = new float[expected.sourceCount()];
        Arrays.fill(ones, 1f);
        assertArrayEquals(expected.applyToSizes(ones), actual.applyToSizes(ones), what);
    }

    /** BipartiteSoftMatching.merge before the second round of issue #14 (its body, unchanged). */
    private static TokenTransform previousTome(FloatMatrix metric, float[] sizes, int r, boolean protectFirst) {
        int n = metric.rows();
        int na = (n + 1) / 2, nb = n / 2;
        int d = metric.cols();
        Similarity sim = Similarity.fast();
        float[] unit = sim.normalizeRows(metric, "metric").data();
        float[] a = new float[na * d];
        float[] b = new float[nb * d];
        for (int i = 0; i < na; i++) System.arraycopy(unit, (2 * i) * d, a, i * d, d);
        for (int j = 0; j < nb; j++) System.arraycopy(unit, (2 * j + 1) * d, b, j * d, d);
        float[] scores = sim.dotBlockParallel(new FloatMatrix(na, d, a), new FloatMatrix(nb, d, b))
                .data();
        float[] nodeMax = new float[na];
        int[] nodeIdx = new int[na];
        for (int i = 0; i < na; i++) {
            int best = 0;
            for (int j = 1; j < nb; j++) if (scores[i * nb + j] > scores[i * nb + best]) best = j;
            nodeIdx[i] = best;
            nodeMax[i] = scores[i * nb + best];
        }
        if (protectFirst) nodeMax[0] = Float.NEGATIVE_INFINITY;
        float[] ranked = nodeMax.clone();
        for (int i = 0; i < ranked.length; i++) if (ranked[i] == Float.NEGATIVE_INFINITY) ranked[i] = -Float.MAX_VALUE;
        int[] order = TopK.topKIndices(ranked, na);
        boolean[] merged = new boolean[na];
        List<List<Integer>> into = new ArrayList<>(nb);
        for (int j = 0; j < nb; j++) into.add(new ArrayList<>());
        for (int t = 0; t < r; t++) {
            int ai = order[t];
            merged[ai] = true;
            into.get(nodeIdx[ai]).add(2 * ai);
        }
        int[][] groups = new int[n - r][];
        int o = 0;
        for (int idx = 0; idx < n; idx++) {
            if (idx % 2 == 0) {
                if (!merged[idx / 2]) groups[o++] = new int[] {idx};
            } else {
                List<Integer> src = into.get(idx / 2);
                int[] g = new int[src.size() + 1];
                g[0] = idx;
                for (int s = 0; s < src.size(); s++) g[s + 1] = src.get(s);
                Arrays.sort(g);
                groups[o++] = g;
            }
        }
        return TokenTransform.merge(n, groups, sizes);
    }

    /** MaxMinDiversity.divPrune before the second round of issue #14: the mirrored Gram block, row maxima, plain scans. */
    private static int[] previousDivPrune(FloatMatrix x, int k) {
        Similarity sim = Similarity.fast();
        FloatMatrix cos = sim.cosineGram(x);
        int n = cos.rows();
        float[] c = cos.data();
        Kernels kern = sim.kernels();
        int first = 0;
        float best = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float nearest = Float.NEGATIVE_INFINITY;
            if (i > 0) nearest = kern.max(c, i * n, i);
            if (i < n - 1) nearest = Math.max(nearest, kern.max(c, i * n + i + 1, n - 1 - i));
            float nn = n == 1 ? 0f : 1f - nearest;
            if (nn > best) {
                best = nn;
                first = i;
            }
        }
        int[] picked = new int[k];
        boolean[] taken = new boolean[n];
        float[] minDist = new float[n];
        picked[0] = first;
        taken[first] = true;
        for (int i = 0; i < n; i++) minDist[i] = 1f - c[first * n + i];
        for (int p = 1; p < k; p++) {
            int arg = -1;
            float far = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++)
                if (!taken[i] && minDist[i] > far) {
                    far = minDist[i];
                    arg = i;
                }
            picked[p] = arg;
            taken[arg] = true;
            int row = arg * n;
            for (int i = 0; i < n; i++) minDist[i] = Math.min(minDist[i], 1f - c[row + i]);
        }
        return picked;
    }
}
