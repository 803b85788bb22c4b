package dev.squeeze.encoder.tokenizer;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Reads tokenizer.json. Supported: models WordPiece and Unigram; normalizers BertNormalizer, Precompiled, Sequence,
 * Lowercase, NFC, NFD, NFKC, NFKD, Strip, StripAccents, Replace, Prepend; pre-tokenizers BertPreTokenizer, Metaspace,
 * WhitespaceSplit, Whitespace, Sequence; post-processors TemplateProcessing, BertProcessing, RobertaProcessing (for
 * single sequences); added tokens (normalized or not). Anything else is refused with the file, the field and the
 * value, never approximated. Regex patterns (Replace, Whitespace) run on java.util.regex, whose syntax and classes
 * agree with the reference's Oniguruma on the patterns these files use (" {2,}", "\w+|[^\w\s]+").
 */
final class TokenizerJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ID = 1 << 24;

    private final String source;

    private TokenizerJson(String source) {
        this.source = source;
    }

    static HfTokenizer parse(byte[] bytes, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JacksonException e) {
            throw new IOException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) throw new IOException(source + ": not a JSON object");
        return new TokenizerJson(source).tokenizer(root);
    }

    private IOException error(String field, String message) {
        return new IOException(source + ": " + field + ": " + message);
    }

    private HfTokenizer tokenizer(JsonNode root) throws IOException {
        JsonNode m = root.get("model");
        if (m == null || !m.isObject()) throw error("model", "missing or not an object");
        String type = text(m, "type", "model.type");
        TokenModel model;
        HfTokenizer.Model kind;
        switch (type) {
            case "WordPiece":
                model = wordPiece(m);
                kind = HfTokenizer.Model.WORDPIECE;
                break;
            case "Unigram":
                model = unigram(m);
                kind = HfTokenizer.Model.UNIGRAM;
                break;
            default:
                throw error("model.type", "'" + type + "' is not supported (WordPiece, Unigram are)");
        }
        Normalizer normalizer = normalizer(root.get("normalizer"), "normalizer");
        AddedTokens added = addedTokens(root.get("added_tokens"), false, normalizer);
        AddedTokens addedNormalized = addedTokens(root.get("added_tokens"), true, normalizer);
        PreTokenizer pre = preTokenizer(root.get("pre_tokenizer"), "pre_tokenizer");
        List<Integer> prefix = new ArrayList<>(), suffix = new ArrayList<>();
        postProcessor(root.get("post_processor"), model, added, prefix, suffix);
        int pad = padId(root, model, added);
        return new HfTokenizer(
                source, kind, model, added, addedNormalized, normalizer, pre, toArray(prefix), toArray(suffix), pad);
    }

    private WordPieceModel wordPiece(JsonNode m) throws IOException {
        JsonNode v = m.get("vocab");
        if (v == null || !v.isObject()) throw error("model.vocab", "missing or not an object of token -> id");
        Map<String, Integer> vocab = new HashMap<>(v.size() * 2);
        int max = -1;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode id = e.getValue();
            if (!id.canConvertToInt() || !id.isIntegralNumber() || id.asInt() < 0 || id.asInt() >= MAX_ID) {
                throw error(
                        "model.vocab[\"" + e.getKey() + "\"]",
                        "id " + id + " is not an integer in [0, " + MAX_ID + ")");
            }
            vocab.put(e.getKey(), id.asInt());
            max = Math.max(max, id.asInt());
        }
        String[] byId = new String[max + 1];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            if (byId[e.getValue()] != null) {
                throw error(
                        "model.vocab",
                        "id " + e.getValue() + " is given to both '" + byId[e.getValue()] + "' and '" + e.getKey()
                                + "'");
            }
            byId[e.getValue()] = e.getKey();
        }
        String unk = text(m, "unk_token", "model.unk_token");
        if (!vocab.containsKey(unk)) throw error("model.unk_token", "'" + unk + "' is not in model.vocab");
        String prefix = m.path("continuing_subword_prefix").isTextual()
                ? m.get("continuing_subword_prefix").asText()
                : "##";
        int maxChars = m.path("max_input_chars_per_word").asInt(100);
        if (maxChars <= 0) throw error("model.max_input_chars_per_word", "must be positive, got " + maxChars);
        return new WordPieceModel(vocab, byId, unk, prefix, maxChars);
    }

    private UnigramModel unigram(JsonNode m) throws IOException {
        JsonNode v = m.get("vocab");
        if (v == null || !v.isArray() || v.isEmpty())
            throw error("model.vocab", "missing or not a non-empty array of [piece, score]");
        if (v.size() >= MAX_ID) throw error("model.vocab", v.size() + " pieces, more than " + MAX_ID);
        String[] pieces = new String[v.size()];
        double[] scores = new double[v.size()];
        for (int i = 0; i < pieces.length; i++) {
            JsonNode p = v.get(i);
            if (!p.isArray()
                    || p.size() != 2
                    || !p.get(0).isTextual()
                    || !p.get(1).isNumber()
                    || !Double.isFinite(p.get(1).asDouble())) {
                throw error(
                        "model.vocab[" + i + "]", "expected [piece, finite score], got " + abbreviate(p.toString()));
            }
            pieces[i] = p.get(0).asText();
            scores[i] = p.get(1).asDouble();
        }
        JsonNode u = m.get("unk_id");
        int unk = -1;
        if (u != null && !u.isNull()) {
            if (!u.isIntegralNumber() || u.asInt() < 0 || u.asInt() >= pieces.length) {
                throw error("model.unk_id", u + " is not an index into the " + pieces.length + "-piece vocabulary");
            }
            unk = u.asInt();
        }
        return new UnigramModel(pieces, scores, unk, m.path("byte_fallback").asBoolean(false));
    }

    /** The added tokens with the given {@code normalized} flag; normalised ones carry their normalised content. */
    private AddedTokens addedTokens(JsonNode a, boolean normalizedSet, Normalizer normalizer) throws IOException {
        List<AddedTokens.Token> out = new ArrayList<>();
        if (a == null || a.isNull()) return new AddedTokens(out);
        if (!a.isArray()) throw error("added_tokens", "not an array");
        for (int i = 0; i < a.size(); i++) {
            JsonNode t = a.get(i);
            String f = "added_tokens[" + i + "]";
            if (!t.path("content").isTextual() || t.path("content").asText().isEmpty())
                throw error(f + ".content", "missing or empty");
            if (!t.path("id").isIntegralNumber()
                    || t.get("id").asInt() < 0
                    || t.get("id").asInt() >= MAX_ID) {
                throw error(f + ".id", "missing or not an integer in [0, " + MAX_ID + ")");
            }
            String content = t.get("content").asText();
            if (t.path("normalized").asBoolean(!t.path("special").asBoolean(false)) != normalizedSet) continue;
            if (normalizedSet && normalizer != null) content = normalizer.normalize(content);
            if (content.isEmpty()) continue;
            out.add(new AddedTokens.Token(
                    t.get("id").asInt(),
                    content,
                    t.path("special").asBoolean(false),
                    t.path("single_word").asBoolean(false),
                    t.path("lstrip").asBoolean(false),
                    t.path("rstrip").asBoolean(false)));
        }
        return new AddedTokens(out);
    }

    @Nullable
    Normalizer normalizer(@Nullable JsonNode n, String field) throws IOException {
        if (n == null || n.isNull()) return null;
        String type = text(n, "type", field + ".type");
        switch (type) {
            case "BertNormalizer": {
                boolean lower = n.path("lowercase").asBoolean(true);
                JsonNode sa = n.get("strip_accents");
                boolean strip = sa == null || sa.isNull() ? lower : sa.asBoolean();
                return new BertNormalizer(
                        n.path("clean_text").asBoolean(true),
                        n.path("handle_chinese_chars").asBoolean(true),
                        strip,
                        lower);
            }
            case "Precompiled": {
                JsonNode c = n.get("precompiled_charsmap");
                if (c == null || c.isNull()) return text -> text; // an empty charsmap: the reference's no-op
                if (!c.isTextual()) throw error(field + ".precompiled_charsmap", "not a base64 string");
                byte[] blob;
                try {
                    blob = Base64.getDecoder().decode(c.asText());
                } catch (IllegalArgumentException e) {
                    throw error(field + ".precompiled_charsmap", "not valid base64: " + e.getMessage());
                }
                try {
                    return new PrecompiledNormalizer(blob);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw error(field + ".precompiled_charsmap", e.getMessage());
                }
            }
            case "Sequence": {
                JsonNode list = n.get("normalizers");
                if (list == null || !list.isArray()) throw error(field + ".normalizers", "missing or not an array");
                List<Normalizer> parts = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    Normalizer p = normalizer(list.get(i), field + ".normalizers[" + i + "]");
                    if (p != null) parts.add(p);
                }
                return text -> {
                    String s = text;
                    for (Normalizer p : parts) s = p.normalize(s);
                    return s;
                };
            }
            case "Lowercase":
                return BertNormalizer::lowercaseEachCodePoint;
            case "NFC":
                return text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFC);
            case "NFD":
                return text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFD);
            case "NFKC":
                return text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKC);
            case "NFKD":
                return text -> java.text.Normalizer.normalize(text, java.text.Normalizer.Form.NFKD);
            case "StripAccents":
                return BertNormalizer::stripNonspacingMarks;
            case "Strip": {
                boolean left = n.path("strip_left").asBoolean(true),
                        right = n.path("strip_right").asBoolean(true);
                return text -> strip(text, left, right);
            }
            case "Prepend": {
                String p = text(n, "prepend", field + ".prepend");
                return text -> text.isEmpty() ? text : p + text;
            }
            case "Replace": {
                String content = text(n, "content", field + ".content");
                JsonNode pat = n.get("pattern");
                if (pat != null && pat.path("String").isTextual()) {
                    String s = pat.get("String").asText();
                    if (s.isEmpty()) throw error(field + ".pattern.String", "empty");
                    return text -> text.replace(s, content);
                }
                if (pat != null && pat.path("Regex").isTextual()) {
                    Pattern re = regex(pat.get("Regex").asText(), field + ".pattern.Regex");
                    String quoted = java.util.regex.Matcher.quoteReplacement(content);
                    return text -> re.matcher(text).replaceAll(quoted);
                }
                throw error(field + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}, got " + pat);
            }
            default:
                throw error(
                        field + ".type",
                        "normalizer '" + type + "' is not supported (BertNormalizer, Precompiled, Sequence, "
                                + "Lowercase, NFC, NFD, NFKC, NFKD, Strip, StripAccents, Replace, Prepend are)");
        }
    }

    @Nullable
    PreTokenizer preTokenizer(@Nullable JsonNode n, String field) throws IOException {
        if (n == null || n.isNull()) return null;
        String type = text(n, "type", field + ".type");
        switch (type) {
            case "BertPreTokenizer":
                return new BertPreTokenizer();
            case "WhitespaceSplit":
                return new WhitespaceSplitPreTokenizer();
            case "Whitespace": {
                Pattern re = Pattern.compile("\\w+|[^\\w\\s]+", Pattern.UNICODE_CHARACTER_CLASS);
                return (piece, first, out) -> {
                    java.util.regex.Matcher mt = re.matcher(piece);
                    while (mt.find()) out.add(mt.group());
                };
            }
            case "Metaspace": {
                String rep = n.path("replacement").asText("\u2581");
                if (rep.length() != 1) throw error(field + ".replacement", "'" + rep + "' is not one character");
                MetaspacePreTokenizer.Prepend prepend;
                if (n.has("prepend_scheme")) {
                    String ps = n.get("prepend_scheme").asText();
                    try {
                        prepend = MetaspacePreTokenizer.Prepend.valueOf(ps.toUpperCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        throw error(field + ".prepend_scheme", "'" + ps + "' is not always, first or never");
                    }
                } else {
                    prepend = n.path("add_prefix_space").asBoolean(true)
                            ? MetaspacePreTokenizer.Prepend.ALWAYS
                            : MetaspacePreTokenizer.Prepend.NEVER;
                }
                return new MetaspacePreTokenizer(
                        rep.charAt(0), prepend, n.path("split").asBoolean(true));
            }
            case "Sequence": {
                JsonNode list = n.get("pretokenizers");
                if (list == null || !list.isArray()) throw error(field + ".pretokenizers", "missing or not an array");
                List<PreTokenizer> parts = new ArrayList<>();
                for (int i = 0; i < list.size(); i++) {
                    PreTokenizer p = preTokenizer(list.get(i), field + ".pretokenizers[" + i + "]");
                    if (p != null) parts.add(p);
                }
                return (piece, first, out) -> {
                    List<String> cur = new ArrayList<>();
                    cur.add(piece);
                    for (PreTokenizer p : parts) {
                        List<String> next = new ArrayList<>();
                        for (int i = 0; i < cur.size(); i++) p.split(cur.get(i), first && i == 0, next);
                        cur = next;
                    }
                    out.addAll(cur);
                };
            }
            default:
                throw error(
                        field + ".type",
                        "pre-tokenizer '" + type + "' is not supported (BertPreTokenizer, Metaspace, "
                                + "WhitespaceSplit, Whitespace, Sequence are)");
        }
    }

    private void postProcessor(
            JsonNode n, TokenModel model, AddedTokens added, List<Integer> prefix, List<Integer> suffix)
            throws IOException {
        if (n == null || n.isNull()) return;
        String type = text(n, "type", "post_processor.type");
        switch (type) {
            case "BertProcessing":
            case "RobertaProcessing": {
                prefix.add(pair(n.get("cls"), "post_processor.cls", model, added));
                suffix.add(pair(n.get("sep"), "post_processor.sep", model, added));
                return;
            }
            case "TemplateProcessing": {
                JsonNode single = n.get("single");
                if (single == null || !single.isArray())
                    throw error("post_processor.single", "missing or not an array");
                JsonNode specials = n.path("special_tokens");
                boolean seenA = false;
                for (int i = 0; i < single.size(); i++) {
                    JsonNode item = single.get(i);
                    if (item.has("Sequence")) {
                        seenA = true;
                        continue;
                    }
                    String name = item.path("SpecialToken").path("id").asText(null);
                    if (name == null)
                        throw error("post_processor.single[" + i + "]", "neither Sequence nor SpecialToken: " + item);
                    JsonNode ids = specials.path(name).path("ids");
                    if (!ids.isArray() || ids.isEmpty())
                        throw error("post_processor.special_tokens." + name + ".ids", "missing");
                    for (JsonNode id : ids)
                        (seenA ? suffix : prefix)
                                .add(checkId(id, "post_processor.special_tokens." + name + ".ids", model, added));
                }
                return;
            }
            default:
                throw error(
                        "post_processor.type",
                        "'" + type + "' is not supported (TemplateProcessing, BertProcessing, RobertaProcessing are)");
        }
    }

    private int pair(JsonNode p, String field, TokenModel model, AddedTokens added) throws IOException {
        if (p == null || !p.isArray() || p.size() != 2) throw error(field, "expected [token, id], got " + p);
        return checkId(p.get(1), field, model, added);
    }

    /** A special token id must name an added token or a vocabulary entry. */
    private int checkId(JsonNode id, String field, TokenModel model, AddedTokens added) throws IOException {
        if (!id.isIntegralNumber() || id.asInt() < 0) throw error(field, "id " + id + " is not a non-negative integer");
        int v = id.asInt();
        for (AddedTokens.Token t : added.tokens()) if (t.id() == v) return v;
        if (model.token(v) == null) throw error(field, "id " + v + " is neither an added token nor in the vocabulary");
        return v;
    }

    private int padId(JsonNode root, TokenModel model, AddedTokens added) {
        JsonNode p = root.path("padding").path("pad_id");
        if (p.isIntegralNumber()) return p.asInt();
        for (String name : new String[] {"[PAD]", "<pad>"}) {
            for (AddedTokens.Token t : added.tokens()) if (t.content().equals(name)) return t.id();
            if (model.id(name) >= 0) return model.id(name);
        }
        return 0;
    }

    private Pattern regex(String re, String field) throws IOException {
        try {
            return Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            throw error(field, "'" + re + "' is not a valid regular expression: " + e.getDescription());
        }
    }

    private String text(JsonNode n, String key, String field) throws IOException {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual())
            throw error(field, "missing or not a string" + (v == null ? "" : ": " + abbreviate(v.toString())));
        return v.asText();
    }

    private static String strip(String s, boolean left, boolean right) {
        int b = 0, e = s.length();
        while (left && b < e && UnicodeClasses.isWhiteSpace(s.codePointAt(b)))
            b += Character.charCount(s.codePointAt(b));
        while (right && e > b && UnicodeClasses.isWhiteSpace(s.codePointBefore(e)))
            e -= Character.charCount(s.codePointBefore(e));
        return s.substring(b, e);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    private static int[] toArray(List<Integer> l) {
        int[] a = new int[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }
}
