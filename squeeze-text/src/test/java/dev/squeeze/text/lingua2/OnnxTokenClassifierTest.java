package dev.squeeze.text.lingua2;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.TokenCounter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ONNX path end to end on a hand-built 2-label model (src/test/resources/lingua2/make_tiny_classifier.py):
 * logits (0, id - 6.5), so P(keep | id) = sigmoid(id - 6.5), with a hand-written WordPiece tokenizer.json.
 */
class OnnxTokenClassifierTest {
    static OnnxTokenClassifier model;

    @BeforeAll
    static void load() throws Exception {
        Path dir = Path.of(OnnxTokenClassifierTest.class
                        .getResource("/lingua2/tiny-classifier.onnx")
                        .toURI())
                .getParent();
        model = OnnxTokenClassifier.load(dir.resolve("tiny-classifier.onnx"), dir.resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        if (model != null) model.close();
    }

    static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    @Test
    void probabilitiesAreTheSoftmaxOfTheModelLogitsWithoutSpecialTokens() {
        List<String> tokens = model.tokenize("the cats sat");
        assertEquals(List.of("the", "cat", "##s", "sat"), tokens);
        assertEquals(SubwordScheme.WORDPIECE, model.scheme());
        float[] p = model.keepProbabilities(List.of(tokens))[0];
        int[] ids = {4, 5, 10, 6};
        assertEquals(4, p.length, "[CLS] and [SEP] excluded");
        for (int i = 0; i < 4; i++) assertEquals(sigmoid(ids[i] - 6.5), p[i], 1e-6);
    }

    @Test
    void thresholdModeEndToEnd() {
        var c = new LlmLingua2Compressor(
                model, LlmLingua2Compressor.Settings.reference().withThreshold(0.5));
        // the .076 cat .182 sat .378 on .622 the .076 mat .818 . .924 -> keep on mat .
        assertEquals(
                "on mat .",
                c.compress(CompressionRequest.builder("the cat sat on the mat.")
                                .rate(0.5)
                                .build())
                        .compressed());
        // "cats" = cat (.182) + ##s (.971): mean .577 > .5, kept as one word
        assertEquals(
                "cats",
                c.compress(CompressionRequest.builder("the cats sat").rate(0.5).build())
                        .compressed());
    }

    @Test
    void sentencePieceTokenizerMergesOnTheWordMarker() throws Exception {
        Path dir = Path.of(OnnxTokenClassifierTest.class
                        .getResource("/lingua2/tiny-classifier.onnx")
                        .toURI())
                .getParent();
        try (OnnxTokenClassifier xlmr =
                OnnxTokenClassifier.load(dir.resolve("tiny-classifier.onnx"), dir.resolve("tokenizer-unigram.json"))) {
            assertEquals(SubwordScheme.SENTENCEPIECE, xlmr.scheme());
            assertEquals(List.of("\u2581the", "\u2581cat", "s", "\u2581sat", "."), xlmr.tokenize("the cats sat."));
            // ids 4, 5, 10, 6, 9: "cats" = mean(sigmoid(-1.5), sigmoid(3.5)) = .577 > .5; "." .924; "the" .076, "sat"
            // .378
            var c = new LlmLingua2Compressor(
                    xlmr, LlmLingua2Compressor.Settings.reference().withThreshold(0.5));
            assertEquals(
                    "cats.",
                    c.compress(CompressionRequest.builder("the cats sat.")
                                    .rate(0.5)
                                    .build())
                            .compressed());
        }
    }

    @Test
    void percentileModeEndToEnd() {
        String text = "the cat sat on the mat.";
        assertEquals(7, TokenCounter.cl100k().count(text));
        // target round(0.5 * 7) = 4 -> rate 4/7, reduce 3/7 -> q = int(100 * 3/7 + 1) = 43; each word is one cl100k
        // token; sorted probs [.076 .076 .182 .378 .622 .818 .924], virtual index 7*.43 + .57 - 1 = 2.58 ->
        // .378 - (.378 - .182) * .42 = .296 -> keep sat on mat .
        var c = new LlmLingua2Compressor(model, LlmLingua2Compressor.Settings.reference());
        assertEquals(
                "sat on mat .",
                c.compress(CompressionRequest.builder(text).rate(0.5).build()).compressed());
    }
}
