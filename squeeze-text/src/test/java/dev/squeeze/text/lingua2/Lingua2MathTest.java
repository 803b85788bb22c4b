package dev.squeeze.text.lingua2;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Expected values computed by hand and checked with numpy 2 (np.percentile, default linear method). */
class Lingua2MathTest {
    @Test
    void percentileMatchesNumpyLinear() {
        assertEquals(2.5, Lingua2Math.percentile(new double[] {1, 2, 3, 4}, 50), 1e-15);
        assertEquals(0.516, Lingua2Math.percentile(new double[] {0.1, 0.9, 0.5, 0.3}, 68), 1e-15);
        assertEquals(0.6825, Lingua2Math.percentile(new double[] {0.2, 0.6, 0.6, 1.0, 0.75, 0.75}, 51), 1e-15);
        assertEquals(0.436, Lingua2Math.percentile(new double[] {0.3, 0.7, 0.1}, 67), 1e-15);
        assertEquals(5.0, Lingua2Math.percentile(new double[] {5}, 37));
        assertEquals(9.0, Lingua2Math.percentile(new double[] {3, 9, 1}, 100));
        assertEquals(1.0, Lingua2Math.percentile(new double[] {3, 9, 1}, 0));
        assertThrows(IllegalArgumentException.class, () -> Lingua2Math.percentile(new double[0], 50));
        assertThrows(IllegalArgumentException.class, () -> Lingua2Math.percentile(new double[] {1}, 101));
    }

    @Test
    void keepPercentileHasThePlusOneAndPythonFloatTruncation() {
        // Python: int(100 * (1 - 0.33) + 1) == 68, int(100 * 0.5 + 1) == 51, int(100 * (1 - 0.1) + 1) == 91
        assertEquals(68, Lingua2Math.keepPercentile(1 - 0.33));
        assertEquals(51, Lingua2Math.keepPercentile(1 - 0.5));
        assertEquals(91, Lingua2Math.keepPercentile(1 - 0.1));
        assertEquals(81, Lingua2Math.keepPercentile(1 - 0.2));
    }

    @Test
    void chunksEndAtTheLastEndTokenWithinTheWindow() {
        List<String> t = List.of("a", ".", "b", "c", ".", "d", "e");
        List<int[]> r = Lingua2Math.chunkRanges(t, Set.of("."), 3);
        assertEquals(3, r.size());
        assertArrayEquals(new int[] {0, 2}, r.get(0));
        assertArrayEquals(new int[] {2, 5}, r.get(1));
        assertArrayEquals(new int[] {5, 7}, r.get(2));
        // No end token: the reference's window is maxLen + 1 tokens.
        List<int[]> q = Lingua2Math.chunkRanges(List.of("x", "x", "x", "x", "x", "x", "x"), Set.of("."), 3);
        assertArrayEquals(new int[] {0, 4}, q.get(0));
        assertArrayEquals(new int[] {4, 7}, q.get(1));
    }

    @Test
    void wordsMergeSubwordsWithForcedTokensAndDigits() {
        List<String> tokens = List.of("\u2581The", "\u2581cat", "s", ",", "\u258142", "kg");
        float[] p = {0.2f, 0.8f, 0.4f, 0.1f, 0.3f, 0.5f};
        Lingua2Math.Words w = Lingua2Math.mergeToWords(tokens, p, SubwordScheme.SENTENCEPIECE, Set.of(","), true);
        assertEquals(List.of("\u2581The", "\u2581cats", ",", "\u258142kg"), w.words());
        double[] wp = Lingua2Math.wordProbs(w.probs(), false);
        assertArrayEquals(new double[] {0.2f, (0.8f + (double) 0.4f) / 2, 1.0, (1.0 + 0.5) / 2}, wp, 1e-7);
        assertArrayEquals(
                new double[] {0.8f, 0.8f}, w.probsNoForce().get(1), 0.0, "reference quirk: stale prob_no_force");
        assertEquals(0.1f, w.probsNoForce().get(2)[0], 0.0);
        assertArrayEquals(new double[] {0.2f, 0.8f, 1.0, 1.0}, Lingua2Math.wordProbs(w.probs(), true), 1e-7);
    }

    @Test
    void wordPieceMergesHashPieces() {
        Lingua2Math.Words w = Lingua2Math.mergeToWords(
                List.of("Hel", "##lo", "world", "##s"),
                new float[] {0.5f, 0.7f, 0.2f, 0.4f},
                SubwordScheme.WORDPIECE,
                Set.of(),
                false);
        assertEquals(List.of("Hello", "worlds"), w.words());
        assertEquals("Hello worlds", SubwordScheme.WORDPIECE.detokenize(List.of("Hel", "##lo", "worlds")));
        assertEquals(
                "cats on mats",
                SubwordScheme.SENTENCEPIECE.detokenize(List.of("\u2581cats", "\u2581on", "\u2581mat", "s")));
    }

    @Test
    void thresholdOverRepeatedTokenProbabilities() {
        // words' probabilities [0.2, 0.6, 1.0, 0.75] repeated [1, 2, 1, 2] times; reduce 0.5 -> q = 51 -> 0.6825
        double thr = Lingua2Math.chunkThreshold(
                List.of("a", "b", "c", "d"), new double[] {0.2, 0.6, 1.0, 0.75}, new int[] {1, 2, 1, 2}, 0.5);
        assertEquals(0.6825, thr, 1e-12);
        assertTrue(Lingua2Math.keep(0.75, thr));
        assertFalse(Lingua2Math.keep(0.6, thr));
        assertTrue(Lingua2Math.keep(1.0, 1.0), "p == 1 is kept when the threshold is 1");
        assertFalse(Lingua2Math.keep(0.9, 0.9));
    }

    @Test
    void dropConsecutiveZeroesRepeatedForceTokens() {
        double[] p = {0.9, 0.9, 0.1, 0.9};
        Lingua2Math.dropConsecutive(List.of("\n", "\n", "a", "\n"), p, Set.of("\n"), 0.5);
        assertArrayEquals(new double[] {0.9, 0.0, 0.1, 0.0}, p);
    }
}
