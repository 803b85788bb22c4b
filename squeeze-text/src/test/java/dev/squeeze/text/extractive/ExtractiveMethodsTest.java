package dev.squeeze.text.extractive;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.TokenCounter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtractiveMethodsTest {
    /** Bag of words over a fixed vocabulary: hand-computable cosines. */
    static Embedder bagOfWords(List<String> vocab) {
        return texts -> {
            float[][] out = new float[texts.size()][vocab.size()];
            for (int t = 0; t < texts.size(); t++) {
                for (String w : texts.get(t).toLowerCase(Locale.ROOT).split("[^a-z]+")) {
                    int i = vocab.indexOf(w);
                    if (i >= 0) out[t][i] += 1;
                }
            }
            return out;
        };
    }

    private static final String DOC =
            "Paris is the capital of France. Bananas are yellow. The Eiffel tower is in Paris.";

    @Test
    void extractiveKeepsTheMostRelevantSentencesInOriginalOrder() {
        var c = new ExtractiveCompressor(new EmbeddingSentenceScorer(
                bagOfWords(List.of("paris", "capital", "france", "bananas", "yellow", "eiffel", "tower"))));
        int s1 = TokenCounter.cl100k().count("Paris is the capital of France.");
        String one = c.compress(CompressionRequest.builder(DOC)
                        .targetTokens(s1 + 1)
                        .question("What is the capital of France?")
                        .build())
                .compressed();
        assertEquals("Paris is the capital of France.", one);
        // cos(q, s3) = 0 for "capital of France"; ask about Paris: s1 (paris) = 1/sqrt(3), s3 (paris, eiffel, tower) =
        // 1/sqrt(3), bananas 0
        int s3 = TokenCounter.cl100k().count("The Eiffel tower is in Paris.");
        String two = c.compress(CompressionRequest.builder(DOC)
                        .targetTokens(s1 + s3 + 2)
                        .question("Paris")
                        .build())
                .compressed();
        assertEquals("Paris is the capital of France. The Eiffel tower is in Paris.", two);
    }

    @Test
    void extractiveKeepsSentencesWithForcedNumbersAndRefusesAnEmptyResult() {
        var c = new ExtractiveCompressor(
                new EmbeddingSentenceScorer(bagOfWords(List.of("paris", "capital", "france"))));
        String doc = "Paris is the capital of France. The tower opened in 1889. Bananas are yellow.";
        int s2 = TokenCounter.cl100k().count("The tower opened in 1889.");
        String out = c.compress(CompressionRequest.builder(doc)
                        .targetTokens(s2 + 1)
                        .question("capital of France")
                        .forced(dev.squeeze.text.ForcedContent.numbersAndUrls())
                        .build())
                .compressed();
        assertEquals("The tower opened in 1889.", out);
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> c.compress(CompressionRequest.builder(doc).targetTokens(3).build()));
        assertTrue(e.getMessage().contains("no sentence fits"), e.getMessage());
    }

    @Test
    void tcraDropsTheWordWhoseRemovalMovesTheEmbeddingLeast() {
        Embedder e = texts -> {
            Map<String, float[]> v =
                    Map.of("alpha", new float[] {1, 0}, "beta", new float[] {0.1f, 0.1f}, "gamma", new float[] {0, 1});
            float[][] out = new float[texts.size()][2];
            for (int t = 0; t < texts.size(); t++) {
                for (String w : texts.get(t).split(" ")) {
                    float[] x = v.get(w);
                    if (x != null) {
                        out[t][0] += x[0];
                        out[t][1] += x[1];
                    }
                }
            }
            return out;
        };
        // impacts: alpha 1 - 0.768, beta 1 - cos([1.1,1.1],[1,1]) = 0, gamma 0.232 -> beta goes first
        var c = new TcraCompressor(e);
        assertEquals(
                "alpha gamma",
                c.compress(CompressionRequest.builder("alpha beta gamma")
                                .targetTokens(2)
                                .build())
                        .compressed());
    }

    @Test
    void miniLmRanksTheAnsweringSentenceFirst() {
        var scorer = new EmbeddingSentenceScorer(new MiniLmEmbedder());
        float[] s = scorer.score(
                "What is the capital of France?",
                List.of(
                        "Bananas are yellow and rich in potassium.",
                        "Paris is the capital and largest city of France.",
                        "The stock market fell on Monday."));
        assertTrue(s[1] > s[0] && s[1] > s[2], java.util.Arrays.toString(s));
        assertTrue(s[1] > 0.5f, "MiniLM cosine of a paraphrase-level match: " + s[1]);
    }
}
