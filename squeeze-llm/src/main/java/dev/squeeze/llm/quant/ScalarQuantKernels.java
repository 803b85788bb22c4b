package dev.squeeze.llm.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The scalar reference for {@link QuantKernels}. */
final class ScalarQuantKernels implements QuantKernels {
    static final ScalarQuantKernels INSTANCE = new ScalarQuantKernels();

    @Override
    public String name() { return "scalar"; }

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
    public float dotQ4_0(MemorySegment seg, long off, float[] x, int xOff, int n) {
        float total = 0f;
        for (int b = 0; b < n / 32; b++) {
            long bo = off + 18L * b;
            float s = 0f;
            int xb = xOff + 32 * b;
            for (int j = 0; j < 16; j++) {
                int q = seg.get(ValueLayout.JAVA_BYTE, bo + 2 + j) & 0xFF;
                s += ((q & 0x0F) - 8) * x[xb + j] + ((q >>> 4) - 8) * x[xb + j + 16];
            }
            total += Blocks.f16(seg, bo) * s;
        }
        return total;
    }

    @Override
    public void dequantQ8_0(MemorySegment seg, long off, float[] out, int outOff, int n) {
        Blocks.dequantize(GgmlType.Q8_0, seg, off, out, outOff, n);
    }

    @Override
    public void dequantQ4_0(MemorySegment seg, long off, float[] out, int outOff, int n) {
        Blocks.dequantize(GgmlType.Q4_0, seg, off, out, outOff, n);
    }
}
