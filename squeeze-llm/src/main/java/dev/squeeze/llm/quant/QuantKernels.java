package dev.squeeze.llm.quant;

import dev.squeeze.core.kernel.KernelProvider;
import java.lang.foreign.MemorySegment;

/**
 * Dot products and row decoding of GGML-format weights read straight from a (memory-mapped) segment. These are
 * format specific, so they live here rather than in the core {@code Kernels}; like those, the Vector API
 * implementation is checked against the scalar reference in the tests.
 *
 * <p>Decode (batch 1) multiplies every weight row with the same activation x. For Q4_0, Q4_K and Q6_K the vector
 * kernels unpack 4-bit fields with shifts of 32-bit lanes, which yields elements in a fixed scrambled order, so x
 * is {@link #prepare prepared} once per matrix-vector product: reordered to that lane order, with the block sums
 * the zero points need. Q4_0's and Q8_0's prepared dots are integer dots: x is prepared as 8-bit blocks
 * ({@link Q8Activations}, llama.cpp's activation format), so their result is that of x rounded to those blocks, not
 * of x itself. The scalar reference prepares a plain copy (Q4_0 and Q8_0: the same 8-bit blocks). Row decoding ({@link #dequant}) writes elements in
 * their natural order.
 */
public interface QuantKernels {

    String name();

    /** sum_i w_i x[xOff+i] over n elements of Q8_0 blocks starting at byte {@code off}. */
    float dotQ8_0(MemorySegment seg, long off, float[] x, int xOff, int n);

    /** sum_i w_i x[xOff+i] over n BF16 elements starting at byte {@code off}. */
    float dotBF16(MemorySegment seg, long off, float[] x, int xOff, int n);

    /** sum_i w_i x[xOff+i] over n F16 elements starting at byte {@code off}. */
    float dotF16(MemorySegment seg, long off, float[] x, int xOff, int n);

    /** Floats {@link #prepare} writes for n elements of {@code type} (Q8_0, Q4_0, Q4_K or Q6_K). */
    int preparedLength(GgmlType type, int n);

    /** Prepares x[xOff .. xOff+n) for the row dots of {@code type} (Q8_0, Q4_0, Q4_K or Q6_K) into prep. */
    void prepare(GgmlType type, float[] x, int xOff, int n, float[] prep);

    /**
     * sum_i w_i x_i over n elements of Q8_0 blocks at byte {@code off}, x {@link #prepare prepared} for Q8_0: as for
     * Q4_0, x is taken as its 8-bit blocks and each block's products are summed in integers (llama.cpp's Q8_0 x Q8_0
     * dot). Decode's products use this form; {@link #dotQ8_0} takes x as it is.
     */
    float dotQ8_0Prepared(MemorySegment seg, long off, float[] prep, int n);

    /**
     * sum_i w_i x_i over n elements of Q4_0 blocks at byte {@code off}, x {@link #prepare prepared} for Q4_0: x is
     * taken as its 8-bit blocks and each block's products are summed in integers.
     */
    float dotQ4_0(MemorySegment seg, long off, float[] prep, int n);

    /**
     * out[oOff + t * ldo] = {@link #dotQ8_0}(seg, off, x, xOff + t * xStride, n) for t in [0, T), each bit for bit that
     * dot: one Q8_0 row against T activations (few-token products), the row decoded once for all of them.
     */
    default void dotsQ8_0(
            MemorySegment seg,
            long off,
            float[] x,
            int xOff,
            int xStride,
            int T,
            float[] out,
            int oOff,
            int ldo,
            int n) {
        for (int t = 0; t < T; t++) out[oOff + t * ldo] = dotQ8_0(seg, off, x, xOff + t * xStride, n);
    }

    /**
     * out[oOff + t * ldo] = {@link #dotQ4_0}(seg, off, prep[t], n) for t in [0, T), each bit for bit that dot: one
     * Q4_0 row against T prepared activations, the row decoded once for all of them.
     */
    default void dotsQ4_0(MemorySegment seg, long off, float[][] prep, int T, float[] out, int oOff, int ldo, int n) {
        for (int t = 0; t < T; t++) out[oOff + t * ldo] = dotQ4_0(seg, off, prep[t], n);
    }

    /** The same for Q4_K super-blocks (n a multiple of 256). */
    float dotQ4_K(MemorySegment seg, long off, float[] prep, int n);

    /** The same for Q6_K super-blocks (n a multiple of 256). */
    float dotQ6_K(MemorySegment seg, long off, float[] prep, int n);

    /**
     * Decodes n elements of Q4_0 blocks at byte {@code off} for the integer prompt product: block b's byte i becomes
     * pairs[pOff + 16 b + i] = (low nibble - 8) in the low 16 bits and (high nibble - 8) in the high 16 bits (elements
     * 32 b + i and 32 b + i + 16, each a signed 16-bit value in [-8, 7]); its scale goes to scales[sOff + b].
     */
    void q4_0Pairs(MemorySegment seg, long off, int n, int[] pairs, int pOff, float[] scales, int sOff);

    /** Decodes n elements of {@code type} at byte {@code off} into out[outOff..], in order. */
    void dequant(GgmlType type, MemorySegment seg, long off, float[] out, int outOff, int n);

    /** The vectorised kernels when the Vector API is present and the float species has 8 or 16 lanes, else scalar. */
    static QuantKernels best() {
        return Holder.BEST;
    }

    static QuantKernels scalar() {
        return ScalarQuantKernels.INSTANCE;
    }

    final class Holder {
        private Holder() {}

        static final QuantKernels BEST = choose();

        private static QuantKernels choose() {
            if (!KernelProvider.vectorApiAvailable()) return ScalarQuantKernels.INSTANCE;
            try {
                QuantKernels v = VectorQuantKernels.create();
                return v == null ? ScalarQuantKernels.INSTANCE : v;
            } catch (LinkageError e) {
                return ScalarQuantKernels.INSTANCE;
            }
        }
    }
}
