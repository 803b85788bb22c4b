package dev.squeeze.encoder.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * An XLM-R-shaped tokenizer.json for tests, since no real SentencePiece model is available offline: a Unigram
 * vocabulary made from all-MiniLM-L6-v2's WordPiece entries (word-initial entries get "▁", "##" continuations lose
 * their prefix; scores decrease with rank, with seeded noise), the specials &lt;s&gt; &lt;pad&gt; &lt;/s&gt; &lt;unk&gt;
 * first (XLM-R's ids 0-3) and &lt;mask&gt; last (lstrip, as XLM-R), a Precompiled normaliser with {@link #RULES}, a
 * Metaspace pre-tokenizer and RobertaProcessing.
 */
public final class SyntheticTokenizers {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Charsmap rules chosen to exercise the reference's behaviour: multi-byte keys, deletion (U+200B), expansion
     * (U+FB01, U+2026), a single-byte key that swallows the rest of its grapheme ("o" + combining diaeresis becomes
     * "o"; "\r\n" becomes " "), newline and tab to space (as XLM-R's map), and a 6-byte key that can never fire (halfwidth katakana + voiced mark), with a
     * per-character rule for its first character.
     */
    public static final Map<String, String> RULES;

    static {
        Map<String, String> r = new LinkedHashMap<>();
        r.put("\uFB01", "fi");
        r.put("\u2460", "1");
        r.put("\uFF21", "A");
        r.put("\u2026", "...");
        r.put("\u00A0", " ");
        r.put("\u3000", " ");
        r.put("\u200B", "");
        r.put("o", "o");
        r.put("\r", " ");
        r.put("\n", " "); // SentencePiece's nmt_nfkc rules turn newlines and tabs into spaces
        r.put("\t", " ");
        r.put("\u00FC", "ue");
        r.put("\uFF76\uFF9E", "\u30AC");
        r.put("\uFF76", "\u30AB");
        r.put("\u212B", "\u00C5");
        RULES = Map.copyOf(r);
    }

    private SyntheticTokenizers() {}

    public static byte[] unigram(Path wordPieceJson, long seed) throws IOException {
        JsonNode wp = JSON.readTree(wordPieceJson.toFile());
        List<String> byId = new ArrayList<>();
        wp.get("model").get("vocab").fields().forEachRemaining(e -> {
            while (byId.size() <= e.getValue().asInt()) byId.add(null);
            byId.set(e.getValue().asInt(), e.getKey());
        });
        Set<String> pieces = new LinkedHashSet<>(List.of("<s>", "<pad>", "</s>", "<unk>", "\u2581"));
        for (String t : byId) {
            if (t == null || (t.startsWith("[") && t.endsWith("]"))) continue;
            pieces.add(t.startsWith("##") ? t.substring(2) : "\u2581" + t);
        }
        pieces.add("<mask>");
        Random rnd = new Random(seed);
        ArrayNode vocab = JSON.createArrayNode();
        int rank = 0;
        for (String p : pieces) {
            double score = p.startsWith("<") && p.endsWith(">") ? 0.0 : -Math.log(rank + 2.0) - 0.05 * rnd.nextDouble();
            vocab.add(JSON.createArrayNode().add(p).add(score));
            rank++;
        }
        int mask = pieces.size() - 1;
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<s>", "<pad>", "</s>", "<unk>"};
        for (int i = 0; i < specials.length; i++) added.add(addedToken(i, specials[i], false));
        added.add(addedToken(mask, "<mask>", true));
        ObjectNode norm = root.putObject("normalizer");
        norm.put("type", "Precompiled");
        norm.put("precompiled_charsmap", Base64.getEncoder().encodeToString(CharsMapBuilder.build(RULES)));
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Metaspace");
        pre.put("replacement", "\u2581");
        pre.put("prepend_scheme", "always");
        pre.put("split", true);
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "RobertaProcessing");
        post.set("sep", JSON.createArrayNode().add("</s>").add(2));
        post.set("cls", JSON.createArrayNode().add("<s>").add(0));
        post.put("trim_offsets", true);
        post.put("add_prefix_space", true);
        ObjectNode dec = root.putObject("decoder");
        dec.put("type", "Metaspace");
        dec.put("replacement", "\u2581");
        dec.put("prepend_scheme", "always");
        dec.put("split", true);
        ObjectNode model = root.putObject("model");
        model.put("type", "Unigram");
        model.put("unk_id", 3);
        model.set("vocab", vocab);
        model.put("byte_fallback", false);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static ObjectNode addedToken(int id, String content, boolean lstrip) {
        ObjectNode t = JSON.createObjectNode();
        t.put("id", id);
        t.put("content", content);
        t.put("single_word", false);
        t.put("lstrip", lstrip);
        t.put("rstrip", false);
        t.put("normalized", false);
        t.put("special", true);
        return t;
    }
}
