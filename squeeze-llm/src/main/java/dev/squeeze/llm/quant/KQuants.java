package dev.squeeze.llm.quant;

/**
 * Encoders for the GGML "k-quant" super-block formats Q4_K and Q6_K (256 elements per block; layouts in
 * {@link Blocks}), reimplemented from the description of llama.cpp's reference quantisation (the path used
 * when no importance matrix is given):
 *
 * <ul>
 *   <li><b>Q4_K</b>: each 32-element sub-block gets an affine 4-bit fit x ~ s q - m (q in 0..15, m >= 0) chosen
 *       by a weighted least-squares search: element weights are rms(sub-block) + |x|; the first candidate maps
 *       [min(x, 0), max(x)] onto 0..15, then 21 more inverse scales (15 + rmin + rdelta i) / (max - min), i = 0..20,
 *       rmin = -1, rdelta = 0.1, each followed by the closed-form weighted fit of s and m (m clamped to >= 0);
 *       the candidate with the least weighted squared error wins. The super-block stores d = max s / 63 and
 *       dmin = max m / 63 as fp16 and each sub-block's s and m as 6-bit multiples of them; the elements are then
 *       re-quantised against the stored (rounded) scales.</li>
 *   <li><b>Q6_K</b>: each 16-element sub-block gets a symmetric 6-bit scale (q in -32..31): the element of
 *       largest magnitude maps to -32, then 18 nearby inverse scales -(32 + 0.1 i) / max, i = -9..9, are tried
 *       and the one maximising (sum w x q)^2 / sum w q^2 with w = x^2 is kept (the least-squares scale of that
 *       rounding). The super-block stores d = max |scale| / 128 (sign of that scale) as fp16 and each scale as an
 *       int8 multiple of d; elements are re-quantised against the stored scales.</li>
 * </ul>
 * Rounding is to nearest, ties to even, as llama.cpp's {@code nearest_int}.
 */
public final class KQuants {
    private KQuants() {}

    /** Elements per super-block. */
    public static final int QK_K = 256;
    /** Below this a Q6_K super-block's largest scale counts as zero (llama.cpp's GROUP_MAX_EPS). */
    private static final float GROUP_MAX_EPS = 1e-15f;

    /** Quantises n floats (n a multiple of 256) into Q4_K blocks of 144 bytes. */
    public static byte[] quantizeQ4_K(float[] x, int off, int n) {
        checkLength(n, "Q4_K");
        byte[] out = new byte[n / QK_K * 144];
        float[] scales = new float[8];
        float[] mins = new float[8];
        int[] levels = new int[QK_K];
        int[] aux = new int[32];
        float[] weights = new float[32];
        int[] ls = new int[8];
        int[] lm = new int[8];
        for (int b = 0; b < n / QK_K; b++) {
            int xb = off + QK_K * b;
            float maxScale = 0f, maxMin = 0f;
            for (int j = 0; j < 8; j++) {
                int xs = xb + 32 * j;
                float sumSq = 0f;
                for (int l = 0; l < 32; l++) sumSq += x[xs + l] * x[xs + l];
                float rms = (float) Math.sqrt(sumSq / 32);
                for (int l = 0; l < 32; l++) weights[l] = rms + Math.abs(x[xs + l]);
                float[] sm = affineFit(x, xs, weights, levels, 32 * j, aux);
                scales[j] = sm[0];
                mins[j] = sm[1];
                maxScale = Math.max(maxScale, scales[j]);
                maxMin = Math.max(maxMin, mins[j]);
            }
            int o = 144 * b;
            float invScale = maxScale > 0 ? 63f / maxScale : 0f;
            float invMin = maxMin > 0 ? 63f / maxMin : 0f;
            for (int j = 0; j < 8; j++) {
                ls[j] = Math.min(63, nearestInt(invScale * scales[j]));
                lm[j] = Math.min(63, nearestInt(invMin * mins[j]));
            }
            putScaleMins(out, o + 4, ls, lm);
            short dh = Float.floatToFloat16(maxScale / 63f);
            short mh = Float.floatToFloat16(maxMin / 63f);
            putShort(out, o, dh);
            putShort(out, o + 2, mh);
            float d = Float.float16ToFloat(dh);
            float dmin = Float.float16ToFloat(mh);
            for (int j = 0; j < 8; j++) {
                float dj = d * ls[j];
                if (dj == 0f) continue; // levels of the first fit stay; they decode to -dmin * m either way
                float mj = dmin * lm[j];
                for (int l = 0; l < 32; l++) {
                    int q = nearestInt((x[xb + 32 * j + l] + mj) / dj);
                    levels[32 * j + l] = Math.max(0, Math.min(15, q));
                }
            }
            // bytes 32c..32c+31 hold sub-block 2c in the low nibbles and 2c+1 in the high nibbles
            for (int c = 0; c < 4; c++) {
                for (int l = 0; l < 32; l++) {
                    out[o + 16 + 32 * c + l] = (byte) (levels[64 * c + l] | (levels[64 * c + 32 + l] << 4));
                }
            }
        }
        return out;
    }

