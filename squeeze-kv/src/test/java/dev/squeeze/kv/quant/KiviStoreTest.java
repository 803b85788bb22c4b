package dev.squeeze.kv.quant;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.DenseKvStore;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.RopeRotation;
import dev.squeeze.kv.api.RopeSpec;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * KIVI (Algorithm 1 layout), the block store under GEAR, GEAR and ZipCache: hand-computed codes, residual
 * lengths after l appends, byte formulas, attention from packed data vs the dequantised reference.
 */
public class KiviStoreTest {

    // (4 tokens, 4 channels)
    static final float[][] K = {{0, 10, -1, 0}, {1, 10, 0.5f, 0.25f}, {2, 10, 2, 0.5f}, {3, 10, -1, 0.75f}};
    static final float[][] V = {{0, 3, 1, 2}, {4, 4, 4, 4}, {0, 0.5f, 1, 1.5f}, {-2, 1, 0, -1}};

    // keys of tokens 4..7: channel 0 constant, channels 1..3 step 1, 2, 3 per token -> codes (0, t, t, t), exact on the
    // grid
    static final float[][] K2 = {{0, 0, 0, 0}, {0, 1, 2, 3}, {0, 2, 4, 6}, {0, 3, 6, 9}};
    // values of tokens 4..7: never on a 2-bit grid, so exact read-back proves they are held full precision
    static final float[][] V2 = {
        {0.1f, 0.7f, 0.3f, 0.9f}, {1.1f, -0.2f, 0.05f, 0.6f}, {0.33f, 0.2f, -0.9f, 0.4f}, {2.5f, 0.1f, 0.2f, 0.3f}
    };

    static KiviStore handStore(int n) {
        KiviStore s = new KiviStore(4, 16, 2, 4, 4);
        for (int t = 0; t < n; t++) s.append(t < 4 ? K[t] : K2[t - 4], 0, t < 4 ? V[t] : V2[t - 4], 0, t);
        return s;
    }

    // keys per channel: c0 min 0 scale 1 -> 0,1,2,3; c1 constant -> 0; c2 min -1 scale 1 -> 0,2(1.5 rounds up),3,0; c3
    // scale .25 -> 0..3
    static final int[][] KC = {{0, 0, 0, 0}, {1, 0, 2, 1}, {2, 0, 3, 2}, {3, 0, 0, 3}};
    static final float[][] K_DEQ = {{0, 10, -1, 0}, {1, 10, 1, 0.25f}, {2, 10, 2, 0.5f}, {3, 10, -1, 0.75f}};
    // values per token: token 2 = {0, .5, 1, 1.5}: min 0, scale .5 -> 0,1,2,3; token 1 constant -> all 0
    static final int[][] VC = {{0, 3, 1, 2}, {0, 0, 0, 0}, {0, 1, 2, 3}, {0, 3, 2, 1}};

    @Test
    void kiviQuantisesKeysPerChannelOverGTokensAndValuesPerTokenWithHandComputedCodes() {
        // G = 4, R = 4, 8 tokens: keys 8 mod 4 = 0 residual -> two key groups; values: the last 4 full precision
        KiviStore s = handStore(8);
        assertEquals(8, s.quantisedKeys());
        assertEquals(0, s.keyResidualLength());
        assertEquals(4, s.quantisedValues());
        assertEquals(4, s.valueResidualLength());
        for (int t = 0; t < 4; t++)
            for (int c = 0; c < 4; c++) {
                assertEquals(KC[t][c], s.keyCode(t, c), "key code " + t + "," + c);
                assertEquals(c == 0 ? 0 : t, s.keyCode(4 + t, c), "second key group code " + t + "," + c);
                assertEquals(VC[t][c], s.valueCode(t, c), "value code " + t + "," + c);
            }
        FloatMatrix k = s.keys(), v = s.values();
        for (int t = 0; t < 4; t++)
            for (int c = 0; c < 4; c++) {
                assertEquals(K_DEQ[t][c], k.get(t, c), 1e-6f);
                assertEquals(K2[t][c], k.get(4 + t, c), 1e-6f);
                assertEquals(V[t][c], v.get(t, c), 1e-6f); // these values are exact on the 2-bit grid
                assertEquals(V2[t][c], v.get(4 + t, c), 0f); // residual: exactly what was appended
            }
        // 6 tokens: keys 6 mod 4 = 2 stay full precision (one group quantised); values 2 quantised, 4 residual
        KiviStore six = handStore(6);
        assertEquals(4, six.quantisedKeys());
        assertEquals(2, six.keyResidualLength());
        assertEquals(2, six.quantisedValues());
        assertEquals(4, six.valueResidualLength());
        for (int c = 0; c < 4; c++) {
            assertEquals(K2[1][c], six.keys().get(5, c), 0f, "key 5 is in the residual, exact");
            assertEquals(VC[1][c], six.valueCode(1, c));
            assertEquals(V[2][c], six.values().get(2, c), 0f, "value 2 is in the residual");
        }
    }

