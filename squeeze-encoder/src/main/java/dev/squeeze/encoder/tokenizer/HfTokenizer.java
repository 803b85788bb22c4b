package dev.squeeze.encoder.tokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A Hugging Face tokenizer read from {@code tokenizer.json} ({@link TokenizerJson} says which parts are supported):
 * added tokens split out of the raw text, then per remaining piece the normaliser, the pre-tokenizer and the model
 * (WordPiece or Unigram); special tokens for a single sequence come from the post_processor. The truncation and
 * padding settings of the file are not applied: callers choose lengths. Immutable and thread-safe.
 */
public final class HfTokenizer {
    /** Which subword model the tokenizer runs. */
    public enum Model {
        WORDPIECE,
        UNIGRAM
    }

    private final String source;
    private final Model model;
    private final TokenModel tokens;
    private final AddedTokens added;
    private final AddedTokens addedNormalized;
    private final @Nullable Normalizer normalizer;
    private final @Nullable PreTokenizer preTokenizer;
    private final int[] prefix;
    private final int[] suffix;
    private final int padId;

    HfTokenizer(
            String source,
            Model model,
            TokenModel tokens,
            AddedTokens added,
            AddedTokens addedNormalized,
            @Nullable Normalizer normalizer,
            @Nullable PreTokenizer preTokenizer,
            int[] prefix,
            int[] suffix,
            int padId) {
        this.source = source;
        this.model = model;
        this.tokens = tokens;
        this.added = added;
        this.addedNormalized = addedNormalized;
        this.normalizer = normalizer;
        this.preTokenizer = preTokenizer;
        this.prefix = prefix.clone();
        this.suffix = suffix.clone();
        this.padId = padId;
    }

    /** Reads a tokenizer.json; an unsupported or malformed part fails with the file, the field and its value. */
    public static HfTokenizer load(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) throw new IOException(tokenizerJson + ": tokenizer.json not found");
        return TokenizerJson.parse(Files.readAllBytes(tokenizerJson), tokenizerJson.toString());
    }

    /** Parses tokenizer.json bytes; {@code source} names them in errors. */
    public static HfTokenizer parse(byte[] json, String source) throws IOException {
        return TokenizerJson.parse(json, source);
    }

    /** Where the tokenizer was read from. */
    public String source() {
        return source;
    }

    public Model model() {
        return model;
    }

    /** Tokens and ids of {@code text}; with {@code addSpecialTokens}, the post_processor's prefix and suffix. */
    public Encoding encode(String text, boolean addSpecialTokens) {
        List<String> toks = new ArrayList<>();
        IntList ids = new IntList();
        if (addSpecialTokens) appendSpecials(prefix, toks, ids);
        List<String> words = new ArrayList<>();
        for (AddedTokens.Piece p : added.split(text)) {
            if (p.id() >= 0) {
                toks.add(p.text()); // the matched span, with any white space lstrip/rstrip took (as the reference)
                ids.add(p.id());
                continue;
            }
            String norm = normalizer == null ? p.text() : normalizer.normalize(p.text());
            if (norm.isEmpty()) continue;
            for (AddedTokens.Piece q : addedNormalized.split(norm)) {
                if (q.id() >= 0) {
                    toks.add(q.text());
                    ids.add(q.id());
                    continue;
                }
                words.clear();
                if (preTokenizer == null) words.add(q.text());
                else preTokenizer.split(q.text(), p.start() == 0 && q.start() == 0, words);
                for (String w : words) if (!w.isEmpty()) tokens.tokenize(w, toks, ids);
            }
        }
        if (addSpecialTokens) appendSpecials(suffix, toks, ids);
        return new Encoding(ids.toArray(), toks);
    }

    private void appendSpecials(int[] specials, List<String> toks, IntList ids) {
        for (int id : specials) {
            toks.add(token(id));
            ids.add(id);
        }
    }

    /** Only the pre-tokenizer on {@code text} (no normalisation), as the reference's pre_tokenize_str. */
    public List<String> preTokenize(String text) {
        List<String> out = new ArrayList<>();
        if (preTokenizer == null) out.add(text);
        else preTokenizer.split(text, true, out);
        return out;
    }

    /** Ids of the added tokens ([CLS], [PAD], ...). */
    public java.util.Set<Integer> addedTokenIds() {
        java.util.Set<Integer> ids = new java.util.TreeSet<>();
        for (AddedTokens.Token t : added.tokens()) ids.add(t.id());
        for (AddedTokens.Token t : addedNormalized.tokens()) ids.add(t.id());
        return ids;
    }

    /** The subword tokens of {@code text}, without special tokens. */
    public List<String> tokenize(String text) {
        return encode(text, false).tokens();
    }

    /** The id of a token (added tokens first, then the model's vocabulary), or -1. */
    public int id(String token) {
        for (AddedTokens.Token t : added.tokens()) if (t.content().equals(token)) return t.id();
        for (AddedTokens.Token t : addedNormalized.tokens()) if (t.content().equals(token)) return t.id();
        return tokens.id(token);
    }

    /** The token of an id (added tokens first), or null. */
    public @Nullable String token(int id) {
        for (AddedTokens.Token t : added.tokens()) if (t.id() == id) return t.content();
        for (AddedTokens.Token t : addedNormalized.tokens()) if (t.id() == id) return t.content();
        return tokens.token(id);
    }

    /** The model's unknown-token id ([UNK], &lt;unk&gt;), or -1. */
    public int unknownId() {
        return tokens.unkId();
    }

    /** Entries of the model's vocabulary, ids [0, vocabSize). */
    public int vocabSize() {
        return tokens.vocabSize();
    }

    /** Ids the post_processor puts before a single sequence ([CLS] or &lt;s&gt;). */
    public int[] prefixIds() {
        return prefix.clone();
    }

    /** Ids the post_processor puts after a single sequence ([SEP] or &lt;/s&gt;). */
    public int[] suffixIds() {
        return suffix.clone();
    }

    /** The padding id: tokenizer.json's padding.pad_id, else [PAD] or &lt;pad&gt;, else 0. */
    public int padId() {
        return padId;
    }

    /** Whether {@code id} is an added special token ([CLS], [SEP], [PAD], ...). */
    public boolean isSpecial(int id) {
        for (AddedTokens.Token t : added.tokens()) if (t.id() == id && t.special()) return true;
        for (AddedTokens.Token t : addedNormalized.tokens()) if (t.id() == id && t.special()) return true;
        return false;
    }
}
