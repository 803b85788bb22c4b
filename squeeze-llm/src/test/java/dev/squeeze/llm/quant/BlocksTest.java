package dev.squeeze.llm.quant;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each GGML block format against a block built by hand from the format description. */
class BlocksTest {

    static MemorySegment seg(byte[] b) {
        MemorySegment s = Arena.ofAuto().allocate(b.length + 64);
        MemorySegment.copy(b, 0, s, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }

    static void f16(byte[] b, int off, float v) {
        short h = Float.floatToFloat16(v);
        b[off] = (byte) h;
        b[off + 1] = (byte) (h >> 8);
    }

    @Test
    void q8_0() {
        byte[] b = new byte[34];
        f16(b, 0, 0.5f);
        for (int i = 0; i < 32; i++) b[2 + i] = (byte) (i - 16);
        float[] out = new float[32];
        Blocks.dequantize(GgmlType.Q8_0, seg(b), 0, out, 0, 32);
        for (int i = 0; i < 32; i++) assertEquals(0.5f * (i - 16), out[i]);
    }

    @Test
    void q4_0() {
        byte[] b = new byte[18];
        f16(b, 0, 2f);
        for (int j = 0; j < 16; j++) b[2 + j] = (byte) ((j & 0xF) | ((15 - j) << 4));
        float[] out = new float[32];
        Blocks.dequantize(GgmlType.Q4_0, seg(b), 0, out, 0, 32);
        for (int j = 0; j < 16; j++) {
            assertEquals(2f * (j - 8), out[j], "low nibble " + j);
            assertEquals(2f * (15 - j - 8), out[j + 16], "high nibble " + j);
        }
    }

    @Test
    void q4_K() {
        int[] sc = {1, 2, 3, 4, 17, 33, 50, 63};
        int[] mn = {0, 5, 10, 20, 16, 32, 48, 60};
        byte[] b = new byte[144];
        f16(b, 0, 1f);
        f16(b, 2, 0.5f);
        // 12 scale bytes: pairs 0-3 in the low 6 bits of bytes 0-3 (scale) and 4-7 (min); pairs 4-7 keep their
        // low 4 bits in bytes 8-11 (scale low nibble, min high nibble) and their top 2 bits in the top bits of
        // bytes 0-3 (scale) and 4-7 (min)
        for (int k = 0; k < 4; k++) {
            b[4 + k] = (byte) (sc[k] | ((sc[k + 4] >> 4) << 6));
            b[4 + k + 4] = (byte) (mn[k] | ((mn[k + 4] >> 4) << 6));
            b[4 + k + 8] = (byte) ((sc[k + 4] & 0xF) | ((mn[k + 4] & 0xF) << 4));
        }
        for (int i = 0; i < 128; i++) b[16 + i] = (byte) ((i % 16) | (((i * 7) % 16) << 4));
        float[] out = new float[256];
        Blocks.dequantize(GgmlType.Q4_K, seg(b), 0, out, 0, 256);
        for (int c = 0; c < 4; c++) {
            for (int l = 0; l < 32; l++) {
                int i = 32 * c + l;
                float lo = 1f * sc[2 * c] * (i % 16) - 0.5f * mn[2 * c];
                float hi = 1f * sc[2 * c + 1] * ((i * 7) % 16) - 0.5f * mn[2 * c + 1];
                assertEquals(lo, out[64 * c + l], 1e-6f, "element " + (64 * c + l));
                assertEquals(hi, out[64 * c + 32 + l], 1e-6f, "element " + (64 * c + 32 + l));
            }
        }
    }

    @Test
    void q6_K() {
        // element e of half h (0..127): l = e % 32, group g = e / 32; low 4 bits from ql[64h + l + 32*(g%2)]
        // (low nibble for g < 2, high for g >= 2), high 2 bits from qh[32h + l] bits 2g..2g+1; scale
        // index 8h + l/16 + 2g; x = d * scale * (q - 32)
        SplittableRandom r = new SplittableRandom(3);
        int[] q = new int[256];
        for (int i = 0; i < 256; i++) q[i] = r.nextInt(64);
        byte[] scales = new byte[16];
        for (int i = 0; i < 16; i++) scales[i] = (byte) (r.nextInt(256) - 128);
        byte[] b = new byte[210];
        for (int h = 0; h < 2; h++) {
            for (int e = 0; e < 128; e++) {
                int l = e % 32, g = e / 32, v = q[128 * h + e];
                int qlIdx = 64 * h + l + 32 * (g % 2);
                if (g < 2) b[qlIdx] |= (byte) (v & 0xF);
                else b[qlIdx] |= (byte) ((v & 0xF) << 4);
                b[128 + 32 * h + l] |= (byte) (((v >> 4) & 3) << (2 * g));
            }
        }
        System.arraycopy(scales, 0, b, 192, 16);
        f16(b, 208, 0.25f);
        float[] out = new float[256];
        Blocks.dequantize(GgmlType.Q6_K, seg(b), 0, out, 0, 256);
        for (int h = 0; h < 2; h++) {
            for (int e = 0; e < 128; e++) {
                int l = e % 32, g = e / 32;
                float want = 0.25f * scales[8 * h + l / 16 + 2 * g] * (q[128 * h + e] - 32);
                assertEquals(want, out[128 * h + e], 1e-6f, "element " + (128 * h + e));
            }
        }
    }

    @Test
    void halfFloats() {
        byte[] b = new byte[8];
        f16(b, 0, 1.5f);
        f16(b, 2, -0.0009765625f);
        int bf = Float.floatToRawIntBits(-3.25f) >>> 16;
        b[4] = (byte) bf;
        b[5] = (byte) (bf >> 8);
        MemorySegment s = seg(b);
        float[] out = new float[2];
        Blocks.dequantize(GgmlType.F16, s, 0, out, 0, 2);
        assertArrayEquals(new float[] {1.5f, -0.0009765625f}, out);
        Blocks.dequantize(GgmlType.BF16, s, 4, out, 0, 1);
        assertEquals(-3.25f, out[0]);
    }

    @Test
    void quantisersRoundTripWithinHalfAStep() {
        SplittableRandom r = new SplittableRandom(11);
        float[] x = new float[256];
        for (int i = 0; i < x.length; i++) x[i] = (float) r.nextGaussian();
        float[] back = new float[256];
        Blocks.dequantize(GgmlType.Q8_0, seg(Blocks.quantizeQ8_0(x, 0, 256)), 0, back, 0, 256);
        for (int b = 0; b < 8; b++) {
            float amax = 0;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(x[32 * b + i]));
            for (int i = 0; i < 32; i++) assertEquals(x[32 * b + i], back[32 * b + i], amax / 127 * 0.51f + 1e-3f);
        }
        Blocks.dequantize(GgmlType.Q4_0, seg(Blocks.quantizeQ4_0(x, 0, 256)), 0, back, 0, 256);
        for (int b = 0; b < 8; b++) {
            float amax = 0;
            for (int i = 0; i < 32; i++) amax = Math.max(amax, Math.abs(x[32 * b + i]));
            // half a step, except values of the other sign than the block's extreme beyond +7 steps clamp (one step)
            for (int i = 0; i < 32; i++) assertEquals(x[32 * b + i], back[32 * b + i], amax / 8 * 1.01f + 1e-3f);
        }
    }
}
