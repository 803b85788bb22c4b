package dev.squeeze.llm.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Scalar (de)quantisation of GGML blocks, written from the format description:
 * <ul>
 *   <li>Q8_0: fp16 scale d, 32 int8 q; x = d q.</li>
 *   <li>Q4_0: fp16 scale d, 16 bytes; element j &lt; 16 is the low nibble of byte j, element j + 16 its
 *       high nibble; x = d (nibble - 8).</li>
 *   <li>Q4_K (256 elements, 144 bytes): fp16 d, fp16 dmin, 12 bytes of eight 6-bit (scale, min) pairs,
 *       128 bytes of nibbles. Sub-blocks of 32: pair k = 2c and 2c+1 cover elements 64c.. using the low
 *       and then the high nibbles of bytes 32c..32c+31; x = d sc q - dmin m.</li>
 *   <li>Q6_K (256 elements, 210 bytes): 128 bytes of low nibbles ql, 64 bytes of 2-bit high parts qh,
 *       16 int8 scales, fp16 d; x = d scale q with q in [-32, 31].</li>
 * </ul>
 */
public final class Blocks {
    private Blocks() {}

    static final ValueLayout.OfShort SHORT_LE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt INT_LE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat FLOAT_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    public static float f16(MemorySegment seg, long off) {
        return Float.float16ToFloat(seg.get(SHORT_LE, off));
    }

    public static float bf16(MemorySegment seg, long off) {
        return Float.intBitsToFloat((seg.get(SHORT_LE, off) & 0xFFFF) << 16);
    }