    @Test
    void blockStoreQuantisesKeysAndValuesTogetherWithHandComputedCodes() {
        BlockQuantStore s = new BlockQuantStore(4, 16, 2, 4, 0);
        for (int t = 0; t < 4; t++) s.append(K[t], 0, V[t], 0, t);
        assertEquals(4, s.quantisedLength());
        KvQuantBlock b = s.blocks.get(0);
        for (int t = 0; t < 4; t++)
            for (int c = 0; c < 4; c++) {
                assertEquals(KC[t][c], b.keys.code(t, c), "key code " + t + "," + c);
                assertEquals(VC[t][c], b.values.code(t, c), "value code " + t + "," + c);
            }
        assertEquals((byte) (1 | 2 << 4 | 1 << 6), b.keys.codes[1], "token 1's packed byte");
        FloatMatrix k = s.keys(), v = s.values();
        for (int t = 0; t < 4; t++)
            for (int c = 0; c < 4; c++) {
                assertEquals(K_DEQ[t][c], k.get(t, c), 1e-6f);
                assertEquals(V[t][c], v.get(t, c), 1e-6f);
            }
        // codes 16 x 2 bits = 4 bytes each for K and V; key scale+min 2 x 4 fp16; value scale+min 2 x 4 tokens fp16
        assertEquals(4 + 4 + 16 + 16, s.bytes());
        s.append(new float[] {1, 2, 3, 4}, 0, new float[] {1, 2, 3, 4}, 0, 4);
        assertEquals(40 + 2 * 4 * 4, s.bytes(), "one fp32 residual entry adds 2 x 4 x 4 bytes");
        BlockQuantStore big = new BlockQuantStore(8, 512, 4, 32, 32);
        fill(big, 200, 1);
        int blocks = (200 - 32) / 32, resid = 200 - blocks * 32;
        long perBlock = 2L * (32 * 8 * 4 / 8) + 2L * (8 + 8) + 2L * (32 * 2);
        assertEquals(blocks * perBlock + 2L * 4 * 8 * resid, big.bytes());
    }

