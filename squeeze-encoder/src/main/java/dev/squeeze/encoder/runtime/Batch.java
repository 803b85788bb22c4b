package dev.squeeze.encoder.runtime;

import dev.squeeze.encoder.EncoderConfig;
import org.jspecify.annotations.Nullable;

/** A validated {@link EncoderInput}: row offsets, and each sequence's unmasked key positions. */
final class Batch {
    final int[][] ids;
    final int @Nullable [][] types;
    final int[] start, length;
    final int[][] keys;
    final int n;

    private Batch(int[][] ids, int @Nullable [][] types, int[] start, int[] length, int[][] keys, int n) {
        this.ids = ids;
        this.types = types;
        this.start = start;
        this.length = length;
        this.keys = keys;
        this.n = n;
    }

    int batch() {
        return ids.length;
    }

    static Batch of(EncoderInput in, EncoderConfig c) {
        int[][] ids = in.ids();
        if (ids == null || ids.length == 0) throw new IllegalArgumentException("empty batch");
        int[][] mask = in.attentionMask(), types = in.tokenTypes();
        if (mask != null && mask.length != ids.length)
            throw new IllegalArgumentException(
                    "attention mask has " + mask.length + " rows for " + ids.length + " sequences");
        if (types != null && types.length != ids.length)
            throw new IllegalArgumentException(
                    "token types have " + types.length + " rows for " + ids.length + " sequences");
        int[] start = new int[ids.length], length = new int[ids.length];
        int[][] keys = new int[ids.length][];
        long n = 0;
        int maxLen = c.maxSequenceLength();
        for (int s = 0; s < ids.length; s++) {
            int[] row = ids[s];
            if (row == null || row.length == 0) throw new IllegalArgumentException("sequence " + s + " is empty");
            if (row.length > maxLen) {
                throw new IllegalArgumentException(
                        "sequence " + s + " has " + row.length + " tokens, more than the model's " + maxLen
                                + " positions (max_position_embeddings); split it");
            }
            for (int t = 0; t < row.length; t++) {
                if (row[t] < 0 || row[t] >= c.vocabSize()) {
                    throw new IllegalArgumentException("sequence " + s + " token " + t + ": id " + row[t]
                            + " is outside the vocabulary [0, " + c.vocabSize() + ")");
                }
            }
            if (types != null) {
                if (types[s] == null || types[s].length != row.length)
                    throw new IllegalArgumentException(
                            "sequence " + s + ": token types do not match its length " + row.length);
                for (int t = 0; t < row.length; t++) {
                    if (types[s][t] < 0 || types[s][t] >= Math.max(1, c.typeVocabSize())) {
                        throw new IllegalArgumentException("sequence " + s + " token " + t + ": token type "
                                + types[s][t] + " is outside [0, " + Math.max(1, c.typeVocabSize()) + ")");
                    }
                }
            }
            int count = row.length;
            if (mask != null) {
                if (mask[s] == null || mask[s].length != row.length)
                    throw new IllegalArgumentException(
                            "sequence " + s + ": attention mask does not match its length " + row.length);
                count = 0;
                for (int t = 0; t < row.length; t++) {
                    if (mask[s][t] != 0 && mask[s][t] != 1)
                        throw new IllegalArgumentException("sequence " + s + " token " + t + ": attention mask value "
                                + mask[s][t] + " is not 0 or 1");
                    count += mask[s][t];
                }
                if (count == 0)
                    throw new IllegalArgumentException(
                            "sequence " + s + ": attention mask is all zero (nothing to attend to)");
            }
            int[] k = new int[count];
            for (int t = 0, j = 0; t < row.length; t++) if (mask == null || mask[s][t] == 1) k[j++] = t;
            keys[s] = k;
            start[s] = (int) n;
            length[s] = row.length;
            n += row.length;
            if (n > Integer.MAX_VALUE / Math.max(3 * c.hidden(), c.intermediate()))
                throw new IllegalArgumentException("batch of " + n + " tokens is too large; split it");
        }
        return new Batch(ids, types, start, length, keys, (int) n);
    }
}