    /**
     * Weighted affine 4-bit fit of x[xs..xs+32): levels written to levels[lo..lo+32); returns {scale, min}
     * with x ~ scale * q - min and min >= 0.
     */
    private static float[] affineFit(float[] x, int xs, float[] w, int[] levels, int lo, int[] aux) {
        final int n = 32, nmax = 15, nstep = 20;
        final float rmin = -1f, rdelta = 0.1f;
        float min = x[xs], max = x[xs];
        float sumW = w[0], sumX = w[0] * x[xs];
        for (int i = 1; i < n; i++) {
            min = Math.min(min, x[xs + i]);
            max = Math.max(max, x[xs + i]);
            sumW += w[i];
            sumX += w[i] * x[xs + i];
        }
        if (min > 0) min = 0;
        if (max == min) {
            for (int i = 0; i < n; i++) levels[lo + i] = 0;
            return new float[] {0f, -min};
        }
        float iscale = nmax / (max - min);
        float scale = 1 / iscale;
        float bestError = 0f;
        for (int i = 0; i < n; i++) {
            int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[xs + i] - min))));
            levels[lo + i] = l;
            float diff = scale * l + min - x[xs + i];
            bestError += w[i] * diff * diff;
        }
        for (int is = 0; is <= nstep; is++) {
            iscale = (rmin + rdelta * is + nmax) / (max - min);
            float sumL = 0, sumL2 = 0, sumXL = 0;
            for (int i = 0; i < n; i++) {
                int l = Math.max(0, Math.min(nmax, nearestInt(iscale * (x[xs + i] - min))));
                aux[i] = l;
                sumL += w[i] * l;
                sumL2 += w[i] * l * l;
                sumXL += w[i] * l * x[xs + i];
            }
            float det = sumW * sumL2 - sumL * sumL;
            if (det > 0) {
                float thisScale = (sumW * sumXL - sumX * sumL) / det;
                float thisMin = (sumL2 * sumX - sumL * sumXL) / det;
                if (thisMin > 0) {
                    thisMin = 0;
                    thisScale = sumXL / sumL2;
                }
                float error = 0f;
                for (int i = 0; i < n; i++) {
                    float diff = thisScale * aux[i] + thisMin - x[xs + i];
                    error += w[i] * diff * diff;
                }
                if (error < bestError) {
                    System.arraycopy(aux, 0, levels, lo, n);
                    bestError = error;
                    scale = thisScale;
                    min = thisMin;
                }
            }
        }
        return new float[] {scale, -min};
    }

    /** Packs eight 6-bit scales and mins into the 12 scale bytes at out[o..o+12) (the layout {@link Blocks} reads). */
    private static void putScaleMins(byte[] out, int o, int[] ls, int[] lm) {
        for (int j = 0; j < 8; j++) {
            if (j < 4) {
                out[o + j] = (byte) ls[j];
                out[o + j + 4] = (byte) lm[j];
            } else {
                out[o + j + 4] = (byte) ((ls[j] & 0xF) | ((lm[j] & 0xF) << 4));
                out[o + j - 4] = (byte) (out[o + j - 4] | ((ls[j] >> 4) << 6));
                out[o + j] = (byte) (out[o + j] | ((lm[j] >> 4) << 6));
            }
        }
    }

    /** Quantises n floats (n a multiple of 256) into Q6_K blocks of 210 bytes. */
    public static byte[] quantizeQ6_K(float[] x, int off, int n) {
        checkLength(n, "Q6_K");
        byte[] out = new byte[n / QK_K * 210];
        float[] scales = new float[16];
        int[] levels = new int[QK_K];
        float[] sums = new float[2];
        for (int b = 0; b < n / QK_K; b++) {
            int xb = off + QK_K * b;
            int o = 210 * b;
            float maxScale = 0f, maxAbsScale = 0f;
            for (int ib = 0; ib < 16; ib++) {
                float s = symmetricFit(x, xb + 16 * ib, sums);
                scales[ib] = s;
                if (Math.abs(s) > maxAbsScale) {
                    maxAbsScale = Math.abs(s);
                    maxScale = s;
                }
            }
            if (maxAbsScale < GROUP_MAX_EPS) continue; // all-zero block: every byte (d included) stays 0
            float iscale = -128f / maxScale;
            short dh = Float.floatToFloat16(1 / iscale);
            putShort(out, o + 208, dh);
            float d = Float.float16ToFloat(dh);
            for (int ib = 0; ib < 16; ib++) {
                int sc = Math.min(127, nearestInt(iscale * scales[ib]));
                out[o + 192 + ib] = (byte) sc;
                float dj = d * sc;
                for (int l = 0; l < 16; l++) {
                    int q = dj == 0f ? 0 : Math.max(-32, Math.min(31, nearestInt(x[xb + 16 * ib + l] / dj)));
                    levels[16 * ib + l] = q + 32;
                }
            }
            // per half of 128: ql[l] = low nibbles of q[l] | q[l+64] << 4, ql[l+32] = q[l+32] | q[l+96] << 4,
            // qh[l] = the 2 high bits of q[l], q[l+32], q[l+64], q[l+96]
            for (int half = 0; half < 2; half++) {
                int base = 128 * half;
                int ql = o + 64 * half;
                int qh = o + 128 + 32 * half;
                for (int l = 0; l < 32; l++) {
                    int q1 = levels[base + l],
                            q2 = levels[base + l + 32],
                            q3 = levels[base + l + 64],
                            q4 = levels[base + l + 96];
                    out[ql + l] = (byte) ((q1 & 0xF) | ((q3 & 0xF) << 4));
                    out[ql + l + 32] = (byte) ((q2 & 0xF) | ((q4 & 0xF) << 4));
                    out[qh + l] = (byte) ((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
                }
            }
        }
        return out;
    }

    /**
     * Least-squares symmetric 6-bit scale of x[xs..xs+16) with weights x^2 (see the class comment); sums is a
     * scratch of 2.
     */
    private static float symmetricFit(float[] x, int xs, float[] sums) {
        final int n = 16, nmax = 32;
        float max = 0f, amax = 0f;
        for (int i = 0; i < n; i++) {
            float a = Math.abs(x[xs + i]);
            if (a > amax) {
                amax = a;
                max = x[xs + i];
            }
        }
        if (amax < GROUP_MAX_EPS) return 0f;
        weightedSums(x, xs, -nmax / max, sums);
        float scale = sums[1] != 0 ? sums[0] / sums[1] : 0f;
        float best = scale * sums[0];
        for (int is = -9; is <= 9; is++) {
            if (is == 0) continue;
            weightedSums(x, xs, -(nmax + 0.1f * is) / max, sums);
            if (sums[1] > 0 && sums[0] * sums[0] > best * sums[1]) {
                scale = sums[0] / sums[1];
                best = scale * sums[0];
            }
        }
        return scale;
    }

    /** sums = {sum w x q, sum w q^2} with q = clamp(round(iscale x), -32, 31) and w = x^2, over x[xs..xs+16). */
    private static void weightedSums(float[] x, int xs, float iscale, float[] sums) {
        float sumLX = 0f, sumL2 = 0f;
        for (int i = 0; i < 16; i++) {
            float v = x[xs + i];
            int l = Math.max(-32, Math.min(31, nearestInt(iscale * v)));
            float w = v * v;
            sumLX += w * v * l;
            sumL2 += w * l * l;
        }
        sums[0] = sumLX;
        sums[1] = sumL2;
    }

    /** Round to nearest, ties to even. */
    static int nearestInt(float v) {
        return (int) Math.rint(v);
    }

    private static void putShort(byte[] out, int o, short v) {
        out[o] = (byte) v;
        out[o + 1] = (byte) (v >> 8);
    }

    private static void checkLength(int n, String type) {
        if (n % QK_K != 0)
            throw new IllegalArgumentException(
                    type + " encodes blocks of " + QK_K + " values; " + n + " is not a multiple");
    }
}
