package dev.squeeze.kv.quant;

import java.util.Arrays;

/**
 * Keys quantised per channel over blocks of {@code group} tokens (KIVI's key quantisation): for every block
 * and channel one fp16 scale and min over the block's tokens. Codes are packed token-major (code (t, c) at
 * index t * d + c). Blocks are appended whole; the arrays grow by doubling up to the largest multiple of
 * {@code group} not above {@code capacity} tokens, so steady-state appends allocate nothing. Scores are
 * computed from the codes: q · k_t = sum_c (q_c s_c) code_tc + sum_c q_c m_c.
 */
final class ChannelQuantKeys {
    private final int d, group, bits, maxTokens;
    byte[] codes; // packed (tokens, d)
    private short[] scale, min; // (tokens / group, d) fp16
    private int tokens;

    ChannelQuantKeys(int d, int group, int bits, int capacity) {
        this.d = d;
        this.group = group;
        this.bits = bits;
        this.maxTokens = capacity - capacity % group;
        allocate(Math.min(maxTokens, group * Math.max(1, 256 / group)));
    }

    private void allocate(int rows) {
        codes = codes == null
                ? new byte[BitPacking.packedBytes(rows * d, bits)]
                : Arrays.copyOf(codes, BitPacking.packedBytes(rows * d, bits));
        int params = rows / group * d;
        scale = scale == null ? new short[params] : Arrays.copyOf(scale, params);
        min = min == null ? new short[params] : Arrays.copyOf(min, params);
    }

    /** Tokens held (a multiple of the group size). */
    int length() {
        return tokens;
    }

    /** Quantises {@code n} tokens (a multiple of the group size) of src (n, d) starting at element {@code off}. */
    void appendBlocks(float[] src, int off, int n) {
        if (n % group != 0)
            throw new IllegalArgumentException("keys are quantised in whole groups of " + group + " tokens, got " + n);
        if (tokens + n > maxTokens)
            throw new IllegalStateException("quantised keys are full: " + tokens + " + " + n + " > " + maxTokens);
        if (tokens + n > scale.length / d * group)
            allocate(Math.min(maxTokens, Math.max(tokens + n, 2 * (scale.length / d * group))));
        for (int b = 0; b < n / group; b++) {
            int t0 = tokens + b * group, block = t0 / group;
            for (int c = 0; c < d; c++) {
                MinMaxQuantizer.quantise(
                        src, off + b * group * d + c, d, group, bits, codes, t0 * d + c, d, scale, min, block * d + c);
            }
        }
        tokens += n;
    }

    /** Packed codes + one fp16 scale and min per (block, channel). */
    long bytes() {
        return BitPacking.packedBytes(tokens * d, bits) + 4L * (tokens / group) * d;
    }

    /** Code of token t, channel c. */
    int code(int t, int c) {
        return BitPacking.get(codes, t * d + c, bits);
    }

    /** out[outOff + t] = q · k_t for t in [0, count), count <= length(); scratch holds d floats. */
    void scores(float[] q, int qOff, int count, float[] out, int outOff, float[] scratch) {
        for (int t0 = 0; t0 < count; t0 += group) {
            int block = t0 / group;
            float base = 0;
            for (int c = 0; c < d; c++) {
                scratch[c] = q[qOff + c] * Float.float16ToFloat(scale[block * d + c]);
                base += q[qOff + c] * Float.float16ToFloat(min[block * d + c]);
            }
            for (int t = t0, t1 = Math.min(count, t0 + group); t < t1; t++) {
                float acc = base;
                int i0 = t * d;
                for (int c = 0; c < d; c++) acc += scratch[c] * BitPacking.get(codes, i0 + c, bits);
                out[outOff + t] = acc;
            }
        }
    }

    /** Writes the dequantised key of token t (d) into out from element {@code off}. */
    void dequantRow(int t, float[] out, int off) {
        int p = t / group * d;
        for (int c = 0; c < d; c++)
            out[off + c] = MinMaxQuantizer.dequant(BitPacking.get(codes, t * d + c, bits), scale[p + c], min[p + c]);
    }

    /** Writes the dequantised keys (length(), d) into out from element {@code off}. */
    void dequant(float[] out, int off) {
        for (int t = 0; t < tokens; t++) dequantRow(t, out, off + t * d);
    }

    void clear() {
        tokens = 0;
    }
}
