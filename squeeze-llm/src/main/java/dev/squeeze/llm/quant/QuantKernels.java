package dev.squeeze.llm.quant;

import dev.squeeze.core.kernel.KernelProvider;

import java.lang.foreign.MemorySegment;

/**
 * Dot products of a quantised weight row, read straight from a (memory-mapped) segment, with a float
 * activation. These are GGML-format specific, so they live here rather than in the core {@code Kernels};
 * like those, a Vector API implementation is checked against the scalar reference in the tests.
 */
public interface QuantKernels {

    String name();

    /** sum_i w_i x[xOff+i] over n elements of Q8_0 blocks starting at byte {@code off}. */
    float dotQ8_0(MemorySegment seg, long off, float[] x, int xOff, int n);

    /** sum_i w_i x[xOff+i] over n elements of Q4_0 blocks starting at byte {@code off}. */
    float dotQ4_0(MemorySegment seg, long off, float[] x, int xOff, int n);

    /** Dequantises n elements of Q8_0 blocks at byte {@code off} into out[outOff..]. */
    void dequantQ8_0(MemorySegment seg, long off, float[] out, int outOff, int n);

    /** Dequantises n elements of Q4_0 blocks at byte {@code off} into out[outOff..]. */
    void dequantQ4_0(MemorySegment seg, long off, float[] out, int outOff, int n);

    /** The vectorised kernels when the Vector API is present and the float species has 8 or 16 lanes, else scalar. */
    static QuantKernels best() { return Holder.BEST; }

    static QuantKernels scalar() { return ScalarQuantKernels.INSTANCE; }

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
