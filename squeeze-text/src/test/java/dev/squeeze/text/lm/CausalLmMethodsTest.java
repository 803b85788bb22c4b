package dev.squeeze.text.lm;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.TokenCounter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CausalLmMethodsTest {
    @Test
    void selectiveContextTokenLevelKeepsTokensAtOrAboveThePercentile() {
        // losses: a|<s> = -ln .5 = 0.693, b|a = -ln .9 = 0.105, c|b = -ln .01 = 4.605, d|c = -ln .1 = 2.303
        BigramLm lm = new BigramLm(Map.of("<s> a", 0.5, "a b", 0.9, "b c", 0.01, "c d", 0.1));
        var sc = new SelectiveContextCompressor(lm, SelectiveContextCompressor.Unit.TOKEN);
        // budget round(0.5 * 4) = 2 -> reduce 0.5 -> percentile 50 of the four = 1.498 -> keep c, d
        assertEquals(4, TokenCounter.cl100k().count("a b c d"));
        assertEquals(
                "c d",
                sc.compress(CompressionRequest.builder("a b c d").rate(0.5).build())
                        .compressed());
    }

    @Test
    void selectiveContextSentenceLevelSumsTokenInformation() {
        // sentence 1 "a b ." : 0.693 + 0.105 + (-ln .9 = 0.105) = 0.904 ; sentence 2 "c d ." : c|. default 4.605 +
        // 2.303 + 4.605
        BigramLm lm = new BigramLm(Map.of("<s> a", 0.5, "a b", 0.9, "b .", 0.9, "c d", 0.1));
        var sc = new SelectiveContextCompressor(lm, SelectiveContextCompressor.Unit.SENTENCE);
        String out = sc.compress(
                        CompressionRequest.builder("a b . c d .").rate(0.5).build())
                .compressed();
        assertEquals("c d .", out);
    }

    @Test
    void thresholdIsTheReferenceIndexIntoDescendingScores() {
        // sorted desc [5, 3, 2, 1], index max(0, min(3, int(4 * 0.5) - 1)) = 1 -> 3
        assertEquals(3f, LlmLinguaCompressor.threshold(new float[] {1, 5, 3, 2}, 0.5));
        assertEquals(5f, LlmLinguaCompressor.threshold(new float[] {1, 5, 3, 2}, 0.1));
        assertEquals(1f, LlmLinguaCompressor.threshold(new float[] {1, 5, 3, 2}, 1.0));
    }

    @Test
    void llmlinguaRanksByPerplexityAndLongLlmlinguaByQuestionLoss() {
        Map<String, Double> t = new HashMap<>();
        t.put("<s> a1", 0.9);
        t.put("a1 a2", 0.9); // context 0: low perplexity
        t.put("<s> b1", 0.2);
        t.put("b1 b2", 0.2); // context 1: medium
        // context 2 "c1 c2": default 0.01 twice -> highest perplexity
        t.put("b2 where", 0.9); // the question follows context 1 best
        BigramLm lm = new BigramLm(t);
        List<int[]> ids = List.of(lm.encode("a1 a2"), lm.encode("b1 b2"), lm.encode("c1 c2"));
        var ll = new LlmLinguaCompressor(lm, LlmLinguaCompressor.Settings.llmlingua());
        assertArrayEquals(new int[] {2, 1, 0}, ll.rank(ids, null, false));
        var lll = new LlmLinguaCompressor(lm, LlmLinguaCompressor.Settings.longLlmlingua());
        assertEquals(1, lll.rank(ids, "where", true)[0]);
    }

    @Test
    void iterativePruningKeepsTheTopIntNRatioMinusOneTokens() {
        // 40 words; ten "rare" words h0..h9 follow their predecessor with p = 0.001 / (1 + k), the rest with p = 0.9.
        Map<String, Double> t = new HashMap<>();
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 40; i++) words.add(i % 4 == 3 ? "h" + (i / 4) : "w" + i);
        for (int i = 1; i < 40; i++) {
            String w = words.get(i);
            t.put(
                    BigramLm.pair(words.get(i - 1), w),
                    w.startsWith("h") ? 0.001 / (1 + Integer.parseInt(w.substring(1))) : 0.9);
        }
        BigramLm lm = new BigramLm(t);
        String text = String.join(" ", words);
        int origin = TokenCounter.cl100k().count(text);
        double rate = 0.2;
        int target = (int) Math.round(rate * origin);
        double targetLm = target * (40.0 / origin);
        double tau = targetLm / (40 + 2 + 1.0);
        int k = (int) (40 * tau) - 1; // tokens with loss strictly above the k-th largest
        assertTrue(k >= 1 && k <= 9, "test setup: k = " + k);
        // the thresholds keep the k rarest, h9, h8, ... (largest losses); the exact cl100k fit then adds the next
        // rarest while the budget allows: the output is the m rarest in text order, m >= k, the largest m that fits
        var ll = new LlmLinguaCompressor(lm, LlmLinguaCompressor.Settings.llmlingua());
        String out =
                ll.compress(CompressionRequest.builder(text).rate(rate).build()).compressed();
        TokenCounter cl = TokenCounter.cl100k();
        int m = k;
        while (m < 10 && cl.count(rarest(words, m + 1)) <= target) m++;
        assertEquals(rarest(words, m), out);
        assertTrue(m > k, "the fit used the room the LM-token conversion left: " + m + " vs " + k);
        assertTrue(cl.count(out) <= target && target - cl.count(out) <= 0.02 * origin, cl.count(out) + " vs " + target);
    }

    /** The m words of highest loss (h9, h8, ...), in text order. */
    static String rarest(List<String> words, int m) {
        List<String> out = new ArrayList<>();
        for (String w : words) if (w.startsWith("h") && Integer.parseInt(w.substring(1)) >= 10 - m) out.add(w);
        return String.join(" ", out);
    }

    @Test
    void budgetIsMetInTheRequestsTokensOrTheCallFails() {
        // 60 distinct words of one cl100k token each, losses increasing along the text
        Map<String, Double> t = new HashMap<>();
        List<String> words = new ArrayList<>();
        for (int i = 0; i < 60; i++) words.add("w" + i);
        for (int i = 1; i < 60; i++) t.put(BigramLm.pair(words.get(i - 1), words.get(i)), 0.9 / (1 + i));
        BigramLm lm = new BigramLm(t);
        String text = String.join(" ", words);
        int origin = TokenCounter.cl100k().count(text);
        for (var c : List.of(
                new LlmLinguaCompressor(lm, LlmLinguaCompressor.Settings.llmlingua()),
                new SelectiveContextCompressor(lm, SelectiveContextCompressor.Unit.TOKEN))) {
            for (int budget : new int[] {10, 25, 40}) {
                var r = c.compress(
                        CompressionRequest.builder(text).targetTokens(budget).build());
                assertTrue(
                        r.compressedTokens() <= budget && budget - r.compressedTokens() <= 0.02 * origin,
                        c.method() + " kept " + r.compressedTokens() + " for " + budget + " of " + origin);
            }
        }
        // one sentence of 60 words cannot come within 0.02 of a 30-token budget: a clear error, not 60 or 0 tokens
        var sentences = new SelectiveContextCompressor(lm, SelectiveContextCompressor.Unit.SENTENCE);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> sentences.compress(
                        CompressionRequest.builder(text + " .").targetTokens(30).build()));
        assertTrue(
                e.getMessage()
                        .startsWith(
                                "selective-context: the closest fit of its units keeps 0 tokens for a budget of 30"),
                e.getMessage());
    }

    @Test
    void budgetControllerDropsLowRankedContextsAndKeepsOriginalOrder() {
        Map<String, Double> t = new HashMap<>();
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < 3; c++) {
            if (c > 0) sb.append("\n\n");
            for (int i = 0; i < 30; i++) {
                String w = "c" + c + "w" + i;
                sb.append(i == 0 ? "" : " ").append(w);
                // context 1 is the least predictable (highest perplexity); 0 and 2 are predictable
                if (i > 0) t.put(BigramLm.pair("c" + c + "w" + (i - 1), w), c == 1 ? 0.001 / (1 + i) : 0.8);
            }
        }
        BigramLm lm = new BigramLm(t);
        var s = new LlmLinguaCompressor.Settings(false, 200, 0, LlmLinguaCompressor.Reorder.ORIGINAL, 0.0, false);
        String out = new LlmLinguaCompressor(lm, s)
                .compress(CompressionRequest.builder(sb.toString()).rate(0.1).build())
                .compressed();
        assertFalse(out.isEmpty());
        for (String w : out.split("\\s+"))
            assertTrue(w.startsWith("c1"), "only the top-ranked context survives: " + out);
    }

    @Test
    void responseRecoveryRestoresWordsDroppedFromTheOriginal() {
        String original = "The meeting is with Dr. Alice Marie Johnson on Friday at noon";
        String compressed = "meeting Dr. Johnson Friday noon";
        String response = "You meet Dr. Johnson Friday noon";
        assertEquals(
                "You meet Dr. Alice Marie Johnson on Friday at noon",
                LlmLinguaCompressor.recoverResponse(original, compressed, response));
    }
}
