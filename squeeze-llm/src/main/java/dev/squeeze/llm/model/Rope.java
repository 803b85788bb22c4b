package dev.squeeze.llm.model;

/**
 * Rotary position embedding for one head width. Angles are position x freq_i with
 * freq_i = theta^(-2i / hd) (optionally Llama-3.1 scaled). A table of cos/sin covers positions
 * [0, min(seqLen, 32768)); any other (also fractional) position is computed on the fly, which is how keys are
 * re-rotated by a position delta (rotations compose additively).
 */
public final class Rope {
    /** Positions whose cos/sin the table holds; later ones are computed on the fly. */
    public static final int TABLE_POSITIONS = 1 << 15;
    private final int headDim;
    private final RopeStyle style;
    private final double[] freq;     // (hd/2)
    private final float[] cos;       // (seqLen, hd/2)
    private final float[] sin;
    private final int tablePositions;

    public Rope(LlamaConfig c) { this(c, null); }

    /**
     * @param freqFactors per-pair divisors of the frequencies (hd/2), as GGUF Llama-3.1 files store them in
     *                    {@code rope_freqs.weight}; null for none
     */
    public Rope(LlamaConfig c, float[] freqFactors) {
        this.headDim = c.headDim();
        this.style = c.ropeStyle();
        int half = headDim / 2;
        if (freqFactors != null && freqFactors.length != half) {
            throw new IllegalArgumentException("rope frequency factors have " + freqFactors.length + " values, expected head_dim/2 = " + half);
        }
        freq = new double[half];
        for (int i = 0; i < half; i++) {
            double f = 1.0 / Math.pow(c.ropeTheta(), (2.0 * i) / headDim);
            freq[i] = c.ropeScaling() == null ? f : c.ropeScaling().scale(f);
            if (freqFactors != null) freq[i] /= freqFactors[i];
        }
        tablePositions = Math.min(c.seqLen(), TABLE_POSITIONS); // positions beyond the table are computed on the fly
        cos = new float[tablePositions * half];
        sin = new float[tablePositions * half];
        for (int p = 0; p < tablePositions; p++) {
            for (int i = 0; i < half; i++) {
                double a = p * freq[i];
                cos[p * half + i] = (float) Math.cos(a);
                sin[p * half + i] = (float) Math.sin(a);
            }
        }
    }

    public int headDim() { return headDim; }

    /** Rotates {@code heads} consecutive heads of v (starting at off) to integer position pos. */
    public void rotate(float[] v, int off, int heads, int pos) {
        int half = headDim / 2;
        if (pos >= 0 && pos < tablePositions) {
            int t = pos * half;
            for (int h = 0; h < heads; h++) rotateHead(v, off + h * headDim, cos, sin, t);
        } else {
            for (int h = 0; h < heads; h++) rotateBy(v, off + h * headDim, pos);
        }
    }

    /** Rotates one head by an arbitrary (possibly negative or fractional) position delta. */
    public void rotateBy(float[] v, int off, double delta) {
        int half = headDim / 2;
        for (int i = 0; i < half; i++) {
            double a = delta * freq[i];
            float c = (float) Math.cos(a), s = (float) Math.sin(a);
            int i0 = style == RopeStyle.INTERLEAVED ? off + 2 * i : off + i;
            int i1 = style == RopeStyle.INTERLEAVED ? i0 + 1 : off + i + half;
            float x0 = v[i0], x1 = v[i1];
            v[i0] = x0 * c - x1 * s;
            v[i1] = x0 * s + x1 * c;
        }
    }

    private void rotateHead(float[] v, int off, float[] cs, float[] sn, int t) {
        int half = headDim / 2;
        if (style == RopeStyle.INTERLEAVED) {
            for (int i = 0; i < half; i++) {
                float c = cs[t + i], s = sn[t + i];
                int i0 = off + 2 * i;
                float x0 = v[i0], x1 = v[i0 + 1];
                v[i0] = x0 * c - x1 * s;
                v[i0 + 1] = x0 * s + x1 * c;
            }
        } else {
            for (int i = 0; i < half; i++) {
                float c = cs[t + i], s = sn[t + i];
                int i0 = off + i, i1 = off + i + half;
                float x0 = v[i0], x1 = v[i1];
                v[i0] = x0 * c - x1 * s;
                v[i1] = x0 * s + x1 * c;
            }
        }
    }
}