    @ParameterizedTest
    @CsvSource({"32, 32", "16, 64", "8, 0", "4, 4"})
    void appendingOneAtATimeReproducesThePrefillState(int group, int residual) {
        int d = 8;
        for (int l : new int[] {0, 1, 3, 4, 7, 8, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 192, 200}) {
            KiviStore s = new KiviStore(d, 256, 2, group, residual);
            fill(s, l, 17);
            int flush = residual == 0 ? group : residual;
            assertEquals(l - l % flush, s.quantisedKeys(), "quantised keys at l = " + l);
            assertEquals(l % flush, s.keyResidualLength(), "key residual at l = " + l);
            assertEquals(l - Math.min(residual, l), s.quantisedValues(), "quantised values at l = " + l);
            assertEquals(Math.min(residual, l), s.valueResidualLength(), "value residual at l = " + l);
            // the prefill formula, computed directly on the whole (l, d) matrices
            DenseKvStore raw = new DenseKvStore(d, 256);
            fill(raw, l, 17);
            float[] kRef = raw.keys().data().clone(), vRef = raw.values().data().clone();
            int kq = l - l % flush, vq = l - Math.min(residual, l);
            short[] sc = new short[1], mn = new short[1];
            byte[] codes = new byte[BitPacking.packedBytes(Math.max(group, d), 2)];
            for (int g0 = 0; g0 < kq; g0 += group)
                for (int c = 0; c < d; c++) { // keys: per channel over G tokens
                    MinMaxQuantizer.quantise(kRef, g0 * d + c, d, group, 2, codes, 0, 1, sc, mn, 0);
                    for (int t = 0; t < group; t++)
                        kRef[(g0 + t) * d + c] = MinMaxQuantizer.dequant(BitPacking.get(codes, t, 2), sc[0], mn[0]);
                }
            int vg = Math.min(group, d);
            for (int t = 0; t < vq; t++)
                for (int c0 = 0; c0 < d; c0 += vg) { // values: per token over min(G, d) channels
                    int cnt = Math.min(d, c0 + vg) - c0;
                    MinMaxQuantizer.quantise(vRef, t * d + c0, 1, cnt, 2, codes, 0, 1, sc, mn, 0);
                    for (int c = 0; c < cnt; c++)
                        vRef[t * d + c0 + c] = MinMaxQuantizer.dequant(BitPacking.get(codes, c, 2), sc[0], mn[0]);
                }
            assertArrayEquals(kRef, s.keys().data(), 0f, "keys at l = " + l);
            assertArrayEquals(vRef, s.values().data(), 0f, "values at l = " + l);
            assertArrayEquals(raw.positions(), s.positions(), 0f);
            // replace (how a press swaps a prefilled cache in) gives the same state
            KiviStore r = new KiviStore(d, 256, 2, group, residual);
            r.replace(raw.keys(), raw.values(), raw.positions());
            assertArrayEquals(s.keys().data(), r.keys().data(), 0f);
            assertArrayEquals(s.values().data(), r.values().data(), 0f);
            assertEquals(s.bytes(), r.bytes());
        }
    }

    static RopeRotation rope(int d) {
        return new RopeRotation(RopeSpec.of(10000f, RopeSpec.Style.INTERLEAVED), d, 1024);
    }

    @Test
    void preRopeKeysAreQuantisedBeforeTheRotationAndReadBackRotated() {
        // every token has the same pre-RoPE key: each channel is constant over the group (up to the float rounding
        // of rotating back), so its pre-RoPE codes are exact; the cached keys R(p) k~ sweep the first pair's circle, so
        // post-RoPE KIVI cannot be exact
        int d = 4, n = 8;
        RopeRotation rope = rope(d);
        float[] base = {1.5f, -0.5f, 2f, 0.25f}; // exactly representable in fp16
        KiviStore pre = new KiviStore(d, 16, 2, 4, 4, false, rope), post = new KiviStore(d, 16, 2, 4, 4);
        DenseKvStore raw = new DenseKvStore(d, 16);
        float[] v = {0, 1, 2, 3};
        for (int t = 0; t < n; t++) {
            float[] k = base.clone();
            rope.rotate(k, 0, 1, t);
            pre.append(k, 0, v, 0, t);
            post.append(k, 0, v, 0, t);
            raw.append(k, 0, v, 0, t);
        }
        assertTrue(pre.preRope());
        assertEquals(8, pre.quantisedKeys());
        assertArrayEquals(raw.keys().data(), pre.keys().data(), 2e-6f, "dequantised and rotated back to each position");
        double errPost = 0;
        for (int i = 0; i < n * d; i++)
            errPost = Math.max(
                    errPost, Math.abs(raw.keys().data()[i] - post.keys().data()[i]));
        assertTrue(errPost > 0.05, "post-RoPE codes of the same keys are lossy: max error " + errPost);
        // scores rotate each dequantised key to its position: q . R(p) k~
        float[] q = {0.3f, -1, 0.7f, 2}, out = new float[n];
        pre.scores(q, 0, n, out, 0);
        for (int t = 0; t < n; t++) {
            double ref = 0;
            for (int c = 0; c < d; c++) ref += q[c] * raw.keys().get(t, c);
            assertEquals(ref, out[t], 1e-5, "score " + t);
        }
    }

