package dev.squeeze.llm.format;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.llm.Stories;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.quant.WeightTensor;
import dev.squeeze.llm.runtime.Generator;
import dev.squeeze.llm.runtime.Sampler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** stories260K written as a Hugging Face folder (rotate-half q/k layout) gives the llama2.c model's logits. */
class SafetensorsTest {

    /** A minimal safetensors writer for tests: F32 or BF16 tensors in insertion order. */
    static void writeSafetensors(Path file, Map<String, float[]> tensors, Map<String, long[]> shapes, boolean bf16)
            throws IOException {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long off = 0;
        int width = bf16 ? 2 : 4;
        for (var e : tensors.entrySet()) {
            long n = e.getValue().length * (long) width;
            StringBuilder shape = new StringBuilder();
            for (long d : shapes.get(e.getKey()))
                shape.append(shape.isEmpty() ? "" : ",").append(d);
            h.append(",\"")
                    .append(e.getKey())
                    .append("\":{\"dtype\":\"")
                    .append(bf16 ? "BF16" : "F32")
                    .append("\",\"shape\":[")
                    .append(shape)
                    .append("],\"data_offsets\":[")
                    .append(off)
                    .append(",")
                    .append(off + n)
                    .append("]}");
            off += n;
        }
        h.append("}");
        byte[] header = h.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate((int) (8 + header.length + off)).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        for (float[] v : tensors.values()) {
            for (float x : v) {
                if (bf16) b.putShort((short) (Float.floatToRawIntBits(x) >>> 16));
                else b.putFloat(x);
            }
        }
        Files.write(file, b.array());
    }

    static float[] rows(WeightTensor t) {
        float[] out = new float[t.rows() * t.cols()];
        for (int r = 0; r < t.rows(); r++) t.copyRow(r, out, r * t.cols());
        return out;
    }

