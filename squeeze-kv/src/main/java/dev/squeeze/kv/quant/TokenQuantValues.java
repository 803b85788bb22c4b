package dev.squeeze.kv.quant;

import java.util.Arrays;

/**
 * Values quantised per token (KIVI's value quantisation): each token's d channels in groups of
 * {@code vGroup} channels, one fp16 scale and min per (token, group). Codes are packed token-major (code
 * (t, c) at index t * d + c). Rows are appended one or several at a time; the arrays grow by doubling up to
 * {@code capacity} rows, so steady-state appends allocate nothing. Weighted sums are computed from the codes.
 */
final class TokenQuantValues {
    private final int d, vGroup, nvg, bits, capacity;
    byte[] codes; // packed (rows, d)
    private short[] scale, min; // (rows, nvg) fp16
    private int rows;

    TokenQuantValues(int d, int vGroup, int bits, int capacity) {
        this.d = d;
        this.vGroup = vGroup;
        this.nvg = (d + vGroup - 1) / vGroup;
        this.bits = bits;
        this.capacity = capacity;
        allocate(Math.min(capacity, 256));
    }

    private void allocate(int n) {
        codes = codes == null
                ? new byte[BitPacking.packedBytes(n * d, bits)]
                : Arrays.copyOf(codes, BitPacking.packedBytes(n * d, bits));
        scale = scale == null ? new short[n * nvg] : Arrays.copyOf(scale, n * nvg);
        min = min == null ? new short[n * nvg] : Arrays.copyOf(min, n * nvg);
    }

    /** Rows held. */
    int length() {
        return rows;
    }

    /** Quantises {@code n} rows of src (n, d) starting at element {@code off}. */
    void appendRows(float[] src, int off, int n) {
        if (rows + n > capacity)
            throw new IllegalStateException("quantised values are full: " + rows + " + " + n + " > " + capacity);
        if (rows + n > scale.length / nvg) allocate(Math.min(capacity, Math.max(rows + n, 2 * (scale.length / nvg))));
        for (int i = 0; i < n; i++, rows++) {
            for (int q = 0; q < nvg; q++) {
                int c0 = q * vGroup, cnt = Math.min(d, c0 + vGroup) - c0;
                MinMaxQuantizer.quantise(
                        src, off + i * d + c0, 1, cnt, bits, codes, rows * d + c0, 1, scale, min, rows * nvg + q);
            }
        }
    }

    /** Packed codes + one fp16 scale and min per (row, channel group). */
    long bytes() {
        return BitPacking.packedBytes(rows * d, bits) + 4L * rows * nvg;
    }

    /** Code of row t, channel c. */
    int code(int t, int c) {
        return BitPacking.get(codes, t * d + c, bits);
    }

    /** out[outOff .. +d) += sum_t w[wOff + t] v_t over rows t in [0, count), count <= length(). */
    void addWeighted(float[] w, int wOff, int count, float[] out, int outOff) {
        for (int t = 0; t < count; t++) {
            float wt = w[wOff + t];
            if (wt == 0f) continue;
            for (int q = 0; q < nvg; q++) {
                float s = wt * Float.float16ToFloat(scale[t * nvg + q]);
                float m = wt * Float.float16ToFloat(min[t * nvg + q]);
                for (int c = q * vGroup, c1 = Math.min(d, c + vGroup); c < c1; c++)
                    out[outOff + c] += s * BitPacking.get(codes, t * d + c, bits) + m;
            }
        }
    }

    /** Writes the dequantised rows (length(), d) into out from element {@code off}. */
    void dequant(float[] out, int off) {
        for (int t = 0; t < rows; t++) {
            for (int c = 0; c < d; c++) {
                int p = t * nvg + c / vGroup;
                out[off + t * d + c] =
                        MinMaxQuantizer.dequant(BitPacking.get(codes, t * d + c, bits), scale[p], min[p]);
            }
        }
    }

    void clear() {
        rows = 0;
    }
}
