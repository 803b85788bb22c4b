package dev.squeeze.llm.format;

import dev.squeeze.llm.model.LayerWeights;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.LlamaWeights;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.Blocks;
import dev.squeeze.llm.quant.WeightTensor;
import dev.squeeze.llm.tokenizer.ByteLevelBpeTokenizer;
import dev.squeeze.llm.tokenizer.SentencePieceTokenizer;
import dev.squeeze.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Llama-family GGUF models (architectures "llama" incl. Mistral/SmolLM, and "qwen2" with q/k/v biases and
 * rotate-half RoPE). Tensors: token_embd, blk.N.{attn_norm, attn_q, attn_k, attn_v, attn_output, ffn_norm,
 * ffn_gate, ffn_down, ffn_up}, output_norm, output (absent = tied), rope_freqs (Llama-3.1 frequency
 * divisors, optional). The file stays mapped for the model's
 * life; quantised tensors are computed on the mapping.
 */
public final class GgufLoader {
    private GgufLoader() {}

    // The arena outlives this method on purpose: the model owns it and closes it (the mapping lives as long as the
    // model).
    @SuppressWarnings("MustBeClosedChecker")
    public static LlamaModel load(Path path, int threads) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MappedFile f = MappedFile.map(path, arena);
            GgufFile g = GgufFile.parse(f);
            String arch = g.string("general.architecture");
            if (!arch.equals("llama") && !arch.equals("qwen2") && !arch.equals("mistral")) {
                throw new IOException(
                        path + ": architecture '" + arch + "' is not supported (llama, mistral, qwen2 are)");
            }
            LlamaConfig c = config(g, arch);
            List<LayerWeights> layers = new ArrayList<>();
            for (int l = 0; l < c.nLayers(); l++) {
                String p = "blk." + l + ".";
                layers.add(new LayerWeights(
                        vector(g, p + "attn_norm.weight"),
                        matrix(g, p + "attn_q.weight"),
                        matrix(g, p + "attn_k.weight"),
                        matrix(g, p + "attn_v.weight"),
                        matrix(g, p + "attn_output.weight"),
                        optionalVector(g, p + "attn_q.bias"),
                        optionalVector(g, p + "attn_k.bias"),
                        optionalVector(g, p + "attn_v.bias"),
                        vector(g, p + "ffn_norm.weight"),
                        matrix(g, p + "ffn_gate.weight"),
                        matrix(g, p + "ffn_down.weight"),
                        matrix(g, p + "ffn_up.weight")));
            }
            WeightTensor emb = matrix(g, "token_embd.weight");
            WeightTensor cls = g.tensors().containsKey("output.weight") ? matrix(g, "output.weight") : emb;
            float[] ropeFreqs = g.tensors().containsKey("rope_freqs.weight") ? vector(g, "rope_freqs.weight") : null;
            LlamaWeights w = new LlamaWeights(emb, layers, vector(g, "output_norm.weight"), cls, ropeFreqs);
            Tokenizer tok = g.has("tokenizer.ggml.model") ? tokenizer(g) : null;
            try {
                return new LlamaModel(c, w, tok, arena, path.getFileName().toString(), threads);
            } catch (IllegalArgumentException e) {
                throw new IOException(path + ": " + e.getMessage(), e);
            }
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    static LlamaConfig config(GgufFile g, String arch) throws IOException {
        String a = arch + ".";
        int dim = intKey(g, a + "embedding_length");
        int heads = intKey(g, a + "attention.head_count");
        int kvHeads = g.has(a + "attention.head_count_kv") ? intKey(g, a + "attention.head_count_kv") : heads;
        int headDim =
                g.has(a + "attention.key_length") ? intKey(g, a + "attention.key_length") : dim / Math.max(1, heads);
        int vocab;
        GgufFile.TensorInfo emb = g.tensor("token_embd.weight");
        if (emb.dims().length != 2) throw new IOException(g.file().path() + ": token_embd.weight must be 2-D");
        vocab = Math.toIntExact(emb.dims()[1]);
        float eps = (float) g.real(a + "attention.layer_norm_rms_epsilon", 1e-5);
        float theta = (float) g.real(a + "rope.freq_base", 10000.0);
        RopeStyle style = arch.equals("qwen2") ? RopeStyle.HALF : RopeStyle.INTERLEAVED;
        try {
            return new LlamaConfig(
                    dim,
                    intKey(g, a + "feed_forward_length"),
                    intKey(g, a + "block_count"),
                    heads,
                    kvHeads,
                    vocab,
                    intKey(g, a + "context_length"),
                    headDim,
                    eps,
                    theta,
                    style,
                    null);
        } catch (IllegalArgumentException e) {
            throw new IOException(g.file().path() + ": bad model metadata: " + e.getMessage(), e);
        }
    }

