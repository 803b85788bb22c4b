package dev.squeeze.encoder.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * tokenizer.json model "Unigram" (SentencePiece; XLM-RoBERTa): the segmentation of highest total piece score, by
 * the single forward Viterbi pass of SentencePiece's EncodeOptimized as Hugging Face tokenizers runs it. Positions
 * advance one code point at a time; every vocabulary piece that starts there relaxes the best path ending where it
 * ends (a strictly better score replaces, so among equal scores the first relaxation stays); a code point with no
 * single-code-point piece gets an unknown node scored min_score - 10. Backtracking fuses consecutive unknown nodes
 * into one token. A token that is not a vocabulary entry becomes byte tokens "&lt;0xXX&gt;" when byte_fallback is
 * set and all of them exist, else the unknown id (its token string stays the text).
 */
final class UnigramModel implements TokenModel {
    static final double UNK_PENALTY = 10.0;

    private final String[] pieces;
    private final double[] scores;
    private final Map<String, Integer> ids;
    private final int unkId;
    private final boolean byteFallback;
    private final double minScore;
    private final CharTrie trie;

    UnigramModel(String[] pieces, double[] scores, int unkId, boolean byteFallback) {
        this.pieces = pieces;
        this.scores = scores;
        this.unkId = unkId;
        this.byteFallback = byteFallback;
        this.ids = new HashMap<>(pieces.length * 2);
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < pieces.length; i++) {
            ids.put(pieces[i], i);
            min = Math.min(min, scores[i]);
        }
        this.minScore = min;
        this.trie = new CharTrie(pieces);
    }

    @Override
    public void tokenize(String word, List<String> tokens, IntList out) {
        int size = word.length();
        double[] best = new double[size + 1];
        int[] startOf = new int[size + 1];
        int[] idOf = new int[size + 1];
        Arrays.fill(startOf, -1);
        double unkScore = minScore - UNK_PENALTY;
        int[] state = new int[2]; // {startsAt, hasSingleNode} for the visitor
        for (int startsAt = 0; startsAt < size; ) {
            int cp = word.codePointAt(startsAt);
            int mblen = Character.charCount(cp);
            double here = best[startsAt];
            state[0] = startsAt;
            state[1] = 0;
            final int s0 = startsAt, singleEnd = startsAt + mblen;
            trie.prefixes(word, startsAt, (id, end) -> {
                double cand = scores[id] + here;
                if (startOf[end] < 0 || cand > best[end]) {
                    best[end] = cand;
                    startOf[end] = s0;
                    idOf[end] = id;
                }
                if (end == singleEnd) state[1] = 1;
            });
            if (state[1] == 0) {
                if (unkId < 0)
                    throw new IllegalArgumentException(
                            "Unigram model has no unk_id and '" + new String(Character.toChars(cp)) + "' (U+"
                                    + Integer.toHexString(cp).toUpperCase() + ") has no piece");
                double cand = unkScore + here;
                if (startOf[singleEnd] < 0 || cand > best[singleEnd]) {
                    best[singleEnd] = cand;
                    startOf[singleEnd] = startsAt;
                    idOf[singleEnd] = unkId;
                }
            }
            startsAt = singleEnd;
        }
        List<String> rev = new ArrayList<>();
        StringBuilder fused = null; // consecutive unknown nodes, collected backwards
        for (int end = size; end > 0; ) {
            int start = startOf[end];
            String piece = word.substring(start, end);
            if (idOf[end] == unkId) {
                if (fused == null) fused = new StringBuilder();
                fused.insert(0, piece);
            } else {
                if (fused != null) {
                    rev.add(fused.toString());
                    fused = null;
                }
                rev.add(piece);
            }
            end = start;
        }
        if (fused != null) rev.add(fused.toString());
        for (int i = rev.size() - 1; i >= 0; i--) emit(rev.get(i), tokens, out);
    }

    private void emit(String token, List<String> tokens, IntList out) {
        Integer id = ids.get(token);
        if (id != null) {
            tokens.add(token);
            out.add(id);
            return;
        }
        if (byteFallback) {
            byte[] bytes = token.getBytes(StandardCharsets.UTF_8);
            int[] byteIds = new int[bytes.length];
            boolean all = true;
            for (int i = 0; i < bytes.length && all; i++) {
                Integer b = ids.get(String.format("<0x%02X>", bytes[i] & 0xFF));
                if (b == null) all = false;
                else byteIds[i] = b;
            }
            if (all) {
                for (int i = 0; i < bytes.length; i++) {
                    tokens.add(String.format("<0x%02X>", bytes[i] & 0xFF));
                    out.add(byteIds[i]);
                }
                return;
            }
        }
        if (unkId < 0) throw new IllegalArgumentException("Unigram model has no unk_id for '" + token + "'");
        tokens.add(token);
        out.add(unkId);
    }

    @Override
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    @Override
    public @Nullable String token(int id) {
        return id >= 0 && id < pieces.length ? pieces[id] : null;
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int unkId() {
        return unkId;
    }
}
