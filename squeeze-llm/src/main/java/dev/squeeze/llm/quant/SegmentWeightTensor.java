package dev.squeeze.llm.quant;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import java.lang.foreign.MemorySegment;

/**
 * Weights computed on the mapped file bytes with the {@link QuantKernels}: decode's {@link #dotRows} reads each
 * row once (Q8_0, Q4_0, Q4_K and Q6_K with x prepared once per call; Q8_0's and Q4_0's products take x as 8-bit
 * blocks, see {@link Q8Activations}), prompt processing decodes rows with {@link #copyRow}.
 */
final class SegmentWeightTensor implements WeightTensor {
    private static final Kernels K = KernelProvider.kernels();
    private static final QuantKernels Q = QuantKernels.best();
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    /** The widest Q8_0 rows whose decode dots take x in f32 (see {@link #takesPreparedX}). */
    static final int Q8_0_F32_COLS = 4096;

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
        return type;
    }

    @Override
    public long bytes() {
        return rowBytes * rows;
    }

    @Override
    public float dotRow(int r, float[] x, int xOff) {
        long ro = offset + rowBytes * r;
        return switch (type) {
            case Q8_0 -> Q.dotQ8_0(seg, ro, x, xOff, cols);
            case BF16 -> Q.dotBF16(seg, ro, x, xOff, cols);
            case F16 -> Q.dotF16(seg, ro, x, xOff, cols);
            default -> {
                // one row of a format whose kernels want x prepared: decode the row (products use dotRows)
                float[][] holder = SCRATCH.get();
                if (holder[0].length < cols) holder[0] = new float[cols];
                float[] row = holder[0];
                Q.dequant(type, seg, ro, row, 0, cols);
                yield K.dot(row, 0, x, xOff, cols);
            }
        };
    }

    @Override
    public void dotRows(int from, int to, float[] x, int xOff, float[] out, int outOff, float[] scratch) {
        dotRows(from, to, x, xOff, out, outOff, scratch, false);
    }

    @Override
    public void dotRows(
            int from, int to, float[] x, int xOff, float[] out, int outOff, float[] scratch, boolean prepared) {
        if (!takesPreparedX()) {
            for (int r = from; r < to; r++) out[outOff + r] = dotRow(r, x, xOff);
            return;
        }
        if (!prepared) Q.prepare(type, x, xOff, cols, scratch);
        for (int r = from; r < to; r++) {
            long ro = offset + rowBytes * r;
            out[outOff + r] = switch (type) {
                case Q8_0 -> Q.dotQ8_0Prepared(seg, ro, scratch, cols);
                case Q4_0 -> Q.dotQ4_0(seg, ro, scratch, cols);
                case Q4_K -> Q.dotQ4_K(seg, ro, scratch, cols);
                default -> Q.dotQ6_K(seg, ro, scratch, cols);
            };
        }
    }

    @Override
    public void dotRowsTokens(
            int from, int to, float[] x, int T, float[] out, int outOff, int ldo, float[][] scratch, boolean prepared) {
        if (type == GgmlType.Q8_0 && !takesPreparedX()) {
            for (int r = from; r < to; r++)
                Q.dotsQ8_0(seg, offset + rowBytes * r, x, 0, cols, T, out, outOff + r, ldo, cols);
            return;
        }
        if (!takesPreparedX()) {
            WeightTensor.super.dotRowsTokens(from, to, x, T, out, outOff, ldo, scratch, prepared);
            return;
        }
        if (!prepared) for (int t = 0; t < T; t++) Q.prepare(type, x, t * cols, cols, scratch[t]);
        for (int r = from; r < to; r++) {
            long ro = offset + rowBytes * r;
            int o = outOff + r;
            // the switch outside the token loop: each loop is one kernel on a row that stays in L1
            switch (type) {
                case Q8_0 -> {
                    for (int t = 0; t < T; t++) out[o + t * ldo] = Q.dotQ8_0Prepared(seg, ro, scratch[t], cols);
                }
                case Q4_0 -> Q.dotsQ4_0(seg, ro, scratch, T, out, o, ldo, cols);
                case Q4_K -> {
                    for (int t = 0; t < T; t++) out[o + t * ldo] = Q.dotQ4_K(seg, ro, scratch[t], cols);
                }
                default -> {
                    for (int t = 0; t < T; t++) out[o + t * ldo] = Q.dotQ6_K(seg, ro, scratch[t], cols);
                }
            }
        }
    }

    /**
     * Whether decode's dots take x prepared once per call ({@link QuantKernels#prepare}): Q4_0, Q4_K, Q6_K, and Q8_0
     * rows wider than {@link #Q8_0_F32_COLS}, whose dots take x as 8-bit blocks ({@link QuantKernels#dotQ8_0Prepared}).
     * The f32 Q8_0 dot reads x as 4 bytes per element; at 5632 columns (w2) that no longer shares L1 with the weight
     * stream and it ran at half its rate on narrower rows, where it is the faster of the two.
     */
    private boolean takesPreparedX() {
        return switch (type) {
            case Q8_0 -> cols > Q8_0_F32_COLS;
            case Q4_0, Q4_K, Q6_K -> true;
            default -> false;
        };
    }

    @Override
    public int scratchLength() {
        return takesPreparedX() ? Q.preparedLength(type, cols) : 0;
    }

    @Override
    public void copyRowQ4_0Pairs(int r, int[] pairs, int pOff, float[] scales, int sOff) {
        if (type != GgmlType.Q4_0) WeightTensor.super.copyRowQ4_0Pairs(r, pairs, pOff, scales, sOff);
        else Q.q4_0Pairs(seg, offset + rowBytes * r, cols, pairs, pOff, scales, sOff);
    }

    @Override
    public void copyRow(int r, float[] out, int off) {
        Q.dequant(type, seg, offset + rowBytes * r, out, off, cols);
    }
}
