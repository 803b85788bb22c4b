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
            throw new IOException(
                    file + ": tokenizer model type '" + model.path("type").asText() + "' is not supported (BPE is)");
        }
        JsonNode vocab = model.path("vocab");
        if (!vocab.isObject()) throw new IOException(file + ": model.vocab is not an object");
        JsonNode added = root.path("added_tokens");
        if (!added.isMissingNode() && !added.isNull() && !added.isArray())
            throw new IOException(file + ": added_tokens is not an array");
        int size = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            var e = it.next();
            size = Math.max(size, tokenId(file, "model.vocab['" + e.getKey() + "']", e.getValue()) + 1);
        }
        for (int i = 0; i < added.size(); i++) {
            if (!added.get(i).isObject()) throw new IOException(file + ": added_tokens[" + i + "] is not an object");
            size = Math.max(
                    size,
                    tokenId(file, "added_tokens[" + i + "].id", added.get(i).get("id")) + 1);
        }
        String[] tokens = new String[size];
        boolean[] special = new boolean[size];
        for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
            var e = it.next();
            tokens[e.getValue().intValue()] = e.getKey();
        }
        for (JsonNode a : added) {
            int id = a.get("id").intValue();
            tokens[id] = a.path("content").asText();
            special[id] = a.path("special").asBoolean(false);
        }
        for (int i = 0; i < size; i++) if (tokens[i] == null) tokens[i] = "<unused" + i + ">";
        String[] merges = merges(file, model.path("merges"));
        int bos = config == null ? -1 : config.path("bos_token_id").asInt(-1);
        int eos = config == null ? -1 : config.path("eos_token_id").asInt(-1);
        String pre = root.path("pre_tokenizer").toString();
        boolean byteLevel =
                pre.contains("\"ByteLevel\"") || root.path("decoder").toString().contains("\"ByteLevel\"");
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

    /** Largest vocabulary accepted (the biggest published ones have about 260,000 tokens). */
    static final int MAX_VOCAB = 4_000_000;

    /** A token id: an integer in [0, MAX_VOCAB), else an error naming where it was. */
    private static int tokenId(Path file, String where, JsonNode v) throws IOException {
        if (v == null || v.isMissingNode() || v.isNull()) throw new IOException(file + ": " + where + " is missing");
        if (!v.isIntegralNumber() || !v.canConvertToLong())
            throw new IOException(file + ": " + where + " must be an integer id, got " + v);
        long id = v.longValue();
        if (id < 0 || id >= MAX_VOCAB)
            throw new IOException(file + ": " + where + " = " + id + " is outside [0, " + MAX_VOCAB + ")");
        return (int) id;
    }

    /** model.merges: "left right" strings or ["left", "right"] pairs (absent = none). */
    private static String[] merges(Path file, JsonNode node) throws IOException {
        if (node.isMissingNode() || node.isNull()) return new String[0];
        if (!node.isArray()) throw new IOException(file + ": model.merges is not an array");
        String[] merges = new String[node.size()];
        for (int i = 0; i < merges.length; i++) {
            JsonNode m = node.get(i);
            if (m.isTextual()) {
                merges[i] = m.textValue();
            } else if (m.isArray()
                    && m.size() == 2
                    && m.get(0).isTextual()
                    && m.get(1).isTextual()) {
                merges[i] = m.get(0).textValue() + " " + m.get(1).textValue();
            } else {
                String got = m.toString();
                throw new IOException(
                        file + ": model.merges[" + i + "] must be \"left right\" or [\"left\", \"right\"], got "
                                + (got.length() > 80 ? got.substring(0, 80) + "..." : got));
            }
        }
        return merges;
    }

    private static JsonNode findSplitRegex(JsonNode pre) {
        if (pre.isObject()
                && "Split".equals(pre.path("type").asText())
                && pre.path("pattern").has("Regex")) {
            return pre.path("pattern").get("Regex");
        }
        for (JsonNode child : pre.path("pretokenizers")) {
            JsonNode r = findSplitRegex(child);
            if (r != null) return r;
        }
        return null;
    }
}