    private static int intKey(GgufFile g, String key) throws IOException {
        long v = g.integer(key);
        if (v <= 0 || v > Integer.MAX_VALUE)
            throw new IOException(g.file().path() + ": metadata '" + key + "' = " + v + " is out of range");
        return (int) v;
    }

    static WeightTensor matrix(GgufFile g, String name) throws IOException {
        GgufFile.TensorInfo t = g.tensor(name);
        if (t.dims().length != 2)
            throw new IOException(
                    g.file().path() + ": tensor '" + name + "' must be 2-D, has " + t.dims().length + " dims");
        try {
            return WeightTensor.of(
                    t.type(),
                    g.file().segment(),
                    t.offset(),
                    Math.toIntExact(t.dims()[1]),
                    Math.toIntExact(t.dims()[0]),
                    name);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw new IOException(g.file().path() + " at offset " + t.offset() + ": " + e.getMessage(), e);
        }
    }

    static float[] vector(GgufFile g, String name) throws IOException {
        GgufFile.TensorInfo t = g.tensor(name);
        if (t.dims().length != 1) throw new IOException(g.file().path() + ": tensor '" + name + "' must be 1-D");
        if (!t.type().supported())
            throw new IOException(g.file().path() + ": tensor '" + name + "' has unsupported type " + t.type());
        int n = Math.toIntExact(t.dims()[0]);
        float[] out = new float[n];
        Blocks.dequantize(t.type(), g.file().segment(), t.offset(), out, 0, n);
        return out;
    }

    private static float[] optionalVector(GgufFile g, String name) throws IOException {
        return g.tensors().containsKey(name) ? vector(g, name) : null;
    }

    /** A BOS/EOS id: absent = -1 (none), else inside the vocabulary (a cast would silently wrap a u32 or u64 value). */
    private static int specialId(GgufFile g, String key, int vocab) throws IOException {
        long id = g.integer(key, -1);
        if (g.has(key) && (id < 0 || id >= vocab)) {
            throw new IOException(g.file().path() + ": metadata '" + key + "' = " + id
                    + " is outside the vocabulary [0, " + vocab + ")");
        }
        return (int) id;
    }

    /** The tokenizer described by tokenizer.ggml.* metadata. */
    static Tokenizer tokenizer(GgufFile g) throws IOException {
        String model = g.string("tokenizer.ggml.model");
        String[] tokens = g.strings("tokenizer.ggml.tokens");
        int bos = specialId(g, "tokenizer.ggml.bos_token_id", tokens.length);
        int eos = specialId(g, "tokenizer.ggml.eos_token_id", tokens.length);
        switch (model) {
            case "llama" -> {
                Object s = g.require("tokenizer.ggml.scores");
                if (!(s instanceof float[] scores) || scores.length != tokens.length) {
                    throw new IOException(
                            g.file().path() + ": tokenizer.ggml.scores must be " + tokens.length + " floats");
                }
                return new SentencePieceTokenizer(tokens, scores, bos, eos, "\u2581");
            }
            case "gpt2" -> {
                String[] merges = g.strings("tokenizer.ggml.merges");
                boolean[] special = new boolean[tokens.length];
                if (g.has("tokenizer.ggml.token_type")
                        && g.require("tokenizer.ggml.token_type") instanceof long[] types) {
                    for (int i = 0; i < Math.min(types.length, tokens.length); i++) special[i] = types[i] == 3;
                }
                String pre = g.has("tokenizer.ggml.pre") ? g.string("tokenizer.ggml.pre") : "default";
                String pattern = switch (pre) {
                    case "llama3", "llama-bpe", "smaug-bpe" -> ByteLevelBpeTokenizer.LLAMA3_PATTERN;
                    case "qwen2" -> ByteLevelBpeTokenizer.QWEN2_PATTERN;
                    default -> ByteLevelBpeTokenizer.GPT2_PATTERN;
                };
                try {
                    return new ByteLevelBpeTokenizer(tokens, merges, special, bos, eos, pattern);
                } catch (IllegalArgumentException e) {
                    throw new IOException(g.file().path() + ": bad tokenizer: " + e.getMessage(), e);
                }
            }
            default ->
                throw new IOException(
                        g.file().path() + ": tokenizer model '" + model + "' is not supported (llama, gpt2 are)");
        }
    }
}
