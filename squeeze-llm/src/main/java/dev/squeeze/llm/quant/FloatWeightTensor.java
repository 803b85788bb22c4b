package dev.squeeze.llm.quant;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;

/** F32 weights on the heap, (rows, cols) row-major; dots through the core {@link Kernels}. */
final class FloatWeightTensor implements WeightTensor {
    private static final Kernels K = KernelProvider.kernels();
    private final int rows;
    private final int cols;
    private final float[] data;

    FloatWeightTensor(int rows, int cols, float[] data) {
        if ((long) rows * cols != data.length) {
            throw new IllegalArgumentException(
                    "float tensor data has " + data.length + " values, expected " + rows + " x " + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.data = data;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public GgmlType type() {
        return GgmlType.F32;
    }

    @Override
    public long bytes() {
        return 4L * data.length;
    }

    @Override
    public float dotRow(int r, float[] x, int xOff) {
        return K.dot(data, r * cols, x, xOff, cols);
    }

    /** The core kernels' {@link Kernels#dots}: each row's loads shared by the tokens, every sum in dot's order. */
    @Override
    public void dotRowsTokens(
            int from, int to, float[] x, int T, float[] out, int outOff, int ldo, float[][] scratch, boolean prepared) {
        for (int r = from; r < to; r++) K.dots(data, r * cols, x, 0, cols, T, out, outOff + r, ldo, cols);
    }

    @Override
    public void copyRow(int r, float[] out, int off) {
        System.arraycopy(data, r * cols, out, off, cols);
    }

    @Override
    public float[] heapFloats() {
        return data;
    }
}