    @ParameterizedTest
    @CsvSource({"32, 32", "8, 0", "4, 4"})
    void preRopeStoreBuiltOneAtATimeEqualsReplaceAndItsAttentionEqualsItsDequantisedKeys(int group, int residual) {
        int d = 8;
        RopeRotation rope = rope(d);
        for (int l : new int[] {0, 1, 4, 31, 32, 33, 100, 192}) {
            KiviStore s = new KiviStore(d, 256, 2, group, residual, false, rope);
            fill(s, l, 5);
            int flush = residual == 0 ? group : residual;
            assertEquals(l - l % flush, s.quantisedKeys(), "quantised keys at l = " + l);
            DenseKvStore raw = new DenseKvStore(d, 256);
            fill(raw, l, 5);
            KiviStore r = new KiviStore(d, 256, 2, group, residual, false, rope);
            r.replace(raw.keys(), raw.values(), raw.positions());
            assertArrayEquals(s.keys().data(), r.keys().data(), 0f);
            // reference: rotate back, quantise per channel over G tokens, rotate forward
            float[] kRef = raw.keys().data().clone();
            int kq = l - l % flush;
            for (int t = 0; t < kq; t++) rope.rotateBy(kRef, t * d, -t);
            short[] sc = new short[1], mn = new short[1];
            byte[] codes = new byte[BitPacking.packedBytes(group, 2)];
            for (int g0 = 0; g0 < kq; g0 += group)
                for (int c = 0; c < d; c++) {
                    MinMaxQuantizer.quantise(kRef, g0 * d + c, d, group, 2, codes, 0, 1, sc, mn, 0);
                    for (int t = 0; t < group; t++)
                        kRef[(g0 + t) * d + c] = MinMaxQuantizer.dequant(BitPacking.get(codes, t, 2), sc[0], mn[0]);
                }
            for (int t = 0; t < kq; t++) rope.rotateBy(kRef, t * d, t);
            assertArrayEquals(kRef, s.keys().data(), 1e-5f, "keys at l = " + l);
            if (l > 40) assertAttentionMatchesDequantised(s, l, l, l - 7, 33);
        }
    }