    /** Interleaved-pair rows (llama2.c) to rotate-half rows (HF): HF row (h, i) = row (h, 2i), (h, i + hd/2) = (h, 2i + 1). */
    static float[] toHalf(WeightTensor t, int heads, int hd) {
        float[] src = rows(t);
        float[] out = new float[src.length];
        int cols = t.cols();
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < hd / 2; i++) {
                System.arraycopy(src, (h * hd + 2 * i) * cols, out, (h * hd + i) * cols, cols);
                System.arraycopy(src, (h * hd + 2 * i + 1) * cols, out, (h * hd + i + hd / 2) * cols, cols);
            }
        }
        return out;
    }

    static void exportHf(LlamaModel m, Path dir, boolean sharded) throws IOException {
        LlamaConfig c = m.config();
        Map<String, float[]> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        var w = m.weights();
        put(a, shapes, "model.embed_tokens.weight", rows(w.tokenEmbedding()), c.vocabSize(), c.dim());
        for (int l = 0; l < c.nLayers(); l++) {
            var L = w.layers().get(l);
            String p = "model.layers." + l + ".";
            Map<String, float[]> t = l < 2 || !sharded ? a : b;
            put(t, shapes, p + "input_layernorm.weight", L.attnNorm(), c.dim());
            put(t, shapes, p + "self_attn.q_proj.weight", toHalf(L.wq(), c.nHeads(), c.headDim()), c.qDim(), c.dim());
            put(
                    t,
                    shapes,
                    p + "self_attn.k_proj.weight",
                    toHalf(L.wk(), c.nKvHeads(), c.headDim()),
                    c.kvDim(),
                    c.dim());
            put(t, shapes, p + "self_attn.v_proj.weight", rows(L.wv()), c.kvDim(), c.dim());
            put(t, shapes, p + "self_attn.o_proj.weight", rows(L.wo()), c.dim(), c.qDim());
            put(t, shapes, p + "post_attention_layernorm.weight", L.ffnNorm(), c.dim());
            put(t, shapes, p + "mlp.gate_proj.weight", rows(L.w1()), c.hiddenDim(), c.dim());
            put(t, shapes, p + "mlp.down_proj.weight", rows(L.w2()), c.dim(), c.hiddenDim());
            put(t, shapes, p + "mlp.up_proj.weight", rows(L.w3()), c.hiddenDim(), c.dim());
        }
        put(sharded ? b : a, shapes, "model.norm.weight", w.finalNorm(), c.dim());
        if (sharded) {
            writeSafetensors(dir.resolve("model-00001-of-00002.safetensors"), a, shapes, false);
            writeSafetensors(dir.resolve("model-00002-of-00002.safetensors"), b, shapes, false);
            StringBuilder idx = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
            boolean first = true;
            for (String k : a.keySet()) {
                idx.append(first ? "" : ",").append('"').append(k).append("\":\"model-00001-of-00002.safetensors\"");
                first = false;
            }
            for (String k : b.keySet()) idx.append(",\"").append(k).append("\":\"model-00002-of-00002.safetensors\"");
            Files.writeString(
                    dir.resolve("model.safetensors.index.json"),
                    idx.append("}}").toString());
        } else {
            writeSafetensors(dir.resolve("model.safetensors"), a, shapes, false);
        }
        Files.writeString(
                dir.resolve("config.json"),
                String.format(
                        java.util.Locale.ROOT,
                        "{\"model_type\":\"llama\",\"hidden_size\":%d,\"intermediate_size\":%d,\"num_hidden_layers\":%d,"
                                + "\"num_attention_heads\":%d,\"num_key_value_heads\":%d,\"vocab_size\":%d,\"max_position_embeddings\":%d,"
                                + "\"rms_norm_eps\":1e-05,\"rope_theta\":10000.0,\"tie_word_embeddings\":true,\"bos_token_id\":1,\"eos_token_id\":2}",
                        c.dim(),
                        c.hiddenDim(),
                        c.nLayers(),
                        c.nHeads(),
                        c.nKvHeads(),
                        c.vocabSize(),
                        c.seqLen()));
    }

    static void put(Map<String, float[]> t, Map<String, long[]> shapes, String name, float[] v, long... shape) {
        t.put(name, v);
        shapes.put(name, shape);
    }

    @Test
    void singleAndShardedFoldersGiveTheSameLogits(@TempDir Path tmp) throws IOException {
        Stories.assumeData();
        try (LlamaModel ref = Stories.load()) {
            int[] ids = ref.tokenizer().encode("Tom and Sue played with a ball in the garden.", true);
            float[][] want = new float[ids.length][];
            var s = ref.newSession();
            for (int t = 0; t < ids.length; t++) want[t] = s.step(ids[t]).clone();
            for (boolean sharded : new boolean[] {false, true}) {
                Path dir = Files.createDirectories(tmp.resolve(sharded ? "sharded" : "single"));
                exportHf(ref, dir, sharded);
                try (LlamaModel hf = ModelLoader.load(dir, Stories.tokenizer())) {
                    assertEquals(
                            dev.squeeze.llm.model.RopeStyle.HALF, hf.config().ropeStyle());
                    var hs = hf.newSession();
                    for (int t = 0; t < ids.length; t++) {
                        float[] got = hs.step(ids[t]);
                        for (int i = 0; i < got.length; i++)
                            assertEquals(
                                    want[t][i], got[i], 2e-4f, "sharded=" + sharded + " token " + t + " logit " + i);
                    }
                    String text = Generator.generate(hf, hf.newSession(), "", 40, new Sampler(0, 0), x -> {})
                            .text();
                    assertTrue(text.startsWith("Once upon a time, there was a little girl named Lily."), text);
                }
            }
        }
    }

    @Test
    void qwen2BiasesAreReadAndZeroBiasesChangeNothing(@TempDir Path tmp) throws IOException {
        Stories.assumeData();
        try (LlamaModel ref = Stories.load()) {
            Path dir = Files.createDirectories(tmp.resolve("q"));
            exportHf(ref, dir, false);
            Path plain = Files.createDirectories(tmp.resolve("plain"));
            exportHf(ref, plain, false);
            // rewrite with q/k/v biases: zero for the first file, non-zero v bias for a second
            Map<String, float[]> t = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                var entries = SafetensorsLoader.readShard(dir.resolve("model.safetensors"), arena);
                for (var e : entries.values()) {
                    float[] v = new float[(int) (e.bytes() / 4)];
                    java.lang.foreign.MemorySegment.copy(
                            e.file().segment(),
                            java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED,
                            e.offset(),
                            v,
                            0,
                            v.length);
                    t.put(e.name(), v);
                    shapes.put(e.name(), e.shape());
                }
            }
            LlamaConfig c = ref.config();
            for (int l = 0; l < c.nLayers(); l++) {
                put(t, shapes, "model.layers." + l + ".self_attn.q_proj.bias", new float[c.qDim()], c.qDim());
                put(t, shapes, "model.layers." + l + ".self_attn.k_proj.bias", new float[c.kvDim()], c.kvDim());
                put(t, shapes, "model.layers." + l + ".self_attn.v_proj.bias", new float[c.kvDim()], c.kvDim());
            }
            writeSafetensors(dir.resolve("model.safetensors"), t, shapes, false);
            int[] ids = ref.tokenizer().encode("A cat sat.", true);
            float[] a, b, d;
            try (LlamaModel m = ModelLoader.load(plain, null)) {
                a = m.newSession().prefill(ids, false).data();
            }
            try (LlamaModel m = ModelLoader.load(dir, null)) {
                assertNotNull(m.weights().layers().get(0).bv());
                b = m.newSession().prefill(ids, false).data();
            }
            // zero biases add exact zeros; what remains is the lane-reduction order of the few-token products, which
            // the
            // Vector API leaves to the compiler tier (a few ulps of logits near 10)
            for (int i = 0; i < a.length; i++)
                assertEquals(a[i], b[i], 1e-5f * Math.max(1f, Math.abs(a[i])), "logit " + i);
            java.util.Arrays.fill(t.get("model.layers.0.self_attn.v_proj.bias"), 0.5f);
            writeSafetensors(dir.resolve("model.safetensors"), t, shapes, false);
            try (LlamaModel m = ModelLoader.load(dir, null)) {
                d = m.newSession().prefill(ids, false).data();
            }
            float diff = 0;
            for (int i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - d[i]));
            assertTrue(diff > 1e-3f, "a v bias must change the logits, max diff " + diff);
        }
    }

    @Test
    void bf16WeightsStayClose(@TempDir Path tmp) throws IOException {
        Stories.assumeData();
        try (LlamaModel ref = Stories.load()) {
            Path dir = Files.createDirectories(tmp.resolve("bf16"));
            exportHf(ref, dir, false);
            Map<String, float[]> t = new LinkedHashMap<>();
            Map<String, long[]> shapes = new LinkedHashMap<>();
            try (var arena = java.lang.foreign.Arena.ofConfined()) {
                for (var e : SafetensorsLoader.readShard(dir.resolve("model.safetensors"), arena)
                        .values()) {
                    float[] v = new float[(int) (e.bytes() / 4)];
                    java.lang.foreign.MemorySegment.copy(
                            e.file().segment(),
                            java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED,
                            e.offset(),
                            v,
                            0,
                            v.length);
                    t.put(e.name(), v);
                    shapes.put(e.name(), e.shape());
                }
            }
            writeSafetensors(dir.resolve("model.safetensors"), t, shapes, true);
            try (LlamaModel m = ModelLoader.load(dir, Stories.tokenizer())) {
                assertEquals(
                        dev.squeeze.llm.quant.GgmlType.BF16,
                        m.weights().layers().get(0).wq().type());
                String text = Generator.generate(m, m.newSession(), "", 12, new Sampler(0, 0), x -> {})
                        .text();
                assertTrue(text.startsWith("Once upon a time"), text);
            }
        }
    }

    @Test
    void tokenizerJsonByteLevel(@TempDir Path tmp) throws IOException {
        StringBuilder vocab = new StringBuilder("{");
        for (int b = 0; b < 256; b++) {
            char ch = dev.squeeze.llm.tokenizer.ByteLevelBpeTokenizer.byteChar(b);
            String esc = ch == '"' ? "\\\"" : ch == '\\' ? "\\\\" : String.valueOf(ch);
            vocab.append(b == 0 ? "" : ",")
                    .append('"')
                    .append(esc)
                    .append("\":")
                    .append(b);
        }
        String[] merged = {"he", "ll", "hell", "hello", "Ġw", "or", "Ġwor", "ld", "Ġworld"};
        for (int i = 0; i < merged.length; i++)
            vocab.append(",\"").append(merged[i]).append("\":").append(256 + i);
        vocab.append("}");
        String json = "{\"added_tokens\":[{\"id\":265,\"content\":\"<|begin_of_text|>\",\"special\":true}],"
                + "\"pre_tokenizer\":{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":{\"Regex\":\" ?\\\\p{L}+|\\\\s+\"}},"
                + "{\"type\":\"ByteLevel\"}]},\"decoder\":{\"type\":\"ByteLevel\"},"
                + "\"model\":{\"type\":\"BPE\",\"vocab\":" + vocab
                + ",\"merges\":[\"h e\",\"l l\",[\"he\",\"ll\"],\"hell o\",\"Ġ w\",\"o r\",\"Ġw or\",\"l d\",\"Ġwor ld\"]}}";
        Path f = tmp.resolve("tokenizer.json");
        Files.writeString(f, json);
        var cfg = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("{\"bos_token_id\":265,\"eos_token_id\":265}");
        var tok = HfTokenizerLoader.load(f, cfg);
        assertArrayEquals(new int[] {265, 259, 264}, tok.encode("hello world", true));
        assertEquals("hello world", tok.decode(new int[] {265, 259, 264}));
    }
}
