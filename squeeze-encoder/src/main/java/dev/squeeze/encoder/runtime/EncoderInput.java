package dev.squeeze.encoder.runtime;

import org.jspecify.annotations.Nullable;

/**
 * A batch of sequences: token ids, and optionally an attention mask (1 = a key every position may attend to, 0 =
 * padding; HF semantics: masked positions still get outputs) and token-type ids. Rows may have different lengths
 * (no padding needed: each sequence is computed at its own length); mask and types rows match the ids rows.
 */
public record EncoderInput(int[][] ids, int @Nullable [][] attentionMask, int @Nullable [][] tokenTypes) {
    /** Sequences at their own lengths, every token attended, token type 0. */
    public static EncoderInput of(int[]... ids) {
        return new EncoderInput(ids, null, null);
    }

    public int batch() {
        return ids.length;
    }

    public int totalTokens() {
        int n = 0;
        for (int[] r : ids) n += r.length;
        return n;
    }
}
