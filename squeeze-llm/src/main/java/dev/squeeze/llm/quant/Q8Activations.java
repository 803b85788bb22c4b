package dev.squeeze.llm.quant;

/**
 * Activations quantised once per product to 8-bit blocks of 32, llama.cpp's activation format for its integer dots
 * ({@code block_q8_0}, made by ggml's {@code quantize_row_q8_0}): with a = max |x| over the block, the scale is d =
 * a / 127 rounded to a half float (kept here as the f32 of that half, as llama.cpp stores it), and q = round-half-even(x
 * 127 / a) in [-127, 127], so x ~ d q. Matching llama.cpp's rounding keeps Squeeze's logits next to llama.cpp's. The
 * Q4_0 row dots multiply these with the weights' nibbles in integers (one scale product per block), and every
 * {@link QuantKernels} implementation quantises here, so they agree on q and d exactly.
 */
public final class Q8Activations {
    private Q8Activations() {}

    static final int BLOCK = 32;

    /**
     * Quantises the block x[off .. off+32) into q[qOff .. qOff+32) (integers held as floats) and returns its scale d
     * (0 for an all-zero block, whose quants are 0).
     */
    static float quantiseBlock(float[] x, int off, float[] q, int qOff) {
        float amax = amax(x, off);
        float id = inverse(amax);
        for (int i = 0; i < BLOCK; i++) q[qOff + i] = (float) Math.rint(x[off + i] * id);
        return scale(amax);
    }

    /**
     * The block x[off .. off+32) quantised as 16 pairs for the integer prompt product: pair i holds the quants of
     * elements i (low 16 bits) and i + 16 (high 16 bits), each as a signed 16-bit value, the pairing of a Q4_0 byte's
     * low and high nibble ({@link QuantKernels#q4_0Pairs}); pair i goes to pairs[pOff + i * stride]. Returns d.
     */
    public static float quantisePairs(float[] x, int off, int[] pairs, int pOff, int stride) {
        float amax = amax(x, off);
        float id = inverse(amax);
        for (int i = 0; i < BLOCK / 2; i++) {
            int lo = (int) Math.rint(x[off + i] * id), hi = (int) Math.rint(x[off + i + BLOCK / 2] * id);
            pairs[pOff + i * stride] = (lo & 0xFFFF) | (hi << 16);
        }
        return scale(amax);
    }

    private static float amax(float[] x, int off) {
        float amax = 0f;
        for (int i = 0; i < BLOCK; i++) amax = Math.max(amax, Math.abs(x[off + i]));
        return amax;
    }

    /** 127 / amax: x times this, rounded, is the quant (0 for an all-zero block). */
    private static float inverse(float amax) {
        return amax == 0f ? 0f : 127f / amax;
    }

    /** d = amax / 127 rounded to a half float, as llama.cpp stores it. */
    private static float scale(float amax) {
        return Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
    }

    /** x[xOff .. xOff+n) quantised and decoded again (d q per element) into out[outOff ..); n a multiple of 32. */
    static void roundTrip(float[] x, int xOff, int n, float[] out, int outOff) {
        for (int b = 0; b < n / BLOCK; b++) {
            int o = outOff + BLOCK * b;
            float d = quantiseBlock(x, xOff + BLOCK * b, out, o);
            for (int i = 0; i < BLOCK; i++) out[o + i] *= d;
        }
    }
}
