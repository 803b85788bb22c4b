package dev.squeeze.kv.quant;

/**
 * G tokens of one head quantised KIVI style: keys per channel over the G tokens (one scale/min per
 * channel), values per token over groups of {@code vGroup} channels. Codes packed; scales and mins fp16.
 * Scores and weighted values are computed from the packed codes.
 */
public class KiviBlock {
    final int g, d, bits, vGroup, nvg;
    final byte[] kCodes, vCodes;   // (g, d) codes, packed
    final short[] kScale, kMin;    // (d)
    final short[] vScale, vMin;    // (g, nvg)

    KiviBlock(float[] keys, float[] values, int off, int g, int d, int bits, int vGroup) {
        this.g = g;
        this.d = d;
        this.bits = bits;
        this.vGroup = vGroup;
        this.nvg = (d + vGroup - 1) / vGroup;
        kCodes = new byte[BitPacking.packedBytes(g * d, bits)];
        vCodes = new byte[kCodes.length];
        kScale = new short[d];
        kMin = new short[d];
        vScale = new short[g * nvg];
        vMin = new short[g * nvg];
        for (int c = 0; c < d; c++) {
            MinMaxQuantizer.quantise(keys, off + c, d, g, bits, kCodes, c, d, kScale, kMin, c);
        }
        for (int t = 0; t < g; t++) {
            for (int q = 0; q < nvg; q++) {
                int c0 = q * vGroup, cnt = Math.min(d, c0 + vGroup) - c0;
                MinMaxQuantizer.quantise(values, off + t * d + c0, 1, cnt, bits, vCodes, t * d + c0, 1, vScale, vMin, t * nvg + q);
            }
        }
    }

    /** Packed codes + fp16 scales and mins of keys and values. */
    long bytes() { return 2L * kCodes.length + 2L * (kScale.length + kMin.length + vScale.length + vMin.length); }

    /** out[outOff + t] = q · k_t for t in [0, count), from the codes: sum_c (q_c s_c) code_tc + sum_c q_c m_c. */
    void scores(float[] q, int qOff, int count, float[] out, int outOff, float[] scratch) {
        float base = 0;
        for (int c = 0; c < d; c++) {
            float s = Float.float16ToFloat(kScale[c]);
            scratch[c] = q[qOff + c] * s;
            base += q[qOff + c] * Float.float16ToFloat(kMin[c]);
        }
        for (int t = 0; t < count; t++) {
            float acc = base;
            int i0 = t * d;
            for (int c = 0; c < d; c++) acc += scratch[c] * BitPacking.get(kCodes, i0 + c, bits);
            out[outOff + t] = acc;
        }
    }

    /** out[0..d) += sum_t w_t v_t over t in [0, count), from the codes. */
    void addWeightedValues(float[] w, int wOff, int count, float[] out, int outOff) {
        for (int t = 0; t < count; t++) {
            float wt = w[wOff + t];
            if (wt == 0f) continue;
            for (int q = 0; q < nvg; q++) {
                float s = wt * Float.float16ToFloat(vScale[t * nvg + q]);
                float m = wt * Float.float16ToFloat(vMin[t * nvg + q]);
                int c1 = Math.min(d, (q + 1) * vGroup);
                for (int c = q * vGroup; c < c1; c++) out[outOff + c] += s * BitPacking.get(vCodes, t * d + c, bits) + m;
            }
        }
    }

    void dequantKeys(float[] out, int off) {
        for (int t = 0; t < g; t++) {
            for (int c = 0; c < d; c++) out[off + t * d + c] = MinMaxQuantizer.dequant(BitPacking.get(kCodes, t * d + c, bits), kScale[c], kMin[c]);
        }
    }

    void dequantValues(float[] out, int off) {
        for (int t = 0; t < g; t++) {
            for (int c = 0; c < d; c++) {
                int q = c / vGroup;
                out[off + t * d + c] = MinMaxQuantizer.dequant(BitPacking.get(vCodes, t * d + c, bits), vScale[t * nvg + q], vMin[t * nvg + q]);
            }
        }
    }
}