    @Test
    void preRopeRotationMustMatchTheHeadWidth() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new KiviStore(8, 16, 2, 4, 4, false, rope(4)));
        assertTrue(e.getMessage().contains("head_dim 4") && e.getMessage().contains("head_dim is 8"), e.getMessage());
    }

    @Test
    void kiviBytesFollowTheHandFormula() {
        // head_dim 8, G = 32, R = 32, 2 bits, l = 192: keys 192 quantised (6 groups), 0 residual;
        // values 160 quantised + 32 residual
        KiviStore s = new KiviStore(8, 512, 2, 32, 32);
        fill(s, 192, 1);
        long keyCodes = 192 * 8 * 2 / 8, keyParams = 6 * 8 * 2 * 2; // 384 + 192
        long valueCodes = 160 * 8 * 2 / 8,
                valueParams = 160 * 1 * 2 * 2; // 320 + 640 (one group of 8 channels per token)
        long valueResidual = 32 * 8 * 4; // 1024
        assertEquals(keyCodes + keyParams + valueCodes + valueParams + valueResidual, s.bytes());
        assertEquals(2560, s.bytes());
        // l = 200: keys 192 quantised + 8 residual; values 168 quantised + 32 residual
        fill(s, 8, 2);
        assertEquals(384 + 192 + 8 * 8 * 4 + 168 * 2 + 168 * 4 + 1024, s.bytes());
        // R = 0: every value quantised on arrival; keys flushed every G tokens (200 mod 32 = 8 residual)
        KiviStore r0 = new KiviStore(8, 512, 2, 32, 0);
        fill(r0, 200, 1);
        assertEquals(0, r0.valueResidualLength());
        assertEquals(8, r0.keyResidualLength());
        assertEquals(384 + 192 + 8 * 8 * 4 + 200 * 2 + 200 * 4, r0.bytes());
        s.clear();
        assertEquals(0, s.bytes());
        assertEquals(0, s.length());
    }

    @Test
    void fp16ResidualIsRoundedToHalfPrecisionAndCountedAtTwoBytes() {
        KiviStore s = new KiviStore(4, 16, 2, 4, 4, true);
        float[] k = {1.0001f, -2.5f, 3.14159f, 65504f}, v = {0.1f, 1e-4f, -7.3f, 2};
        s.append(k, 0, v, 0, 0);
        assertEquals(0, s.quantisedKeys());
        assertEquals(0, s.quantisedValues());
        assertEquals(2L * 2 * 4, s.bytes(), "one fp16 key and one fp16 value of 4 channels: 2 x 4 x 2 bytes");
        // independent reference: IEEE half precision rounding of each input
        assertEquals(1.0f, s.keys().get(0, 0), 0f, "1.0001 rounds to 1.0 in fp16 (spacing 2^-10)");
        assertEquals(3.140625f, s.keys().get(0, 2), 0f, "pi rounds to 3.140625 in fp16");
        assertEquals(0.0999755859375f, s.values().get(0, 0), 0f, "0.1 rounds to 0.0999755859375 in fp16");
        assertEquals(-7.30078125f, s.values().get(0, 2), 0f);
        float[] q = {1, 1, 1, 1}, out = new float[1];
        s.scores(q, 0, 1, out, 0);
        assertEquals(1.0f - 2.5f + 3.140625f + 65504f, out[0], 1e-2f, "scores read the fp16-rounded residual");
        KiviStore fp32 = new KiviStore(8, 512, 2, 32, 32), fp16 = new KiviStore(8, 512, 2, 32, 32, true);
        fill(fp32, 200, 3);
        fill(fp16, 200, 3);
        assertEquals(
                (8 + 32) * 8 * 2,
                fp32.bytes() - fp16.bytes(),
                "8 residual keys + 32 residual values, 8 channels, 2 bytes saved each");
    }

    static void fill(HeadKvStore s, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = s.headDim();
        float[] k = new float[d], v = new float[d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                k[c] = (float) (r.nextGaussian() * (c == 1 ? 5 : 1));
                v[c] = (float) r.nextGaussian();
            }
            s.append(k, 0, v, 0, i);
        }
    }

    public static void assertAttentionMatchesDequantised(HeadKvStore s, long seed) {
        assertAttentionMatchesDequantised(s, seed, s.length(), s.length() - 7, 33);
    }

    /** Scores and weighted values over the first {@code count} entries, for each count, equal those of keys()/values(). */
    public static void assertAttentionMatchesDequantised(HeadKvStore s, long seed, int... counts) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = s.length(), d = s.headDim();
        float[] q = new float[d];
        for (int c = 0; c < d; c++) q[c] = (float) r.nextGaussian();
        FloatMatrix k = s.keys(), v = s.values();
        float[] sc = new float[n];
        for (int count : counts) {
            s.scores(q, 0, count, sc, 0);
            for (int i = 0; i < count; i++) {
                double ref = 0;
                for (int c = 0; c < d; c++) ref += q[c] * k.get(i, c);
                assertEquals(ref, sc[i], 1e-4 * (1 + Math.abs(ref)), "score " + i + " of " + count);
            }
            float[] w = new float[count];
            for (int i = 0; i < count; i++) w[i] = (float) r.nextDouble();
            float[] out = new float[d];
            s.weightedValues(w, 0, count, out, 0);
            for (int c = 0; c < d; c++) {
                double ref = 0;
                for (int i = 0; i < count; i++) ref += w[i] * v.get(i, c);
                assertEquals(ref, out[c], 1e-4 * (1 + Math.abs(ref)), "weighted value channel " + c);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 4, 8})
    void kiviAttentionFromPackedCodesEqualsDequantisedReference(int bits) {
        KiviStore s = new KiviStore(8, 512, bits, 32, 32);
        fill(s, 150, bits);
        assertEquals(128, s.quantisedKeys());
        assertEquals(118, s.quantisedValues());
        // counts below, between and above the two quantised prefixes (118 values, 128 keys)
        assertAttentionMatchesDequantised(s, 7, 150, 143, 33, 120, 128, 0);
        KiviStore wide = new KiviStore(8, 512, bits, 16, 64);
        fill(wide, 140, bits + 10);
        assertEquals(128, wide.quantisedKeys());
        assertEquals(76, wide.quantisedValues());
        assertAttentionMatchesDequantised(wide, 8, 140, 100, 77, 129, 5);
        KiviStore r0 = new KiviStore(8, 512, bits, 8, 0, true);
        fill(r0, 75, bits + 20);
        assertAttentionMatchesDequantised(r0, 9);
        BlockQuantStore block = new BlockQuantStore(8, 512, bits, 32, 32);
        fill(block, 150, bits);
        assertTrue(block.quantisedLength() > 0);
        assertAttentionMatchesDequantised(block, 7);
    }

    @Test
    void gearAttentionFromPackedDataEqualsItsReconstructionAndBeatsKiviError() {
        GearStore g = new GearStore(8, 512, 2, 32, 0, 0.02, 2, 3);
        BlockQuantStore k = new BlockQuantStore(8, 512, 2, 32, 0); // the same streaming buffer without GEAR's L and S
        fill(g, 128, 3);
        fill(k, 128, 3);
        assertAttentionMatchesDequantised(g, 9);
        DenseKvStore ref = new DenseKvStore(8, 512); // the exact data
        fill(ref, 128, 3);
        double eg = err(g.keys(), ref.keys()) + err(g.values(), ref.values());
        double ek = err(k.keys(), ref.keys()) + err(k.values(), ref.values());
        assertTrue(eg < 0.8 * ek, "GEAR error " + eg + " should be well below KIVI's " + ek);
        assertTrue(g.bytes() > k.bytes(), "GEAR holds extra low-rank and outlier bytes");
    }

    static double err(FloatMatrix a, FloatMatrix b) {
        double s = 0;
        for (int i = 0; i < a.data().length; i++)
            s += (a.data()[i] - b.data()[i]) * (double) (a.data()[i] - b.data()[i]);
        return s;
    }

    @Test
    void zipCacheMixedPrecisionMatchesReferenceAndCountsBytes() {
        int n = 100, d = 8;
        ZipCacheStore z = new ZipCacheStore(d, 256, 4, 2);
        DenseKvStore raw = new DenseKvStore(d, 256);
        fill(raw, n, 5);
        boolean[] sal = new boolean[n];
        int nHi = 0;
        for (int i = 0; i < n; i++)
            if (i % 5 < 3) {
                sal[i] = true;
                nHi++;
            }
        z.build(raw.keys(), raw.values(), raw.positions(), sal);
        assertAttentionMatchesDequantised(z, 11);
        long expect = (nHi * d * 4 / 8) * 2L + ((n - nHi) * d * 2 / 8) * 2L + 2L * (5 * d + 2 * n) + (n + 7) / 8;
        assertEquals(expect, z.bytes());
        // salient entries are reconstructed more accurately
        FloatMatrix zk = z.values(), rk = raw.values();
        double eHi = 0, eLo = 0;
        for (int i = 0; i < n; i++)
            for (int c = 0; c < d; c++) {
                double e = Math.abs(zk.get(i, c) - rk.get(i, c));
                if (sal[i]) eHi += e / nHi;
                else eLo += e / (n - nHi);
            }
        assertTrue(eHi < eLo, "4-bit entries " + eHi + " vs 2-bit " + eLo);
        z.append(new float[d], 0, new float[d], 0, 100);
        assertEquals(expect + 2L * 4 * d, z.bytes());
    }

    @Test
    void unsupportedBitsAreRejectedWithTheValue() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new KiviStore(8, 16, 3, 32, 32));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
    }

    @Test
    void residualThatIsNotAMultipleOfTheGroupIsRejectedWithBothValues() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> new KiviStore(8, 256, 2, 32, 48));
        assertTrue(e.getMessage().contains("R = 48") && e.getMessage().contains("G = 32"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new KiviStore(8, 256, 2, 8, 4));
        assertTrue(e.getMessage().contains("R = 4") && e.getMessage().contains("G = 8"), e.getMessage());
        assertEquals(64, new KiviStore(8, 256, 2, 32, 64).residual(), "R = 2G is accepted");
        assertThrows(IllegalArgumentException.class, () -> new KiviStore(8, 256, 2, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new KiviStore(8, 256, 2, 32, -32));
    }

    @Test
    void appendBeyondCapacityFailsAndBadCountsAreRejected() {
        KiviStore s = new KiviStore(4, 5, 2, 4, 4);
        for (int t = 0; t < 5; t++) s.append(K[t % 4], 0, V[t % 4], 0, t);
        assertEquals(4, s.quantisedKeys(), "capacity 5 not a multiple of G: the first 4 keys still form a group");
        assertThrows(IllegalStateException.class, () -> s.append(K[0], 0, V[0], 0, 5));
        assertThrows(IllegalArgumentException.class, () -> s.scores(new float[4], 0, 6, new float[6], 0));
        assertThrows(IllegalArgumentException.class, () -> s.position(5));
    }
}
