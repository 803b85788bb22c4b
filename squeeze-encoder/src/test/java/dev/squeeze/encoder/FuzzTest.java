package dev.squeeze.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.encoder.io.SafetensorsFile;
import dev.squeeze.encoder.io.SafetensorsWriter;
import dev.squeeze.encoder.onnx.OnnxEncoderReader;
import dev.squeeze.encoder.onnx.OnnxGraph;
import dev.squeeze.encoder.testing.RandomEncoder;
import dev.squeeze.encoder.testing.SyntheticTokenizers;
import dev.squeeze.encoder.tokenizer.HfTokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loaders on damaged input: random byte flips, truncations and insertions of tokenizer.json, safetensors and ONNX
 * files either load or fail with an IOException naming the file; nothing else escapes, nothing hangs. A tokenizer that
 * loads must also encode text without failing.
 */
class FuzzTest {
    @TempDir
    Path tmp;

    private static byte[] mutate(byte[] src, Random rnd) {
        byte[] b = src.clone();
        switch (rnd.nextInt(4)) {
            case 0: {
                int flips = 1 + rnd.nextInt(8);
                for (int i = 0; i < flips; i++) b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
                return b;
            }
            case 1:
                return Arrays.copyOf(b, rnd.nextInt(b.length));
            case 2: {
                int at = rnd.nextInt(b.length), n = 1 + rnd.nextInt(16);
                byte[] out = new byte[b.length + n];
                System.arraycopy(b, 0, out, 0, at);
                for (int i = 0; i < n; i++) out[at + i] = (byte) "0123456789-\"[]{},:eE.".charAt(rnd.nextInt(21));
                System.arraycopy(b, at, out, at + n, b.length - at);
                return out;
            }
            default: {
                int at = rnd.nextInt(b.length);
                int n = Math.min(b.length - at, 1 + rnd.nextInt(32));
                byte[] out = new byte[b.length - n];
                System.arraycopy(b, 0, out, 0, at);
                System.arraycopy(b, at + n, out, at, b.length - at - n);
                return out;
            }
        }
    }

    /** A small tokenizer.json of each model type, so that mutations hit the structure rather than a huge vocabulary. */
    private static byte[][] smallTokenizers() throws IOException {
        String wordPiece = "{\"version\":\"1.0\",\"added_tokens\":[{\"id\":0,\"content\":\"[PAD]\",\"special\":true},"
                + "{\"id\":1,\"content\":\"[UNK]\",\"special\":true},{\"id\":2,\"content\":\"[CLS]\",\"special\":true},"
                + "{\"id\":3,\"content\":\"[SEP]\",\"special\":true}],\"normalizer\":{\"type\":\"BertNormalizer\",\"lowercase\":true},"
                + "\"pre_tokenizer\":{\"type\":\"BertPreTokenizer\"},\"post_processor\":{\"type\":\"BertProcessing\",\"sep\":[\"[SEP]\",3],"
                + "\"cls\":[\"[CLS]\",2]},\"model\":{\"type\":\"WordPiece\",\"unk_token\":\"[UNK]\",\"continuing_subword_prefix\":\"##\","
                + "\"max_input_chars_per_word\":100,\"vocab\":{\"[PAD]\":0,\"[UNK]\":1,\"[CLS]\":2,\"[SEP]\":3,\"the\":4,\"cat\":5,\"##s\":6,"
                + "\"sat\":7,\".\":8,\"on\":9,\"mat\":10}}}";
        java.util.Map<String, String> rules = new java.util.LinkedHashMap<>();
        rules.put("\uFB01", "fi");
        rules.put("\u00A0", " ");
        rules.put("o", "o");
        String charsmap =
                java.util.Base64.getEncoder().encodeToString(dev.squeeze.encoder.testing.CharsMapBuilder.build(rules));
        String unigram =
                "{\"version\":\"1.0\",\"added_tokens\":[{\"id\":0,\"content\":\"<s>\",\"special\":true},{\"id\":1,\"content\":\"</s>\","
                        + "\"special\":true},{\"id\":2,\"content\":\"<unk>\",\"special\":true}],\"normalizer\":{\"type\":\"Sequence\",\"normalizers\":["
                        + "{\"type\":\"Precompiled\",\"precompiled_charsmap\":\"" + charsmap
                        + "\"},{\"type\":\"Replace\",\"pattern\":{\"Regex\":\" {2,}\"},"
                        + "\"content\":\" \"}]},\"pre_tokenizer\":{\"type\":\"Metaspace\",\"replacement\":\"\u2581\",\"prepend_scheme\":\"always\","
                        + "\"split\":true},\"post_processor\":{\"type\":\"TemplateProcessing\",\"single\":[{\"SpecialToken\":{\"id\":\"<s>\",\"type_id\":0}},"
                        + "{\"Sequence\":{\"id\":\"A\",\"type_id\":0}},{\"SpecialToken\":{\"id\":\"</s>\",\"type_id\":0}}],\"special_tokens\":{\"<s>\":"
                        + "{\"id\":\"<s>\",\"ids\":[0],\"tokens\":[\"<s>\"]},\"</s>\":{\"id\":\"</s>\",\"ids\":[1],\"tokens\":[\"</s>\"]}}},"
                        + "\"model\":{\"type\":\"Unigram\",\"unk_id\":2,\"byte_fallback\":false,\"vocab\":[[\"<s>\",0.0],[\"</s>\",0.0],[\"<unk>\",0.0],"
                        + "[\"\u2581\",-1.5],[\"\u2581the\",-2.0],[\"\u2581cat\",-3.0],[\"s\",-2.5],[\"\u2581sat\",-3.1],[\"a\",-4.0],[\"t\",-4.1],"
                        + "[\"\u2581on\",-2.2],[\"\u2581mat\",-3.3],[\".\",-1.9],[\"fi\",-3.0],[\"o\",-4.4]]}}";
        byte[][] out = {wordPiece.getBytes(StandardCharsets.UTF_8), unigram.getBytes(StandardCharsets.UTF_8)};
        for (byte[] t : out)
            HfTokenizer.parse(t, "seed").encode("The cats sat on the mat.", true); // the seeds are valid
        return out;
    }

