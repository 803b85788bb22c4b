package dev.squeeze.llm.quant;

/**
 * Activations quantised once per product to 8-bit blocks of 32 with an f32 scale, the activation format of
 * llama.cpp's integer dots (its {@code block_q8_0}, there with an f16 scale): d = max |x| / 127, q = round-half-even(x
 * / d) in [-127, 127], x ~ d q. The Q4_0 row dots multiply these with the weights' nibbles in integers (one scale
 * product per block), so every {@link QuantKernels} implementation quantises here and agrees on q and d exactly.
 */
final class Q8Activations {
    private Q8Activations() {}

    static final int BLOCK = 32;

    /**
     * Quantises the block x[off .. off+32) into q[qOff .. qOff+32) (integers held as floats) and returns its scale d
     * (0 for an all-zero block, whose quants are 0).
     */
    static float quantiseBlock(float[] x, int off, float[] q, int qOff) {
        float amax = 0f;
        for (int i = 0; i < BLOCK; i++) amax = Math.max(amax, Math.abs(x[off + i]));
        float d = amax / 127f;
        float id = d == 0f ? 0f : 1f / d;
        for (int i = 0; i < BLOCK; i++) q[qOff + i] = (float) Math.rint(x[off + i] * id);
        return d;
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
