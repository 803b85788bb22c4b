package dev.squeeze.llm.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The scalar reference for {@link QuantKernels}: straight from the block formats of {@link Blocks}. x is prepared as a
 * copy, except for Q4_0 and Q8_0: its {@link Q8Activations} quants (as floats), then one scale per block, and the dots
 * sum weight-times-quant products in integers per block.
 */
final class ScalarQuantKernels implements QuantKernels {
    static final ScalarQuantKernels INSTANCE = new ScalarQuantKernels();

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float dotQ8_0(MemorySegment seg, long off, float[] x, int xOff, int n) {
        float total = 0f;
        for (int b = 0; b < n / 32; b++) {
            long bo = off + 34L * b;
            float s = 0f;
            for (int i = 0; i < 32; i++) s += seg.get(ValueLayout.JAVA_BYTE, bo + 2 + i) * x[xOff + 32 * b + i];
            total += Blocks.f16(seg, bo) * s;
        }
        return total;
    }

    @Override
    public float dotBF16(MemorySegment seg, long off, float[] x, int xOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += Blocks.bf16(seg, off + 2L * i) * x[xOff + i];
        return s;
    }

    @Override
    public float dotF16(MemorySegment seg, long off, float[] x, int xOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += Blocks.f16(seg, off + 2L * i) * x[xOff + i];
        return s;
    }

    @Override
    public int preparedLength(GgmlType type, int n) {
        return type == GgmlType.Q4_0 || type == GgmlType.Q8_0 ? n + n / 32 : n;
    }

    @Override
    public void prepare(GgmlType type, float[] x, int xOff, int n, float[] prep) {
        if (type != GgmlType.Q4_0 && type != GgmlType.Q8_0) {
            System.arraycopy(x, xOff, prep, 0, n);
            return;
        }
        for (int b = 0; b < n / 32; b++) prep[n + b] = Q8Activations.quantiseBlock(x, xOff + 32 * b, prep, 32 * b);
    }

    /** Per block: d_w d_x sum_j w_j q_j, the sum in integers. */
    @Override
    public float dotQ8_0Prepared(MemorySegment seg, long off, float[] prep, int n) {
        float total = 0f;
        for (int b = 0; b < n / 32; b++) {
            long bo = off + 34L * b;
            int s = 0;
            for (int j = 0; j < 32; j++) s += seg.get(ValueLayout.JAVA_BYTE, bo + 2 + j) * (int) prep[32 * b + j];
            total += s * (Blocks.f16(seg, bo) * prep[n + b]);
        }
        return total;
    }

    /** Per block: d_w d_x sum_j (nibble_j - 8) q_j, the sum in integers. */
    @Override
    public float dotQ4_0(MemorySegment seg, long off, float[] prep, int n) {
        float total = 0f;
        for (int b = 0; b < n / 32; b++) {
            long bo = off + 18L * b;
            int s = 0;
            int xb = 32 * b;
            for (int j = 0; j < 16; j++) {
                int q = seg.get(ValueLayout.JAVA_BYTE, bo + 2 + j) & 0xFF;
                s += ((q & 0x0F) - 8) * (int) prep[xb + j] + ((q >>> 4) - 8) * (int) prep[xb + j + 16];
            }
            total += s * (Blocks.f16(seg, bo) * prep[n + b]);
        }
        return total;
    }

    @Override
    public float dotQ4_K(MemorySegment seg, long off, float[] prep, int n) {
        return dequantDot(GgmlType.Q4_K, seg, off, prep, n);
    }

    @Override
    public float dotQ6_K(MemorySegment seg, long off, float[] prep, int n) {
        return dequantDot(GgmlType.Q6_K, seg, off, prep, n);
    }

    private static float dequantDot(GgmlType type, MemorySegment seg, long off, float[] x, int n) {
        float[] block = new float[256];
        float s = 0f;
        for (int b = 0; b < n / 256; b++) {
            Blocks.dequantize(type, seg, off + (long) type.typeSize() * b, block, 0, 256);
            for (int i = 0; i < 256; i++) s += block[i] * x[256 * b + i];
        }
        return s;
    }

    @Override
    public void q4_0Pairs(MemorySegment seg, long off, int n, int[] pairs, int pOff, float[] scales, int sOff) {
        for (int b = 0; b < n / 32; b++) {
            long bo = off + 18L * b;
            scales[sOff + b] = Blocks.f16(seg, bo);
            for (int i = 0; i < 16; i++) {
                int q = seg.get(ValueLayout.JAVA_BYTE, bo + 2 + i) & 0xFF;
                pairs[pOff + 16 * b + i] = (((q & 0x0F) - 8) & 0xFFFF) | (((q >>> 4) - 8) << 16);
            }
        }
    }

    @Override
    public void dequant(GgmlType type, MemorySegment seg, long off, float[] out, int outOff, int n) {
        Blocks.dequantize(type, seg, off, out, outOff, n);
    }
}
