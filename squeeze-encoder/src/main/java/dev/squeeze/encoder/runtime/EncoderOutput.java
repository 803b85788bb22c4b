package dev.squeeze.encoder.runtime;

/**
 * The last hidden states of a batch: {@code hidden} is (total tokens, D) row-major, sequence b's tokens at rows
 * {@code start[b] .. start[b] + length[b]}.
 */
public record EncoderOutput(float[] hidden, int width, int[] start, int[] length) {
    public int batch() {
        return start.length;
    }

    /** Row of token t of sequence b. */
    public int row(int b, int t) {
        return start[b] + t;
    }

    /** A copy of token t of sequence b's hidden state. */
    public float[] token(int b, int t) {
        float[] out = new float[width];
        System.arraycopy(hidden, row(b, t) * width, out, 0, width);
        return out;
    }
}
