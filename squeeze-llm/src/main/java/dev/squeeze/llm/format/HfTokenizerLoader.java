package dev.squeeze.llm.format;

import com.fasterxml.jackson.databind.JsonNode;
import dev.squeeze.llm.tokenizer.ByteLevelBpeTokenizer;
import dev.squeeze.llm.tokenizer.SentencePieceTokenizer;
import dev.squeeze.llm.tokenizer.Tokenizer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Hugging Face tokenizer.json with a BPE model: byte-level (GPT-2 / Llama 3 / Qwen2: a ByteLevel
 * pre-tokenizer, optionally behind a Split regex, which is used as given) or SentencePiece-style
 * (Metaspace "▁" with byte fallback, as Llama 2 / Mistral): for those, a piece's merge rank becomes its
 * score (-rank), which orders merges the same way. BOS/EOS ids come from config.json.
 */
public final class HfTokenizerLoader {
    private HfTokenizerLoader() {}

    public static Tokenizer load(Path file, JsonNode config) throws IOException {
        JsonNode root = SafetensorsLoader.readJson(file);
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new IOException(file + ": tokenizer model type '" + model.path("type").asText() + "' is not supported (BPE is)");
        }
        JsonNode vocab = model.path("vocab");
        if (!vocab.isObject()) throw new IOException(file + ": model.vocab is not an object");
        int size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) size = Math.max(size, it.next().getValue().asInt() + 1);
        JsonNode added = root.path("added_tokens");
        for (JsonNode a : added) size = Math.max(size, a.path("id").asInt() + 1);
        if (size > 4_000_000) throw new IOException(file + ": vocabulary of " + size + " tokens is not plausible");
        String[] tokens = new String[size];
        boolean[] special = new boolean[size];
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            var e = it.next();
            int id = e.getValue().asInt(-1);
            if (id < 0) throw new IOException(file + ": token '" + e.getKey() + "' has a bad id " + e.getValue());
            tokens[id] = e.getKey();
        }
        for (JsonNode a : added) {
            int id = a.path("id").asInt();
            tokens[id] = a.path("content").asText();
            special[id] = a.path("special").asBoolean(false);
        }
        for (int i = 0; i < size; i++) if (tokens[i] == null) tokens[i] = "<unused" + i + ">";
        JsonNode mergesNode = model.path("merges");
        String[] merges = new String[mergesNode.size()];
        for (int i = 0; i < merges.length; i++) {
            JsonNode m = mergesNode.get(i);
            merges[i] = m.isArray() ? m.get(0).asText() + " " + m.get(1).asText() : m.asText();
        }
        int bos = config == null ? -1 : config.path("bos_token_id").asInt(-1);
        int eos = config == null ? -1 : config.path("eos_token_id").asInt(-1);
        String pre = root.path("pre_tokenizer").toString();
        boolean byteLevel = pre.contains("\"ByteLevel\"") || root.path("decoder").toString().contains("\"ByteLevel\"");
        if (byteLevel) {
            String pattern = ByteLevelBpeTokenizer.GPT2_PATTERN;
            JsonNode split = findSplitRegex(root.path("pre_tokenizer"));
            if (split != null) pattern = split.asText();
            try {
                return new ByteLevelBpeTokenizer(tokens, merges, special, bos, eos, pattern);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage(), e);
            }
        }
        float[] scores = new float[size];
        java.util.Map<String, Integer> ids = new java.util.HashMap<>();
        for (int i = 0; i < size; i++) ids.putIfAbsent(tokens[i], i);
        for (int r = 0; r < merges.length; r++) {
            String m = merges[r];
            int sp = m.indexOf(' ', 1);
            if (sp <= 0) throw new IOException(file + ": merge " + r + " ('" + m + "') is not two symbols");
            Integer id = ids.get(m.substring(0, sp) + m.substring(sp + 1));
            if (id != null && scores[id] == 0f) scores[id] = -(r + 1);
        }
        return new SentencePieceTokenizer(tokens, scores, bos, eos, "\u2581");
    }

    private static JsonNode findSplitRegex(JsonNode pre) {
        if (pre.isObject() && "Split".equals(pre.path("type").asText()) && pre.path("pattern").has("Regex")) {
            return pre.path("pattern").get("Regex");
        }
        for (JsonNode child : pre.path("pretokenizers")) {
            JsonNode r = findSplitRegex(child);
            if (r != null) return r;
        }
        return null;
    }
}
