package dev.squeeze.llm.quant;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;

import java.lang.foreign.MemorySegment;

/**
 * Weights computed on the mapped file bytes. Q8_0 and Q4_0 use the vectorised {@link QuantKernels}; the
 * other types (F16, BF16, Q4_K, Q6_K) dequantise one row into a per-thread scratch row and dot it with the
 * core kernels (simpler, slower: these formats are supported for loading real files, not tuned).
 */
final class SegmentWeightTensor implements WeightTensor {
    private static final Kernels K = KernelProvider.kernels();
    private static final QuantKernels Q = QuantKernels.best();
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    private final GgmlType type;
    private final MemorySegment seg;
    private final long offset;
    private final int rows;
    private final int cols;
    private final long rowBytes;

    SegmentWeightTensor(GgmlType type, MemorySegment seg, long offset, int rows, int cols, long rowBytes) {
        this.type = type;
        this.seg = seg;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
        this.rowBytes = rowBytes;
    }

    @Override public int rows() { return rows; }
    @Override public int cols() { return cols; }
    @Override public GgmlType type() { return type; }
    @Override public long bytes() { return rowBytes * rows; }

    @Override
    public float dotRow(int r, float[] x, int xOff) {
        long ro = offset + rowBytes * r;
        return switch (type) {
            case Q8_0 -> Q.dotQ8_0(seg, ro, x, xOff, cols);
            case Q4_0 -> Q.dotQ4_0(seg, ro, x, xOff, cols);
            default -> {
                float[][] holder = SCRATCH.get();
                if (holder[0].length < cols) holder[0] = new float[cols];
                float[] row = holder[0];
                Blocks.dequantize(type, seg, ro, row, 0, cols);
                yield K.dot(row, 0, x, xOff, cols);
            }
        };
    }

    @Override
    public void copyRow(int r, float[] out, int off) {
        long ro = offset + rowBytes * r;
        switch (type) {
            case Q8_0 -> Q.dequantQ8_0(seg, ro, out, off, cols);
            case Q4_0 -> Q.dequantQ4_0(seg, ro, out, off, cols);
            default -> Blocks.dequantize(type, seg, ro, out, off, cols);
        }
    }

    @Override
    public void dotRowBatch(int r, float[] x, int xOff, int T, float[] out, int outOff, int outStride, float[] scratch) {
        if (T < 3) {
            for (int t = 0; t < T; t++) out[outOff + t * outStride] = dotRow(r, x, xOff + t * cols);
            return;
        }
        copyRow(r, scratch, 0);
        for (int t = 0; t < T; t++) out[outOff + t * outStride] = K.dot(scratch, 0, x, xOff + t * cols, cols);
    }
}
