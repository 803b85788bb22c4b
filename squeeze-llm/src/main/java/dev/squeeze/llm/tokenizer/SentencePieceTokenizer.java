package dev.squeeze.llm.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * SentencePiece-style BPE by piece scores (llama2.c tokenizer.bin and GGUF "llama" tokenizers): the text
 * (with a leading space as dummy prefix, spaces written as {@code spaceMarker}) is split into code points,
 * each mapped to its piece or, failing that, to byte pieces {@code <0xXX>}; then the adjacent pair whose
 * concatenation is a piece with the highest score is merged (leftmost on ties) until no pair merges. A
 * heap keeps this O(n log n) for long texts.
 */
public final class SentencePieceTokenizer implements Tokenizer {
    private final String[] pieces;
    private final float[] scores;
    private final Map<String, Integer> ids = new HashMap<>();
    private final int[] byteIds = new int[256];
    private final byte[][] pieceBytes;
    private final int bos;
    private final int eos;
    private final String spaceMarker;

    /**
     * @param spaceMarker "▁" for GGUF/HF SentencePiece vocabularies, " " for llama2.c tokenizer.bin
     */
    public SentencePieceTokenizer(String[] pieces, float[] scores, int bos, int eos, String spaceMarker) {
        if (pieces.length != scores.length) {
            throw new IllegalArgumentException(
                    "tokenizer has " + pieces.length + " pieces but " + scores.length + " scores");
        }
        this.pieces = pieces;
        this.scores = scores;
        this.bos = bos;
        this.eos = eos;
        this.spaceMarker = spaceMarker;
        for (int i = 0; i < pieces.length; i++) ids.putIfAbsent(pieces[i], i);
        pieceBytes = new byte[pieces.length][];
        for (int b = 0; b < 256; b++) {
            Integer id = ids.get(String.format("<0x%02X>", b));
            byteIds[b] = id == null ? -1 : id;
        }
        for (int i = 0; i < pieces.length; i++) {
            String p = pieces[i];
            if (p.length() == 6 && p.startsWith("<0x") && p.endsWith(">")) {
                try {
                    pieceBytes[i] = new byte[] {(byte) Integer.parseInt(p.substring(3, 5), 16)};
                    continue;
                } catch (NumberFormatException ignored) {
                    // an ordinary piece that happens to look like one
                }
            }
            pieceBytes[i] = p.replace(spaceMarker, " ").getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    public int vocabSize() {
        return pieces.length;
    }

    @Override
    public int bos() {
        return bos;
    }

    @Override
    public int eos() {
        return eos;
    }

    public String piece(int id) {
        checkToken(id);
        return pieces[id];
    }

    public float score(int id) {
        checkToken(id);
        return scores[id];
    }

    @Override
    public int[] encode(String text, boolean addBos) {
        if (text == null) throw new IllegalArgumentException("text must not be null");
        int[] tmp;
        int n = 0;
        if (text.isEmpty()) {
            tmp = new int[1];
        } else {
            String s = (" " + text).replace(" ", spaceMarker);
            tmp = new int[s.length() * 4 + 1];
            int i = 0;
            while (i < s.length()) {
                int cp = s.codePointAt(i);
                int len = Character.charCount(cp);
                Integer id = ids.get(s.substring(i, i + len));
                if (id != null) {
                    tmp[n++] = id;
                } else {
                    for (byte b : s.substring(i, i + len).getBytes(StandardCharsets.UTF_8)) {
                        int bid = byteIds[b & 0xFF];
                        if (bid < 0) {
                            throw new IllegalArgumentException("cannot encode character U+"
                                    + Integer.toHexString(cp).toUpperCase()
                                    + " at index " + i + ": not in the vocabulary and no byte piece <0x"
                                    + String.format("%02X", b & 0xFF) + ">");
                        }
                        tmp[n++] = bid;
                    }
                }
                i += len;
            }
            n = merge(tmp, n);
        }
        int[] out = new int[n + (addBos ? 1 : 0)];
        if (addBos) {
            if (bos < 0) throw new IllegalArgumentException("this tokenizer has no BOS token");
            out[0] = bos;
        }
        System.arraycopy(tmp, 0, out, addBos ? 1 : 0, n);
        return out;
    }

    private record Candidate(float score, int left, int leftVersion, int rightVersion, int merged) {}

    private int merge(int[] tok, int n) {
        int[] prev = new int[n], next = new int[n], version = new int[n];
        boolean[] alive = new boolean[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            alive[i] = true;
        }
        PriorityQueue<Candidate> heap = new PriorityQueue<>(
                (a, b) -> a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));
        for (int i = 0; i + 1 < n; i++) offer(heap, tok, i, i + 1, version);
        while (!heap.isEmpty()) {
            Candidate c = heap.poll();
            int l = c.left;
            if (!alive[l] || version[l] != c.leftVersion) continue;
            int r = next[l];
            if (r < 0 || !alive[r] || version[r] != c.rightVersion) continue;
            tok[l] = c.merged;
            version[l]++;
            alive[r] = false;
            next[l] = next[r];
            if (next[r] >= 0) prev[next[r]] = l;
            if (prev[l] >= 0) offer(heap, tok, prev[l], l, version);
            if (next[l] >= 0) offer(heap, tok, l, next[l], version);
        }
        int m = 0;
        for (int i = 0; i >= 0 && i < n; i = next[i]) tok[m++] = tok[i];
        return m;
    }

    private void offer(PriorityQueue<Candidate> heap, int[] tok, int l, int r, int[] version) {
        Integer id = ids.get(pieces[tok[l]] + pieces[tok[r]]);
        if (id != null) heap.add(new Candidate(scores[id], l, version[l], version[r], id));
    }

    @Override
    public byte[] decodeBytes(int prev, int token) {
        checkToken(token);
        byte[] b = pieceBytes[token];
        if (prev == bos
                && b.length > 0
                && b[0] == ' '
                && pieces[token].length() > 0
                && !pieces[token].startsWith("<0x")) {
            return java.util.Arrays.copyOfRange(b, 1, b.length);
        }
        if (token == bos || token == eos) return new byte[0];
        return b;
    }
}
