package dev.squeeze.llm.quant;

import java.lang.foreign.MemorySegment;
import org.jspecify.annotations.Nullable;

/**
 * A 2-D weight matrix (rows, cols), row-major, used as {@code y = W x}: each output is the dot of one row
 * with the activation. Implementations read their format directly; matrix-vector products are built by
 * the runtime from {@link #dotRow} so that they can be split over rows across threads.
 */
public interface WeightTensor {
    int rows();

    int cols();

    GgmlType type();

    /** Bytes this tensor occupies in its storage. */
    long bytes();

    /** dot(row r, x[xOff .. xOff+cols)). */
    float dotRow(int r, float[] x, int xOff);

    /** Copies row r as floats into out[off .. off+cols). */
    void copyRow(int r, float[] out, int off);

    /**
     * Q4_0 tensors: row r as 16-bit nibble pairs and block scales for the integer prompt product (see
     * {@link QuantKernels#q4_0Pairs}): cols / 2 ints into pairs[pOff ..], cols / 32 floats into scales[sOff ..].
     *
     * @throws UnsupportedOperationException for every other format
     */
    default void copyRowQ4_0Pairs(int r, int[] pairs, int pOff, float[] scales, int sOff) {
        throw new UnsupportedOperationException(
                "Q4_0 pairs of a " + type() + " tensor (" + rows() + " x " + cols() + ")");
    }

    /**
     * out[outOff + r] = dot(row r, x[xOff .. xOff+cols)) for rows r in [from, to): the matrix-vector product of decode.
     * {@code scratch} has at least {@link #scratchLength()} floats; formats that reorder x for their kernels prepare it
     * there once per call.
     */
    default void dotRows(int from, int to, float[] x, int xOff, float[] out, int outOff, float[] scratch) {
        for (int r = from; r < to; r++) out[outOff + r] = dotRow(r, x, xOff);
    }

    /**
     * As {@link #dotRows(int, int, float[], int, float[], int, float[])}; with {@code prepared} the caller states that
     * {@code scratch} already holds this x as prepared by the previous call on a tensor of the same {@link #type} and
     * {@link #cols} (products that share one activation, e.g. q, k and v), and the preparation is skipped.
     */
    default void dotRows(
            int from, int to, float[] x, int xOff, float[] out, int outOff, float[] scratch, boolean prepared) {
        dotRows(from, to, x, xOff, out, outOff, scratch);
    }

    /**
     * The few-token product: out[outOff + t * ldo + r] for rows r in [from, to) and tokens t in [0, T), x (T, cols)
     * row-major, each value bit for bit what {@link #dotRows} gives for token t alone (the same prepared x, dot kernel
     * and order of sums), each row read once and dotted with every token while it is in L1. {@code scratch} holds at
     * least T arrays of {@link #scratchLength()} floats; with {@code prepared} the caller states that they already
     * hold these T tokens as prepared by the previous call on a tensor of the same {@link #type} and {@link #cols}.
     */
    default void dotRowsTokens(
            int from, int to, float[] x, int T, float[] out, int outOff, int ldo, float[][] scratch, boolean prepared) {
        int cols = cols();
        for (int r = from; r < to; r++) {
            for (int t = 0; t < T; t++) out[outOff + t * ldo + r] = dotRow(r, x, t * cols);
        }
    }

    /** Floats of scratch {@link #dotRows} needs. */
    default int scratchLength() {
        return 0;
    }

    /**
     * The (rows, cols) row-major floats of a tensor held on the heap as F32, which products may read in place
     * instead of copying rows; null for every other format.
     */
    default float @Nullable [] heapFloats() {
        return null;
    }

    /** A tensor of floats kept on the heap (F32 formats are copied once at load; see {@link #of}). */
    static WeightTensor ofFloats(int rows, int cols, float[] data) {
        return new FloatWeightTensor(rows, cols, data);
    }

    /**
     * A tensor read from {@code seg} at byte {@code offset}. F32 is copied to the heap once (so the core
     * float[] kernels apply, and a small model stays small); every other type is computed on the mapped
     * bytes, never copied.
     */
    static WeightTensor of(GgmlType type, MemorySegment seg, long offset, int rows, int cols, String name) {
        if (!type.supported())
            throw new IllegalArgumentException("tensor '" + name + "' has unsupported ggml type " + type);
        if (cols % type.blockSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': row length " + cols
                    + " is not a multiple of the " + type + " block size " + type.blockSize());
        }
        long rowBytes = type.bytesFor(cols);
        long need = Math.multiplyExact(rowBytes, (long) rows);
        if (offset < 0 || offset + need > seg.byteSize()) {
            throw new IllegalArgumentException(
                    "tensor '" + name + "' (" + rows + " x " + cols + " " + type + ", " + need + " bytes at offset "
                            + offset + ") extends past the end of the data (" + seg.byteSize() + " bytes)");
        }
        if (type == GgmlType.F32) {
            float[] data = new float[Math.multiplyExact(rows, cols)];
            MemorySegment.copy(seg, Blocks.FLOAT_LE, offset, data, 0, data.length);
            return new FloatWeightTensor(rows, cols, data);
        }
        return new SegmentWeightTensor(type, seg, offset, rows, cols, rowBytes);
    }
}
