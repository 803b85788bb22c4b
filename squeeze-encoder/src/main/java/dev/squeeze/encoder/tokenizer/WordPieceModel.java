package dev.squeeze.encoder.tokenizer;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * tokenizer.json model "WordPiece" (BERT): greedy longest-match-first over the word, continuation pieces carry the
 * prefix (default "##"); a word longer than max_input_chars_per_word characters, or with any part that matches no
 * entry, becomes the single unknown token.
 */
final class WordPieceModel implements TokenModel {
    private final Map<String, Integer> vocab;
    private final String[] byId;
    private final String unk;
    private final int unkId;
    private final String prefix;
    private final int maxChars;

    WordPieceModel(Map<String, Integer> vocab, String[] byId, String unk, String prefix, int maxChars) {
        this.vocab = vocab;
        this.byId = byId;
        this.unk = unk;
        Integer u = vocab.get(unk);
        if (u == null) throw new IllegalArgumentException("unk_token '" + unk + "' is not in the vocabulary");
        this.unkId = u;
        this.prefix = prefix;
        this.maxChars = maxChars;
    }

    @Override
    public void tokenize(String word, List<String> tokens, IntList ids) {
        if (word.codePointCount(0, word.length()) > maxChars) {
            tokens.add(unk);
            ids.add(unkId);
            return;
        }
        int mark = tokens.size();
        int start = 0;
        while (start < word.length()) {
            int end = word.length();
            String found = null;
            int foundId = -1;
            while (start < end) {
                String sub = start > 0 ? prefix + word.substring(start, end) : word.substring(start, end);
                Integer id = vocab.get(sub);
                if (id != null) {
                    found = sub;
                    foundId = id;
                    break;
                }
                end -= end - 2 >= start && Character.isSurrogatePair(word.charAt(end - 2), word.charAt(end - 1))
                        ? 2
                        : 1; // one code point
            }
            if (found == null) {
                while (tokens.size() > mark) tokens.remove(tokens.size() - 1);
                ids.truncate(mark);
                tokens.add(unk);
                ids.add(unkId);
                return;
            }
            tokens.add(found);
            ids.add(foundId);
            start = end;
        }
    }

    @Override
    public int id(String token) {
        Integer id = vocab.get(token);
        return id == null ? -1 : id;
    }

    @Override
    public @Nullable String token(int id) {
        return id >= 0 && id < byId.length ? byId[id] : null;
    }

    @Override
    public int vocabSize() {
        return byId.length;
    }

    @Override
    public int unkId() {
        return unkId;
    }
}
