package dev.squeeze.llm.format;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.runtime.Session;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small generated model files whose metadata implies huge buffers (issue #16, class 1), and malformed
 * tokenizer.json files (class 9). Every buffer sized from metadata is checked against the heap budget
 * (3/4 of -Xmx) before it is allocated, and the error names the field, its value and the bytes it implies;
 * tokenizer errors name the JSON field.
 */
class LlmHostileInputTest {

    static LlamaConfig config(int dim, int hidden, int heads, int kvHeads, int vocab, int seqLen, int headDim) {
        return new LlamaConfig(
                dim, hidden, 1, heads, kvHeads, vocab, seqLen, headDim, 1e-5f, 10000f, RopeStyle.INTERLEAVED, null);
    }

    /** A random one-layer GGUF of config c, F16 (no block constraint on row lengths), head_dim written explicitly. */
    static Path gguf(Path dir, String name, LlamaConfig c) throws IOException {
        Path f = dir.resolve(name);
        GgufWriter.randomLlama(c, GgmlType.F16, 1)
                .putU32("llama.attention.key_length", c.headDim())
                .write(f);
        return f;
    }

    static void assertNames(Exception e, String... parts) {
        for (String p : parts) assertTrue(e.getMessage().contains(p), "'" + p + "' missing in: " + e.getMessage());
    }

    @Test
    void aHugeHeadDimIsRefusedBeforeItsRopeTableIsAllocated(@TempDir Path dir) throws IOException {
        // 200,000-wide heads on a 2-wide model: 3 MB of file, 26 GB of cos/sin table at 32,768 positions
        Path f = gguf(dir, "wide-heads.gguf", config(2, 2, 1, 1, 8, 32_768, 200_000));
        IOException e = assertThrows(IOException.class, () -> GgufLoader.load(f, 1));
        assertNames(e, "wide-heads.gguf", "head_dim", "200000", "RoPE", "bytes");
    }

    @Test
    void aHugeContextIsRefusedWhenASessionWouldAllocateIt(@TempDir Path dir) throws IOException {
        // 1,024 heads x 2^24 positions of attention scores: 68 GB for one session
        Path f = gguf(dir, "long-context.gguf", config(64, 64, 1024, 1024, 8, LlamaConfig.MAX_SIZE, 2));
        try (LlamaModel m = GgufLoader.load(f, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, m::newSession);
            assertNames(
                    e, "long-context.gguf", "seq_len", Integer.toString(LlamaConfig.MAX_SIZE), "n_heads 1024", "bytes");
        }
    }

    @Test
    void aHugeHiddenSizeIsRefusedAtTheFirstPrefillThatWouldNotFit(@TempDir Path dir) throws IOException {
        Path f = gguf(dir, "wide-ffn.gguf", config(2, 200_000, 1, 1, 8, 32_768, 2));
        try (LlamaModel m = GgufLoader.load(f, 1)) {
            Session s = m.newSession();
            s.prefill(new int[] {1, 2, 3}, false); // a short prompt fits
            s.reset();
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[16_384], false));
            assertNames(e, "wide-ffn.gguf", "hidden_dim 200000", "16384", "bytes");
        }
    }

    @Test
    void aHugeVocabularyIsRefusedWhenAllLogitsWouldNotFit(@TempDir Path dir) throws IOException {
        Path f = gguf(dir, "wide-vocab.gguf", config(2, 2, 1, 1, 400_000, 32_768, 2));
        try (LlamaModel m = GgufLoader.load(f, 1)) {
            Session s = m.newSession();
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> s.prefill(new int[16_384], true));
            assertNames(e, "vocab 400000", "16384", "logits");
            assertEquals(400_000, s.prefill(new int[16_384], false).cols(), "the last row's logits alone fit");
        }
    }

    @Test
    void aHugeContextInConfigJsonIsRefusedToo(@TempDir Path dir) throws IOException {
        int dim = 64, heads = 1024, hd = 2, vocab = 8;
        Map<String, float[]> t = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        SafetensorsTest.put(t, shapes, "model.embed_tokens.weight", new float[vocab * dim], vocab, dim);
        String p = "model.layers.0.";
        SafetensorsTest.put(t, shapes, p + "input_layernorm.weight", new float[dim], dim);
        for (String w : new String[] {"q", "k", "v"})
            SafetensorsTest.put(
                    t, shapes, p + "self_attn." + w + "_proj.weight", new float[heads * hd * dim], heads * hd, dim);
        SafetensorsTest.put(t, shapes, p + "self_attn.o_proj.weight", new float[dim * heads * hd], dim, heads * hd);
        SafetensorsTest.put(t, shapes, p + "post_attention_layernorm.weight", new float[dim], dim);
        for (String w : new String[] {"gate", "up"})
            SafetensorsTest.put(t, shapes, p + "mlp." + w + "_proj.weight", new float[dim * dim], dim, dim);
        SafetensorsTest.put(t, shapes, p + "mlp.down_proj.weight", new float[dim * dim], dim, dim);
        SafetensorsTest.put(t, shapes, "model.norm.weight", new float[dim], dim);
        SafetensorsTest.writeSafetensors(dir.resolve("model.safetensors"), t, shapes, false);
        Files.writeString(
                dir.resolve("config.json"),
                "{\"hidden_size\":64,\"intermediate_size\":64,\"num_hidden_layers\":1,"
                        + "\"num_attention_heads\":1024,\"head_dim\":2,\"vocab_size\":8,\"max_position_embeddings\":"
                        + LlamaConfig.MAX_SIZE + "}");
        try (LlamaModel m = SafetensorsLoader.load(dir, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, m::newSession);
            assertNames(e, "seq_len", Integer.toString(LlamaConfig.MAX_SIZE));
        }
    }

    @Test
    void headsTimesHeadDimMayNotOverflow() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> config(64, 64, 1 << 16, 1, 8, 64, 1 << 16));
        assertNames(e, "n_heads", "head_dim");
    }

    // ------------------------------------------------------------------ tokenizer.json

    static final JsonNode CONFIG;

    static {
        try {
            CONFIG = new ObjectMapper().readTree("{\"bos_token_id\":1,\"eos_token_id\":2}");
        } catch (IOException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static IOException badTokenizer(Path dir, String vocab, String merges, String added) throws IOException {
        String json = "{\"added_tokens\":" + added + ",\"pre_tokenizer\":{\"type\":\"Metaspace\"},"
                + "\"model\":{\"type\":\"BPE\",\"vocab\":" + vocab + ",\"merges\":" + merges + "}}";
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(f, json);
        return assertThrows(IOException.class, () -> HfTokenizerLoader.load(f, CONFIG), json);
    }

    static final String VOCAB = "{\"<unk>\":0,\"<s>\":1,\"</s>\":2,\"a\":3,\"b\":4,\"ab\":5}";

    @Test
    void malformedTokenizerJsonNamesTheField(@TempDir Path dir) throws IOException {
        assertNames(badTokenizer(dir, "{\"a\":2147483647}", "[]", "[]"), "model.vocab", "'a'", "2147483647");
        assertNames(badTokenizer(dir, "{\"a\":-5}", "[]", "[]"), "model.vocab", "'a'", "-5");
        assertNames(badTokenizer(dir, "{\"a\":\"three\"}", "[]", "[]"), "model.vocab", "'a'");
        assertNames(badTokenizer(dir, "{\"a\":1.5}", "[]", "[]"), "model.vocab", "'a'");
        assertNames(
                badTokenizer(dir, VOCAB, "[\"a b\"]", "[{\"id\":-1,\"content\":\"x\"}]"), "added_tokens[0].id", "-1");
        assertNames(
                badTokenizer(dir, VOCAB, "[\"a b\"]", "[{\"id\":9999999999,\"content\":\"x\"}]"), "added_tokens[0].id");
        assertNames(badTokenizer(dir, VOCAB, "[\"a b\"]", "[{\"content\":\"x\"}]"), "added_tokens[0].id");
        assertNames(badTokenizer(dir, VOCAB, "[[\"a\"]]", "[]"), "model.merges[0]");
        assertNames(badTokenizer(dir, VOCAB, "[[]]", "[]"), "model.merges[0]");
        assertNames(badTokenizer(dir, VOCAB, "[{\"a\":\"b\"}]", "[]"), "model.merges[0]");
        assertNames(badTokenizer(dir, VOCAB, "[\"a b\", 7]", "[]"), "model.merges[1]");
        assertNames(badTokenizer(dir, VOCAB, "{\"a\":\"b\"}", "[]"), "model.merges");
        assertNames(badTokenizer(dir, VOCAB, "[\"a b\"]", "{}"), "added_tokens");
    }

    @Test
    void aWellFormedTokenizerJsonStillLoads(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("tokenizer.json");
        Files.writeString(
                f,
                "{\"added_tokens\":[],\"pre_tokenizer\":{\"type\":\"Metaspace\"},"
                        + "\"model\":{\"type\":\"BPE\",\"vocab\":" + VOCAB + ",\"merges\":[\"a b\", [\"a\", \"b\"]]}}");
        assertEquals(6, HfTokenizerLoader.load(f, CONFIG).vocabSize());
    }

    @Test
    void anOversizedConfigJsonIsNotReadWhole(@TempDir Path dir) throws IOException {
        try (java.io.RandomAccessFile f =
                new java.io.RandomAccessFile(dir.resolve("config.json").toFile(), "rw")) {
            f.setLength(SafetensorsLoader.MAX_JSON_BYTES + 1); // sparse: nothing on disk
        }
        IOException e = assertThrows(IOException.class, () -> SafetensorsLoader.load(dir, 1));
        assertNames(e, "config.json", Long.toString(SafetensorsLoader.MAX_JSON_BYTES + 1));
    }

    @Test
    void ggufSpecialTokenIdsOutsideTheVocabularyAreNamed(@TempDir Path dir) throws IOException {
        LlamaConfig c = config(64, 96, 4, 2, 40, 32, 16);
        Path f = dir.resolve("bos.gguf");
        GgufWriter.randomLlama(c, GgmlType.Q8_0, 3)
                .putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", LoaderFuzzTest.pieces(40))
                .putFloats("tokenizer.ggml.scores", new float[40])
                .putU32("tokenizer.ggml.bos_token_id", 4_294_967_295L)
                .write(f);
        IOException e = assertThrows(IOException.class, () -> GgufLoader.load(f, 1));
        assertNames(e, "bos.gguf", "tokenizer.ggml.bos_token_id", "4294967295", "[0, 40)");
    }
}
