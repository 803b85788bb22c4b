package dev.squeeze.kv.api;

/**
 * Turns keys and queries of one head width by RoPE angles ({@link RopeSpec}): to an integer position from a
 * cos/sin table of the first {@code tablePositions} positions, and by any (negative, fractional) position delta
 * on the fly. Rotations compose additively, which is how a press re-rotates a cached key to a new position
 * (StreamingLLM-style repositioning, KIVI's pre-RoPE keys, Expected Attention's query statistics). Immutable and
 * thread-safe.
 */
public class RopeRotation {
    private final RopeSpec spec;
    private final int headDim;
    private final boolean interleaved;
    private final double[] freq; // (hd/2)
    private final float[] cos; // (tablePositions, hd/2)
    private final float[] sin;
    private final int tablePositions;

    /**
     * @param tablePositions positions [0, tablePositions) whose cos/sin are precomputed (0 for none); others are
     *                       computed on the fly with the same result
     */
    public RopeRotation(RopeSpec spec, int headDim, int tablePositions) {
        if (tablePositions < 0)
            throw new IllegalArgumentException("rope table positions must be >= 0, got " + tablePositions);
        this.spec = spec;
        this.headDim = headDim;
        this.interleaved = spec.style() == RopeSpec.Style.INTERLEAVED;
        this.freq = spec.frequencies(headDim);
        int half = headDim / 2;
        this.tablePositions = tablePositions;
        cos = new float[Math.multiplyExact(tablePositions, half)];
        sin = new float[cos.length];
        for (int p = 0; p < tablePositions; p++) {
            for (int i = 0; i < half; i++) {
                double a = p * freq[i];
                cos[p * half + i] = (float) Math.cos(a);
                sin[p * half + i] = (float) Math.sin(a);
            }
        }
    }

    public RopeSpec spec() {
        return spec;
    }

    public int headDim() {
        return headDim;
    }

    /** Rotates {@code heads} consecutive heads of v (starting at off) to integer position pos. */
    public void rotate(float[] v, int off, int heads, int pos) {
        int half = headDim / 2;
        if (pos >= 0 && pos < tablePositions) {
            int t = pos * half;
            for (int h = 0; h < heads; h++) rotateHead(v, off + h * headDim, t);
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
            int i0 = interleaved ? off + 2 * i : off + i;
            int i1 = interleaved ? i0 + 1 : off + i + half;
            float x0 = v[i0], x1 = v[i1];
            v[i0] = x0 * c - x1 * s;
            v[i1] = x0 * s + x1 * c;
        }
    }

    private void rotateHead(float[] v, int off, int t) {
        int half = headDim / 2;
        if (interleaved) {
            for (int i = 0; i < half; i++) {
                float c = cos[t + i], s = sin[t + i];
                int i0 = off + 2 * i;
                float x0 = v[i0], x1 = v[i0 + 1];
                v[i0] = x0 * c - x1 * s;
                v[i0 + 1] = x0 * s + x1 * c;
            }
        } else {
            for (int i = 0; i < half; i++) {
                float c = cos[t + i], s = sin[t + i];
                int i0 = off + i, i1 = off + i + half;
                float x0 = v[i0], x1 = v[i1];
                v[i0] = x0 * c - x1 * s;
                v[i1] = x0 * s + x1 * c;
            }
        }
    }
}
