package dev.squeeze.kv.quant;

/**
 * Asymmetric min-max quantisation of one group: scale = (max - min) / (2^b - 1), code = round((x - min) /
 * scale) in [0, 2^b - 1], x ~ code * scale + min. Scale and min are stored as fp16; codes are computed
 * against the fp16-rounded parameters so dequantisation uses exactly what is stored.
 */
final class MinMaxQuantizer {
    private MinMaxQuantizer() {}

    /**
     * Quantises x[off + i * stride] for i in [0, count) into codes[codeOff + i * codeStride] (packed) and
     * returns the fp16 scale and min in params[0], params[1] (as fp16 bit patterns in the shorts).
     */
    public static void quantise(
            float[] x,
            int off,
            int stride,
            int count,
            int bits,
            byte[] codes,
            int codeOff,
            int codeStride,
            short[] scales,
            short[] mins,
            int paramIdx) {
        float mn = Float.POSITIVE_INFINITY, mx = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            float v = x[off + i * stride];
            mn = Math.min(mn, v);
            mx = Math.max(mx, v);
        }
        short min16 = Float.floatToFloat16(mn);
        float minF = Float.float16ToFloat(min16);
        int qmax = (1 << bits) - 1;
        short scale16 = Float.floatToFloat16((mx - minF) / qmax);
        float scaleF = Float.float16ToFloat(scale16);
        scales[paramIdx] = scale16;
        mins[paramIdx] = min16;
        for (int i = 0; i < count; i++) {
            int code = scaleF == 0f ? 0 : Math.round((x[off + i * stride] - minF) / scaleF);
            code = Math.max(0, Math.min(qmax, code));
            BitPacking.set(codes, codeOff + i * codeStride, bits, code);
        }
    }

    public static float dequant(int code, short scale, short min) {
        return code * Float.float16ToFloat(scale) + Float.float16ToFloat(min);
    }
}
