package dev.squeeze.llm.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.squeeze.llm.model.LayerWeights;
import dev.squeeze.llm.model.LlamaConfig;
import dev.squeeze.llm.model.LlamaModel;
import dev.squeeze.llm.model.LlamaWeights;
import dev.squeeze.llm.model.RopeScaling;
import dev.squeeze.llm.model.RopeStyle;
import dev.squeeze.llm.quant.Blocks;
import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.WeightTensor;
import dev.squeeze.llm.tokenizer.Tokenizer;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face Llama-family checkpoints: a folder with config.json, model.safetensors (or shards listed by
 * model.safetensors.index.json) and optionally tokenizer.json. Safetensors: u64 little-endian header
 * length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}},
 * then the data (offsets relative to its start). F32, F16 and BF16 are supported. HF stores q/k
 * projections for rotate-half RoPE, so these models run with {@link RopeStyle#HALF}; Qwen2's q/k/v biases
 * are read when present. Llama-3.1 {@code rope_scaling} (rope_type "llama3") is honoured.
 */
public final class SafetensorsLoader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 256L << 20;

    private SafetensorsLoader() {}

    /**
     * One tensor of a shard.
     *
     * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
     * maker nor its readers modify them.
     */
    public record Entry(String name, GgmlType type, long[] shape, long offset, long bytes, MappedFile file) {}

    // The arena outlives this method on purpose: the model owns it and closes it (the mapping lives as long as the
    // model).
    @SuppressWarnings("MustBeClosedChecker")
    public static LlamaModel load(Path path, int threads) throws IOException {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile))
            throw new IOException(dir + ": config.json is missing (needed beside the safetensors)");
        JsonNode cfg = readJson(configFile);
        Arena arena = Arena.ofShared();
        try {
            Map<String, Entry> tensors = new HashMap<>();
            java.util.Set<String> files = new java.util.TreeSet<>();
            Path index = dir.resolve("model.safetensors.index.json");
            if (path.getFileName().toString().endsWith(".index.json")) index = path;
            if (!Files.isDirectory(path) && path.getFileName().toString().endsWith(".safetensors")) {
                tensors.putAll(readShard(path, arena));
            } else if (Files.isRegularFile(index)) {
                JsonNode map = readJson(index).get("weight_map");
                if (map == null || !map.isObject()) throw new IOException(index + ": no \"weight_map\" object");
                Map<String, Map<String, Entry>> shards = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
                    var e = it.next();
                    String shard = e.getValue().asText();
                    if (shard.contains("/") || shard.contains("\\") || shard.startsWith(".")) {
                        throw new IOException(index + ": shard name '" + shard + "' must be a plain file name");
                    }
                    Map<String, Entry> s = shards.get(shard);
                    if (s == null) {
                        s = readShard(dir.resolve(shard), arena);
                        shards.put(shard, s);
                    }
                    Entry t = s.get(e.getKey());
                    if (t == null)
                        throw new IOException(index + ": tensor '" + e.getKey() + "' is mapped to " + shard
                                + " which does not hold it");
                    tensors.put(e.getKey(), t);
                }
            } else {
                tensors.putAll(readShard(dir.resolve("model.safetensors"), arena));
            }
            for (Entry e : tensors.values())
                files.add(e.file().path().getFileName().toString());
            if (files.isEmpty()) files.add("(no tensors)");
            Path where = dir.resolve(String.join(", ", files));
            LlamaConfig c = config(cfg, configFile);
            boolean tied = cfg.path("tie_word_embeddings").asBoolean(false) || !tensors.containsKey("lm_head.weight");
            List<LayerWeights> layers = new ArrayList<>();
            for (int l = 0; l < c.nLayers(); l++) {
                String p = "model.layers." + l + ".";
                layers.add(new LayerWeights(
                        vector(tensors, p + "input_layernorm.weight", where),
                        matrix(tensors, p + "self_attn.q_proj.weight", where),
                        matrix(tensors, p + "self_attn.k_proj.weight", where),
                        matrix(tensors, p + "self_attn.v_proj.weight", where),
                        matrix(tensors, p + "self_attn.o_proj.weight", where),
                        optional(tensors, p + "self_attn.q_proj.bias", where),
                        optional(tensors, p + "self_attn.k_proj.bias", where),
                        optional(tensors, p + "self_attn.v_proj.bias", where),
                        vector(tensors, p + "post_attention_layernorm.weight", where),
                        matrix(tensors, p + "mlp.gate_proj.weight", where),
                        matrix(tensors, p + "mlp.down_proj.weight", where),
                        matrix(tensors, p + "mlp.up_proj.weight", where)));
            }
            WeightTensor emb = matrix(tensors, "model.embed_tokens.weight", where);
            WeightTensor cls = tied ? emb : matrix(tensors, "lm_head.weight", where);
            LlamaWeights w = new LlamaWeights(emb, layers, vector(tensors, "model.norm.weight", where), cls);
            Path tokJson = dir.resolve("tokenizer.json");
            Tokenizer tok = Files.isRegularFile(tokJson) ? HfTokenizerLoader.load(tokJson, cfg) : null;
            try {
                return new LlamaModel(c, w, tok, arena, dir.getFileName().toString(), threads);
            } catch (IllegalArgumentException e) {
                throw new IOException(dir + ": " + e.getMessage(), e);
            }
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** config.json, the shard index and tokenizer.json are read whole: larger than this is not a model folder's JSON. */
    static final long MAX_JSON_BYTES = 256L << 20;

    static JsonNode readJson(Path p) throws IOException {
        long size = Files.size(p);
        if (size > MAX_JSON_BYTES)
            throw new IOException(
                    p + " is " + size + " bytes; a model folder's JSON files are at most " + MAX_JSON_BYTES);
        try {
            return JSON.readTree(p.toFile());
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(p + ": invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Parses one safetensors file's header; every offset is checked against the file. */
    public static Map<String, Entry> readShard(Path file, Arena arena) throws IOException {
        MappedFile f = MappedFile.map(file, arena);
        long n = f.i64(0, "safetensors header length");
        if (n < 2 || n > f.size() - 8 || n > MAX_HEADER) {
            throw f.error(0, "header length " + n + " does not fit in the file (" + f.size() + " bytes)");
        }
        JsonNode header;
        try {
            header = JSON.readTree(f.utf8(8, (int) n, "safetensors header"));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw f.error(8, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (header == null || !header.isObject()) throw f.error(8, "header is not a JSON object");
        long dataStart = 8 + n;
        long dataSize = f.size() - dataStart;
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            var e = it.next();
            String name = e.getKey();
            if (name.equals("__metadata__")) continue;
            JsonNode t = e.getValue();
            String dtype = t.path("dtype").asText("");
            GgmlType type = switch (dtype) {
                case "F32" -> GgmlType.F32;
                case "F16" -> GgmlType.F16;
                case "BF16" -> GgmlType.BF16;
                default ->
                    throw f.error(8, "tensor '" + name + "' has dtype '" + dtype + "' (F32, F16, BF16 are supported)");
            };
            JsonNode shape = t.path("shape");
            JsonNode offs = t.path("data_offsets");
            if (!shape.isArray() || !offs.isArray() || offs.size() != 2)
                throw f.error(8, "tensor '" + name + "' lacks shape or data_offsets");
            long[] dims = new long[shape.size()];
            long numel = 1;
            for (int i = 0; i < dims.length; i++) {
                dims[i] = shape.get(i).asLong(-1);
                if (dims[i] < 0 || (dims[i] > 0 && numel > dataSize / dims[i])) {
                    throw f.error(
                            8,
                            "tensor '" + name + "' shape " + shape + " does not fit in the data (" + dataSize
                                    + " bytes)");
                }
                numel *= dims[i];
            }
            long begin = offs.get(0).asLong(-1), end = offs.get(1).asLong(-1);
            if (begin < 0 || end < begin || end > dataSize) {
                throw f.error(
                        dataStart + Math.max(0, begin),
                        "tensor '" + name + "' data_offsets [" + begin + ", " + end
                                + "] fall outside the data section of " + dataSize + " bytes");
            }
            long want = numel * (type == GgmlType.F32 ? 4 : 2);
            if (end - begin != want) {
                throw f.error(
                        dataStart + begin,
                        "tensor '" + name + "' holds " + (end - begin) + " bytes but shape " + shape + " of " + dtype
                                + " needs " + want);
            }
            out.put(name, new Entry(name, type, dims, dataStart + begin, end - begin, f));
        }
        return out;
    }

    static LlamaConfig config(JsonNode cfg, Path file) throws IOException {
        try {
            int dim = req(cfg, "hidden_size", file);
            int heads = req(cfg, "num_attention_heads", file);
            int kv = cfg.has("num_key_value_heads") ? req(cfg, "num_key_value_heads", file) : heads;
            int headDim = cfg.hasNonNull("head_dim") ? req(cfg, "head_dim", file) : dim / heads;
            RopeScaling scaling = null;
            JsonNode rs = cfg.get("rope_scaling");
            if (rs != null && rs.isObject()) {
                String type = rs.path("rope_type").asText(rs.path("type").asText(""));
                if (!type.equals("llama3"))
                    throw new IOException(file + ": rope_scaling type '" + type + "' is not supported (llama3 is)");
                scaling = new RopeScaling(
                        (float) rs.path("factor").asDouble(8),
                        (float) rs.path("low_freq_factor").asDouble(1),
                        (float) rs.path("high_freq_factor").asDouble(4),
                        rs.path("original_max_position_embeddings").asInt(8192));
            }
            return new LlamaConfig(
                    dim,
                    req(cfg, "intermediate_size", file),
                    req(cfg, "num_hidden_layers", file),
                    heads,
                    kv,
                    req(cfg, "vocab_size", file),
                    req(cfg, "max_position_embeddings", file),
                    headDim,
                    (float) cfg.path("rms_norm_eps").asDouble(1e-6),
                    (float) cfg.path("rope_theta").asDouble(10000),
                    RopeStyle.HALF,
                    scaling);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    private static int req(JsonNode cfg, String key, Path file) throws IOException {
        JsonNode v = cfg.get(key);
        if (v == null || !v.canConvertToInt() || v.asInt() <= 0)
            throw new IOException(file + ": '" + key + "' must be a positive integer, got " + v);
        return v.asInt();
    }

    private static Entry entry(Map<String, Entry> t, String name, Path dir) throws IOException {
        Entry e = t.get(name);
        if (e == null) throw new IOException(dir + ": tensor '" + name + "' is missing");
        return e;
    }

    private static WeightTensor matrix(Map<String, Entry> t, String name, Path dir) throws IOException {
        Entry e = entry(t, name, dir);
        if (e.shape().length != 2) throw new IOException(e.file().path() + ": tensor '" + name + "' must be 2-D");
        return WeightTensor.of(
                e.type(),
                e.file().segment(),
                e.offset(),
                Math.toIntExact(e.shape()[0]),
                Math.toIntExact(e.shape()[1]),
                name);
    }

    private static float[] vector(Map<String, Entry> t, String name, Path dir) throws IOException {
        Entry e = entry(t, name, dir);
        if (e.shape().length != 1) throw new IOException(e.file().path() + ": tensor '" + name + "' must be 1-D");
        float[] out = new float[Math.toIntExact(e.shape()[0])];
        Blocks.dequantize(e.type(), e.file().segment(), e.offset(), out, 0, out.length);
        return out;
    }

    private static float[] optional(Map<String, Entry> t, String name, Path dir) throws IOException {
        return t.containsKey(name) ? vector(t, name, dir) : null;
    }
}
