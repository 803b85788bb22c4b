package dev.squeeze.llm.format;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.llm.Stories;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.runtime.Generator;
import dev.squeeze.llm.runtime.Perplexity;
import dev.squeeze.llm.runtime.Sampler;
import dev.squeeze.llm.runtime.SessionOptions;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stories260K converted to GGUF by our writer, read back through the GGUF path. */
class GgufTest {

    @Test
    void f32GgufReproducesTheLlama2cModelExactly(@TempDir Path dir) throws IOException {
        Stories.assumeData();
        Path gguf = dir.resolve("stories260K-f32.gguf");
        try (LlamaModel ref = Stories.load()) {
            GgufWriter.fromModel(ref, GgmlType.F32).write(gguf);
            try (LlamaModel g = ModelLoader.load(gguf, null)) {
                assertEquals(ref.config(), g.config());
                // tokenizer from GGUF metadata (pieces with U+2581) encodes like tokenizer.bin
                String s = "Lily and Ben went to the park. They saw a big dog!";
                assertArrayEquals(ref.tokenizer().encode(s, true), g.tokenizer().encode(s, true));
                String text = Generator.generate(g, g.newSession(), "", 60, new Sampler(0, 0), x -> {})
                        .text();
                assertTrue(text.startsWith(Stories.GREEDY_PREFIX), text);
                List<int[]> paras = Stories.paragraphs(ref.tokenizer(), 100);
                double a = Perplexity.evaluate(ref, paras, 512, SessionOptions.defaults(), true)
                        .natsPerToken();
                double b = Perplexity.evaluate(g, paras, 512, SessionOptions.defaults(), true)
                        .natsPerToken();
                // same weights and kernels; 1e-7, not 0: the Vector API leaves the order of a lane reduction to the
                // implementation, and it differs between interpreted, C1 and C2 code, which the two runs meet at
                // different times
                assertEquals(a, b, 1e-7, "same fp32 weights, same arithmetic");
            }
        }
    }

    @Test
    void q8_0GgufStaysCloseToTheFp32Model(@TempDir Path dir) throws IOException {
        Stories.assumeData();
        Path gguf = dir.resolve("stories260K-q8_0.gguf");
        try (LlamaModel ref = Stories.load()) {
            GgufWriter.fromModel(ref, GgmlType.Q8_0).write(gguf);
            try (LlamaModel g = ModelLoader.load(gguf, null)) {
                assertEquals(GgmlType.Q8_0, g.weights().layers().get(0).wq().type());
                assertEquals(
                        GgmlType.F32, g.weights().layers().get(0).w2().type(), "hidden 172 is not a multiple of 32");
                String text = Generator.generate(g, g.newSession(), "", 40, new Sampler(0, 0), x -> {})
                        .text();
                assertTrue(text.startsWith("Once upon a time, there was a little girl named Lily."), text);
                List<int[]> paras = Stories.paragraphs(ref.tokenizer(), 100);
                double a = Perplexity.evaluate(ref, paras, 512, SessionOptions.defaults(), true)
                        .natsPerToken();
                double b = Perplexity.evaluate(g, paras, 512, SessionOptions.defaults(), true)
                        .natsPerToken();
                // measured: Q8_0 adds about 0.001 nats/token on this model
                assertEquals(a, b, 0.005);
                assertNotEquals(a, b, "quantisation must change something");
            }
        }
    }

