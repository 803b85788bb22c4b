package dev.squeeze.text.lingua2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.core.data.SharedData;
import dev.squeeze.encoder.Architecture;
import dev.squeeze.encoder.testing.MiniLmFiles;
import dev.squeeze.encoder.testing.RandomEncoder;
import dev.squeeze.encoder.testing.SyntheticTokenizers;
import dev.squeeze.text.CompressionRequest;
import dev.squeeze.text.CompressorRegistry;
import dev.squeeze.text.PromptCompressor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LLMLingua-2 straight from Hugging Face files (pure-Java encoder) against the ONNX path (ONNX Runtime + DJL tokenizers)
 * on the same random-weight token classifier, written once as a Hugging Face folder (safetensors) and once as a
 * standard-op ONNX graph: same tokens, keep probabilities within 1e-5, the same compressed text (same keep decisions)
 * at several rates. mBERT-shaped (WordPiece, all-MiniLM's vocabulary) and XLM-R-shaped (Unigram + Precompiled
 * charsmap; lower-cased text, since that synthetic vocabulary has no capitals and the ONNX path refuses unknown pieces).
 */
class Lingua2HuggingFaceFolderTest {
    @TempDir
    Path tmp;

    private static List<String> essayChunks(int n, int chars) throws Exception {
        Path data = SharedData.locate().orElse(null);
        Assumptions.assumeTrue(data != null, "../shared/data not found");
        List<String> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(data.resolve("text/paul-graham-essays"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".txt"))
                    .sorted()
                    .limit(n)
                    .toList()) {
                String s = Files.readString(p, StandardCharsets.UTF_8);
                out.add(s.substring(0, Math.min(chars, s.length())));
            }
        }
        return out;
    }

    private void agree(Architecture arch, byte[] tokenizer, int vocab, boolean lower) throws Exception {
        RandomEncoder r = new RandomEncoder(arch, vocab, 32, 2, 4, 64, arch.robertaPositions() ? 514 : 512, 2, 21);
        Path dir = tmp.resolve(arch.name());
        r.write(dir, tokenizer, false);
        List<String> texts = essayChunks(4, 6000);
        if (lower) texts.replaceAll(t -> t.toLowerCase(Locale.ROOT));
        try (EncoderTokenClassifier java = EncoderTokenClassifier.load(dir, 2);
                OnnxTokenClassifier ort =
                        OnnxTokenClassifier.load(dir.resolve("model.onnx"), dir.resolve("tokenizer.json"))) {
            assertEquals(ort.scheme(), java.scheme());
            double worst = 0;
            int tokens = 0;
            for (String t : texts) {
                List<String> toks = java.tokenize(t);
                assertEquals(ort.tokenize(t), toks);
                List<List<String>> chunks = new ArrayList<>();
                for (int i = 0; i < toks.size(); i += 510) chunks.add(toks.subList(i, Math.min(toks.size(), i + 510)));
                float[][] a = java.keepProbabilities(chunks), b = ort.keepProbabilities(chunks);
                for (int c = 0; c < chunks.size(); c++) {
                    for (int i = 0; i < a[c].length; i++) worst = Math.max(worst, Math.abs(a[c][i] - b[c][i]));
                    tokens += a[c].length;
                }
            }
            assertTrue(worst <= 1e-5, arch + ": max |P(keep) difference| " + worst + " over " + tokens + " tokens");
            System.out.printf(
                    "LLMLingua-2 %s: folder vs ONNX path, %d tokens, max |P(keep) difference| %.3g%n",
                    arch, tokens, worst);
            var jc = new LlmLingua2Compressor(java, LlmLingua2Compressor.Settings.reference());
            var oc = new LlmLingua2Compressor(ort, LlmLingua2Compressor.Settings.reference());
            int differing = 0;
            for (String t : texts) {
                for (double rate : new double[] {0.5, 0.33, 0.2}) {
                    String x = jc.compress(
                                    CompressionRequest.builder(t).rate(rate).build())
                            .compressed();
                    String y = oc.compress(
                                    CompressionRequest.builder(t).rate(rate).build())
                            .compressed();
                    if (!x.equals(y)) differing++;
                    assertTrue(x.length() < t.length());
                }
            }
            assertEquals(0, differing, arch + ": compressed texts that differ between the two paths");
            System.out.printf(
                    "LLMLingua-2 %s: %d compressions (rates 0.5, 0.33, 0.2), all identical%n", arch, texts.size() * 3);
        }
    }

    @Test
    void bertFolderAgreesWithTheOnnxPath() throws Exception {
        agree(Architecture.BERT, Files.readAllBytes(MiniLmFiles.tokenizerJson()), 30522, false);
    }

    @Test
    void xlmRobertaFolderAgreesWithTheOnnxPath() throws Exception {
        byte[] tok = SyntheticTokenizers.unigram(MiniLmFiles.tokenizerJson(), 3);
        int vocab = dev.squeeze.encoder.tokenizer.HfTokenizer.parse(tok, "synthetic")
                .vocabSize();
        agree(Architecture.XLM_ROBERTA, tok, vocab, true);
    }

    @Test
    void factoryTakesAFolderAndRefusesANonClassifier() throws Exception {
        RandomEncoder r = new RandomEncoder(Architecture.BERT, 30522, 16, 1, 2, 32, 512, 2, 1);
        Path dir = tmp.resolve("factory");
        r.write(dir, Files.readAllBytes(MiniLmFiles.tokenizerJson()), false);
        PromptCompressor c =
                CompressorRegistry.load().create("llmlingua-2", Map.of("model", dir.toString(), "threads", "1"));
        assertEquals("llmlingua-2", c.method());
        assertTrue(c.compress(CompressionRequest.builder("The quick brown fox jumps over the lazy dog. ".repeat(20))
                                .rate(0.5)
                                .build())
                        .compressedTokens()
                > 0);
        Path plain = tmp.resolve("no-head");
        new RandomEncoder(Architecture.BERT, 30522, 16, 1, 2, 32, 512, 0, 1)
                .write(plain, Files.readAllBytes(MiniLmFiles.tokenizerJson()), false);
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> CompressorRegistry.load().create("llmlingua-2", Map.of("model", plain.toString())));
        assertTrue(e.getMessage().contains("is not a token classifier"), e.getMessage());
    }
}