    @Test
    void tokenizerJsonFuzz() throws Exception {
        Random rnd = new Random(2024);
        int loaded = 0, refused = 0;
        for (byte[] seed : smallTokenizers()) {
            for (int i = 0; i < 1500; i++) {
                byte[] m = mutate(seed, rnd);
                HfTokenizer t;
                try {
                    t = HfTokenizer.parse(m, "fuzz.json");
                } catch (IOException e) {
                    assertTrue(e.getMessage().startsWith("fuzz.json"), e.getMessage());
                    refused++;
                    continue;
                }
                loaded++;
                try {
                    t.encode("The cats sat on the \uFB01ne mat.  Ok\u00A0o\u0308 [CLS] <s> x", true);
                } catch (IllegalArgumentException e) {
                    assertTrue(
                            e.getMessage().contains("unk_id"),
                            e.getMessage()); // a vocabulary without unk_id cannot encode 'x'
                }
            }
        }
        assertTrue(loaded > 100 && refused > 100, "loaded " + loaded + ", refused " + refused);
    }

    @Test
    void syntheticUnigramMutationsLoadOrFailCleanly() throws Exception {
        byte[] seed = SyntheticTokenizers.unigram(dev.squeeze.encoder.testing.MiniLmFiles.tokenizerJson(), 1);
        String s = new String(seed, StandardCharsets.UTF_8);
        int at = s.indexOf("\"precompiled_charsmap\"");
        Random rnd = new Random(5);
        for (int i = 0; i < 40; i++) { // damage the charsmap's base64 specifically
            StringBuilder sb = new StringBuilder(s);
            int p = at + 24 + rnd.nextInt(200);
            sb.setCharAt(p, "ABCDEFGHIJ+/=".charAt(rnd.nextInt(13)));
            try {
                HfTokenizer.parse(sb.toString().getBytes(StandardCharsets.UTF_8), "charsmap.json")
                        .encode("fuzz \uFB01 text", false);
            } catch (IOException e) {
                assertTrue(e.getMessage().contains("precompiled_charsmap"), e.getMessage());
            }
        }
    }

    @Test
    void safetensorsFuzz() throws Exception {
        Path f = tmp.resolve("seed.safetensors");
        new SafetensorsWriter()
                .put("a.weight", new float[] {1, 2, 3, 4, 5, 6}, 2, 3)
                .put("b.bias", new float[] {7, 8}, 2)
                .put("c", new float[12], 3, 4)
                .write(f, false);
        byte[] seed = Files.readAllBytes(f);
        try (SafetensorsFile ok = SafetensorsFile.open(f)) {
            assertEquals(3, ok.tensors().size());
            assertEquals(4f, ok.readFloats(ok.tensors().get("a.weight"))[3], 0f);
        }
        Random rnd = new Random(99);
        int loaded = 0, refused = 0;
        Path m = tmp.resolve("fuzz.safetensors");
        for (int i = 0; i < 2000; i++) {
            Files.write(m, mutate(seed, rnd));
            try (SafetensorsFile s = SafetensorsFile.open(m)) {
                for (SafetensorsFile.Tensor t : s.tensors().values()) {
                    try {
                        s.readFloats(t);
                    } catch (IOException e) {
                        assertTrue(e.getMessage().contains("fuzz.safetensors"), e.getMessage());
                    }
                }
                loaded++;
            } catch (IOException e) {
                assertTrue(e.getMessage().contains("fuzz.safetensors"), e.getMessage());
                refused++;
            }
        }
        assertTrue(loaded > 50 && refused > 50, "loaded " + loaded + ", refused " + refused);
    }

    @Test
    void onnxFuzz() throws Exception {
        RandomEncoder r = new RandomEncoder(Architecture.BERT, 50, 8, 1, 2, 16, 16, 0, 4);
        byte[] seed = r.onnx(false);
        assertEquals(
                8,
                OnnxEncoderReader.read(OnnxGraph.parse(seed, "seed.onnx"))
                        .config()
                        .hidden());
        Random rnd = new Random(7);
        int loaded = 0, refused = 0;
        for (int i = 0; i < 2000; i++) {
            byte[] m = mutate(seed, rnd);
            try {
                OnnxEncoderReader.Result res = OnnxEncoderReader.read(OnnxGraph.parse(m, "fuzz.onnx"));
                dev.squeeze.encoder.weights.WeightAssembler.assemble(res.config(), res.tensors());
                loaded++;
            } catch (IOException e) {
                assertTrue(e.getMessage().startsWith("fuzz.onnx"), e.getMessage());
                refused++;
            }
        }
        assertTrue(loaded > 20 && refused > 200, "loaded " + loaded + ", refused " + refused);
    }
}