    @Test
    void randomModelsOfAnyShapeLoadAndRun(@TempDir Path dir) throws IOException {
        LlamaConfig c = new LlamaConfig(64, 128, 2, 4, 2, 96, 64, 16, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null);
        for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.F16, GgmlType.BF16}) {
            Path p = dir.resolve("rand-" + t + ".gguf");
            GgufWriter.randomLlama(c, t, 1).write(p);
            try (Arena arena = Arena.ofConfined()) {
                GgufFile g = GgufFile.parse(MappedFile.map(p, arena));
                assertEquals(3, g.version());
                assertEquals("llama", g.string("general.architecture"));
                assertEquals(t, g.tensor("blk.1.ffn_down.weight").type());
                assertArrayEquals(
                        new long[] {128, 64}, g.tensor("blk.1.ffn_down.weight").dims());
                assertEquals(0, (g.tensor("output.weight").offset() - g.dataStart()) % 32);
            }
            try (LlamaModel m = ModelLoader.load(p, null)) {
                assertEquals(c, m.config());
                float[] logits = m.newSession().step(3);
                for (float v : logits) assertTrue(Float.isFinite(v));
            }
        }
    }

    @Test
    void kQuantModelsAreWrittenWithTheirFileTypeAndRunCloseToF32(@TempDir Path dir) throws IOException {
        LlamaConfig c = new LlamaConfig(256, 512, 2, 4, 2, 64, 32, 64, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null);
        int[] tokens = {1, 5, 9, 60, 33, 2, 17, 40};
        float[] want = logits(dir, c, GgmlType.F32, tokens);
        // rms of the logit differences to F32 over 8 positions (logits of this model are O(1)); Q4_0 is the 4-bit
        // baseline. Measured: Q4_0 0.088, Q4_K 0.081, Q6_K 0.017 (deterministic: fixed seeds)
        double previous = rms(logits(dir, c, GgmlType.Q4_0, tokens), want);
        for (var t : new Object[][] {{GgmlType.Q4_K, 14L}, {GgmlType.Q6_K, 18L}}) {
            GgmlType type = (GgmlType) t[0];
            double d = rms(logits(dir, c, type, tokens), want);
            try (Arena arena = Arena.ofConfined()) {
                GgufFile g = GgufFile.parse(MappedFile.map(dir.resolve("rand-" + type + ".gguf"), arena));
                assertEquals((long) t[1], g.integer("general.file_type"));
                assertEquals(type, g.tensor("blk.0.attn_q.weight").type());
            }
            assertTrue(d > 0, type + " must differ from F32");
            assertTrue(d < previous, type + " (" + d + ") must beat the coarser format (" + previous + ")");
            previous = d;
        }
        assertTrue(previous < 0.03, "Q6_K rms logit difference " + previous);
    }

    private static float[] logits(Path dir, LlamaConfig c, GgmlType type, int[] tokens) throws IOException {
        Path p = dir.resolve("rand-" + type + ".gguf");
        GgufWriter.randomLlama(c, type, 4).write(p);
        try (LlamaModel m = ModelLoader.load(p, null)) {
            return m.newSession().prefill(tokens, true).data().clone();
        }
    }

    private static double rms(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (double) (a[i] - b[i]);
        return Math.sqrt(s / a.length);
    }

    @Test
    void gpt2TokenizerFromMetadata(@TempDir Path dir) throws IOException {
        LlamaConfig c = new LlamaConfig(32, 64, 1, 2, 2, 266, 16, 16, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null);
        String[] vocab = new String[266];
        for (int b = 0; b < 256; b++)
            vocab[b] = String.valueOf(dev.squeeze.llm.tokenizer.ByteLevelBpeTokenizer.byteChar(b));
        String[] merged = {"he", "ll", "hell", "hello", "Ġw", "or", "Ġwor", "ld", "Ġworld", "<|begin_of_text|>"};
        System.arraycopy(merged, 0, vocab, 256, merged.length);
        int[] types = new int[266];
        java.util.Arrays.fill(types, 1);
        types[265] = 3;
        Path p = dir.resolve("bpe.gguf");
        GgufWriter.randomLlama(c, GgmlType.F32, 2)
                .putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", "llama-bpe")
                .putStrings("tokenizer.ggml.tokens", vocab)
                .putStrings(
                        "tokenizer.ggml.merges",
                        new String[] {"h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld"})
                .putInts("tokenizer.ggml.token_type", types)
                .putU32("tokenizer.ggml.bos_token_id", 265)
                .putU32("tokenizer.ggml.eos_token_id", 265)
                .write(p);
        try (LlamaModel m = ModelLoader.load(p, null)) {
            assertArrayEquals(new int[] {265, 259, 264}, m.tokenizer().encode("hello world", true));
            assertEquals("hello world", m.tokenizer().decode(new int[] {265, 259, 264}));
        }
    }

    @Test
    void unsupportedTypesAndBadHeadersAreNamed(@TempDir Path dir) throws IOException {
        LlamaConfig c = new LlamaConfig(32, 64, 1, 2, 2, 40, 16, 16, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null);
        Path p = dir.resolve("ok.gguf");
        GgufWriter.randomLlama(c, GgmlType.Q8_0, 1).write(p);
        byte[] bytes = Files.readAllBytes(p);
        // patch the type id of the first tensor (token_embd.weight) to Q4_1 (3), which is known but unsupported
        int at = indexOf(bytes, "token_embd.weight".getBytes()) + "token_embd.weight".length() + 4 + 16;
        assertEquals(GgmlType.Q8_0.id(), bytes[at]);
        bytes[at] = 3;
        Path bad = dir.resolve("q4_1.gguf");
        Files.write(bad, bytes);
        IOException e = assertThrows(IOException.class, () -> ModelLoader.load(bad, null));
        assertTrue(e.getMessage().contains("Q4_1") && e.getMessage().contains("q4_1.gguf"), e.getMessage());
        bytes[at] = 99;
        Files.write(bad, bytes);
        e = assertThrows(IOException.class, () -> ModelLoader.load(bad, null));
        assertTrue(
                e.getMessage().contains("unknown ggml type id 99")
                        && e.getMessage().contains("offset"),
                e.getMessage());
        Path cut = dir.resolve("cut.gguf");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(p), Files.readAllBytes(p).length - 100));
        e = assertThrows(IOException.class, () -> ModelLoader.load(cut, null));
        assertTrue(e.getMessage().contains("past the end of the file"), e.getMessage());
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