    /** Dequantises n elements of {@code type} starting at byte {@code off} into out[outOff..]. */
    public static void dequantize(GgmlType type, MemorySegment seg, long off, float[] out, int outOff, int n) {
        switch (type) {
            case F32 -> MemorySegment.copy(seg, FLOAT_LE, off, out, outOff, n);
            case F16 -> {
                for (int i = 0; i < n; i++) out[outOff + i] = f16(seg, off + 2L * i);
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) out[outOff + i] = bf16(seg, off + 2L * i);
            }
            case Q8_0 -> {
                for (int b = 0; b < n / 32; b++) q8_0Block(seg, off + 34L * b, out, outOff + 32 * b);
            }
            case Q4_0 -> {
                for (int b = 0; b < n / 32; b++) q4_0Block(seg, off + 18L * b, out, outOff + 32 * b);
            }
            case Q4_K -> {
                for (int b = 0; b < n / 256; b++) q4_KBlock(seg, off + 144L * b, out, outOff + 256 * b);
            }
            case Q6_K -> {
                for (int b = 0; b < n / 256; b++) q6_KBlock(seg, off + 210L * b, out, outOff + 256 * b);
            }
            default -> throw new IllegalArgumentException("cannot dequantise ggml type " + type + " (unsupported)");
        }
    }

    static void q8_0Block(MemorySegment seg, long off, float[] out, int o) {
        float d = f16(seg, off);
        for (int i = 0; i < 32; i++) out[o + i] = d * seg.get(ValueLayout.JAVA_BYTE, off + 2 + i);
    }

    static void q4_0Block(MemorySegment seg, long off, float[] out, int o) {
        float d = f16(seg, off);
        for (int j = 0; j < 16; j++) {
            int b = seg.get(ValueLayout.JAVA_BYTE, off + 2 + j) & 0xFF;
            out[o + j] = d * ((b & 0x0F) - 8);
            out[o + j + 16] = d * ((b >>> 4) - 8);
        }
    }

    /** The 6-bit scale (which = 0) or min (which = 1) of sub-block k of a Q4_K block's 12 scale bytes. */
    static int q4kScaleMin(MemorySegment seg, long scalesOff, int k, int which) {
        if (k < 4) {
            return (seg.get(ValueLayout.JAVA_BYTE, scalesOff + k + 4L * which) & 0xFF) & 63;
        }
        int packed = seg.get(ValueLayout.JAVA_BYTE, scalesOff + k + 4) & 0xFF;
        int low = which == 0 ? (packed & 0x0F) : (packed >>> 4);
        int highSrc = seg.get(ValueLayout.JAVA_BYTE, scalesOff + k - 4 + 4L * which) & 0xFF;
        return low | ((highSrc >>> 6) << 4);
    }

    static void q4_KBlock(MemorySegment seg, long off, float[] out, int o) {
        float d = f16(seg, off);
        float dmin = f16(seg, off + 2);
        long scales = off + 4;
        long qs = off + 16;
        for (int c = 0; c < 4; c++) {
            float d1 = d * q4kScaleMin(seg, scales, 2 * c, 0);
            float m1 = dmin * q4kScaleMin(seg, scales, 2 * c, 1);
            float d2 = d * q4kScaleMin(seg, scales, 2 * c + 1, 0);
            float m2 = dmin * q4kScaleMin(seg, scales, 2 * c + 1, 1);
            for (int l = 0; l < 32; l++) {
                int b = seg.get(ValueLayout.JAVA_BYTE, qs + 32L * c + l) & 0xFF;
                out[o + 64 * c + l] = d1 * (b & 0x0F) - m1;
                out[o + 64 * c + 32 + l] = d2 * (b >>> 4) - m2;
            }
        }
    }

    static void q6_KBlock(MemorySegment seg, long off, float[] out, int o) {
        long ql = off;
        long qh = off + 128;
        long sc = off + 192;
        float d = f16(seg, off + 208);
        for (int half = 0; half < 2; half++) {
            long qlH = ql + 64L * half;
            long qhH = qh + 32L * half;
            long scH = sc + 8L * half;
            int base = o + 128 * half;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int lo0 = seg.get(ValueLayout.JAVA_BYTE, qlH + l) & 0xFF;
                int lo1 = seg.get(ValueLayout.JAVA_BYTE, qlH + l + 32) & 0xFF;
                int h = seg.get(ValueLayout.JAVA_BYTE, qhH + l) & 0xFF;
                int q1 = ((lo0 & 0x0F) | ((h & 3) << 4)) - 32;
                int q2 = ((lo1 & 0x0F) | (((h >>> 2) & 3) << 4)) - 32;
                int q3 = ((lo0 >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                int q4 = ((lo1 >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                out[base + l] = d * seg.get(ValueLayout.JAVA_BYTE, scH + is) * q1;
                out[base + l + 32] = d * seg.get(ValueLayout.JAVA_BYTE, scH + is + 2) * q2;
                out[base + l + 64] = d * seg.get(ValueLayout.JAVA_BYTE, scH + is + 4) * q3;
                out[base + l + 96] = d * seg.get(ValueLayout.JAVA_BYTE, scH + is + 6) * q4;
            }
        }
    }

    // ------------------------------------------------------------ quantisation (used by the GGUF writer)

    /** Quantises n floats (n a multiple of 32) into Q8_0 blocks: d = max|x| / 127, q = round(x / d). */
    public static byte[] quantizeQ8_0(float[] x, int off, int n) {
        byte[] out = new byte[n / 32 * 34];
        for (int b = 0; b < n / 32; b++) {
            float amax = 0f;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(x[off + 32 * b + i]));
            float d = amax / 127f;
            short dh = Float.floatToFloat16(d);
            float dr = Float.float16ToFloat(dh);
            float inv = dr == 0f ? 0f : 1f / dr;
            int o = 34 * b;
            out[o] = (byte) dh;
            out[o + 1] = (byte) (dh >> 8);
            for (int i = 0; i < 32; i++) {
                int q = Math.round(x[off + 32 * b + i] * inv);
                out[o + 2 + i] = (byte) Math.max(-127, Math.min(127, q));
            }
        }
        return out;
    }

    /**
     * Quantises n floats into Q4_0 blocks: the element of largest magnitude (sign kept) maps to -8,
     * d = max / -8, nibble = clamp(round(x / d) + 8, 0, 15).
     */
    public static byte[] quantizeQ4_0(float[] x, int off, int n) {
        byte[] out = new byte[n / 32 * 18];
        for (int b = 0; b < n / 32; b++) {
            float amax = 0f, max = 0f;
            for (int i = 0; i < 32; i++) {
                float v = x[off + 32 * b + i];
                if (Math.abs(v) > amax) {
                    amax = Math.abs(v);
                    max = v;
                }
            }
            float d = max / -8f;
            short dh = Float.floatToFloat16(d);
            float dr = Float.float16ToFloat(dh);
            float inv = dr == 0f ? 0f : 1f / dr;
            int o = 18 * b;
            out[o] = (byte) dh;
            out[o + 1] = (byte) (dh >> 8);
            for (int j = 0; j < 16; j++) {
                int lo = Math.min(15, Math.max(0, Math.round(x[off + 32 * b + j] * inv) + 8));
                int hi = Math.min(15, Math.max(0, Math.round(x[off + 32 * b + j + 16] * inv) + 8));
                out[o + 2 + j] = (byte) (lo | (hi << 4));
            }
        }
        return out;
    }
}
