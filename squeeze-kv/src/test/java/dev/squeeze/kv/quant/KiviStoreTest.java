package dev.squeeze.kv.quant;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.llm.kv.HeadKvStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** KIVI/GEAR/ZipCache: hand-computed codes, byte formulas, attention from packed data vs the dequantised reference. */
public class KiviStoreTest {

    // (4 tokens, 4 channels)
    static final float[][] K = {{0, 10, -1, 0}, {1, 10, 0.5f, 0.25f}, {2, 10, 2, 0.5f}, {3, 10, -1, 0.75f}};
    static final float[][] V = {{0, 3, 1, 2}, {4, 4, 4, 4}, {0, 0.5f, 1, 1.5f}, {-2, 1, 0, -1}};

    static KiviStore handBlock() {
        KiviStore s = new KiviStore(4, 16, 2, 4, 0);
        for (int t = 0; t < 4; t++) s.append(K[t], 0, V[t], 0, t);
        return s;
    }

    @Test
    void twoBitBlockHasTheHandComputedCodesAndDequantisedValues() {
        KiviStore s = handBlock();
        assertEquals(4, s.quantisedLength());
        KiviBlock b = s.blocks.get(0);
        // keys per channel: c0 min 0 scale 1 -> 0,1,2,3; c1 constant -> 0; c2 min -1 scale 1 -> 0,2(1.5 rounds up),3,0; c3 scale .25 -> 0..3
        int[][] kc = {{0, 0, 0, 0}, {1, 0, 2, 1}, {2, 0, 3, 2}, {3, 0, 0, 3}};
        for (int t = 0; t < 4; t++) for (int c = 0; c < 4; c++) assertEquals(kc[t][c], BitPacking.get(b.kCodes, t * 4 + c, 2), "key code " + t + "," + c);
        assertEquals((byte) (1 | 2 << 4 | 1 << 6), b.kCodes[1], "token 1's packed byte");
        // values per token: token 2 = {0, .5, 1, 1.5}: min 0, scale .5 -> 0,1,2,3; token 1 constant -> all 0
        int[][] vc = {{0, 3, 1, 2}, {0, 0, 0, 0}, {0, 1, 2, 3}, {0, 3, 2, 1}};
        for (int t = 0; t < 4; t++) for (int c = 0; c < 4; c++) assertEquals(vc[t][c], BitPacking.get(b.vCodes, t * 4 + c, 2), "value code " + t + "," + c);
        float[][] kDeq = {{0, 10, -1, 0}, {1, 10, 1, 0.25f}, {2, 10, 2, 0.5f}, {3, 10, -1, 0.75f}};
        FloatMatrix k = s.keys(), v = s.values();
        for (int t = 0; t < 4; t++) for (int c = 0; c < 4; c++) {
            assertEquals(kDeq[t][c], k.get(t, c), 1e-6f);
            assertEquals(V[t][c], v.get(t, c), 1e-6f);   // these values are exact on the 2-bit grid
        }
    }

    @Test
    void bytesFollowTheFormula() {
        KiviStore s = handBlock();
        // codes 16 x 2 bits = 4 bytes each for K and V; key scale+min 2 x 4 fp16; value scale+min 2 x 4 tokens fp16
        assertEquals(4 + 4 + 16 + 16, s.bytes());
        s.append(new float[]{1, 2, 3, 4}, 0, new float[]{1, 2, 3, 4}, 0, 4);
        assertEquals(40 + 2 * 4 * 4, s.bytes(), "one fp32 residual entry adds 2 x 4 x 4 bytes");
        KiviStore big = new KiviStore(8, 512, 4, 32, 32);
        fill(big, 200, 1);
        int blocks = (200 - 32) / 32, resid = 200 - blocks * 32;
        long perBlock = 2L * (32 * 8 * 4 / 8) + 2L * (8 + 8) + 2L * (32 * 2);
        assertEquals(blocks * perBlock + 2L * 4 * 8 * resid, big.bytes());
    }

    @Test
    void fp16ResidualIsRoundedToHalfPrecisionAndCountedAtTwoBytes() {
        KiviStore s = new KiviStore(4, 16, 2, 4, 4, true);
        float[] k = {1.0001f, -2.5f, 3.14159f, 65504f}, v = {0.1f, 1e-4f, -7.3f, 2};
        s.append(k, 0, v, 0, 0);
        assertEquals(0, s.quantisedLength());
        assertEquals(2L * 2 * 4, s.bytes(), "one fp16 residual entry holds 2 x 4 x 2 bytes");
        // independent reference: IEEE half precision rounding of each input
        assertEquals(1.0f, s.keys().get(0, 0), 0f, "1.0001 rounds to 1.0 in fp16 (spacing 2^-10)");
        assertEquals(3.140625f, s.keys().get(0, 2), 0f, "pi rounds to 3.140625 in fp16");
        assertEquals(0.0999755859375f, s.values().get(0, 0), 0f, "0.1 rounds to 0.0999755859375 in fp16");
        assertEquals(-7.30078125f, s.values().get(0, 2), 0f);
        float[] q = {1, 1, 1, 1}, out = new float[1];
        s.scores(q, 0, 1, out, 0);
        assertEquals(1.0f - 2.5f + 3.140625f + 65504f, out[0], 1e-2f, "scores read the fp16-rounded residual");
        KiviStore fp32 = new KiviStore(8, 512, 2, 32, 32), fp16 = new KiviStore(8, 512, 2, 32, 32, true);
        fill(fp32, 192, 3);
        fill(fp16, 192, 3);
        assertEquals(32 * 2 * 8 * 2, fp32.bytes() - fp16.bytes(), "32 residual entries, K and V, 8 channels, 2 bytes saved each");
    }

    static void fill(HeadKvStore s, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = s.headDim();
        float[] k = new float[d], v = new float[d];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) { k[c] = (float) (r.nextGaussian() * (c == 1 ? 5 : 1)); v[c] = (float) r.nextGaussian(); }
            s.append(k, 0, v, 0, i);
        }
    }

    public static void assertAttentionMatchesDequantised(HeadKvStore s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = s.length(), d = s.headDim();
        float[] q = new float[d];
        for (int c = 0; c < d; c++) q[c] = (float) r.nextGaussian();
        FloatMatrix k = s.keys(), v = s.values();
        float[] sc = new float[n];
        for (int count : new int[]{n, n - 7, 33}) {
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
        assertTrue(s.quantisedLength() > 0);
        assertAttentionMatchesDequantised(s, 7);
    }

    @Test
    void gearAttentionFromPackedDataEqualsItsReconstructionAndBeatsKiviError() {
        GearStore g = new GearStore(8, 512, 2, 32, 0, 0.02, 2, 3);
        KiviStore k = new KiviStore(8, 512, 2, 32, 0);
        fill(g, 128, 3);
        fill(k, 128, 3);
        assertAttentionMatchesDequantised(g, 9);
        KiviStore ref = new KiviStore(8, 512, 8, 128, 1000); // all residual: the exact data
        fill(ref, 128, 3);
        double eg = err(g.keys(), ref.keys()) + err(g.values(), ref.values());
        double ek = err(k.keys(), ref.keys()) + err(k.values(), ref.values());
        assertTrue(eg < 0.8 * ek, "GEAR error " + eg + " should be well below KIVI's " + ek);
        assertTrue(g.bytes() > k.bytes(), "GEAR holds extra low-rank and outlier bytes");
    }

    static double err(FloatMatrix a, FloatMatrix b) {
        double s = 0;
        for (int i = 0; i < a.data().length; i++) s += (a.data()[i] - b.data()[i]) * (double) (a.data()[i] - b.data()[i]);
        return s;
    }

    @Test
    void zipCacheMixedPrecisionMatchesReferenceAndCountsBytes() {
        int n = 100, d = 8;
        ZipCacheStore z = new ZipCacheStore(d, 256, 4, 2);
        KiviStore raw = new KiviStore(d, 256, 8, 256, 1000);
        fill(raw, n, 5);
        boolean[] sal = new boolean[n];
        int nHi = 0;
        for (int i = 0; i < n; i++) if (i % 5 < 3) { sal[i] = true; nHi++; }
        z.build(raw.keys(), raw.values(), raw.positions(), sal);
        assertAttentionMatchesDequantised(z, 11);
        long expect = (nHi * d * 4 / 8) * 2L + ((n - nHi) * d * 2 / 8) * 2L + 2L * (5 * d + 2 * n) + (n + 7) / 8;
        assertEquals(expect, z.bytes());
        // salient entries are reconstructed more accurately
        FloatMatrix zk = z.values(), rk = raw.values();
        double eHi = 0, eLo = 0;
        for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) {
            double e = Math.abs(zk.get(i, c) - rk.get(i, c));
            if (sal[i]) eHi += e / nHi; else eLo += e / (n - nHi);
        }
        assertTrue(eHi < eLo, "4-bit entries " + eHi + " vs 2-bit " + eLo);
        z.append(new float[d], 0, new float[d], 0, 100);
        assertEquals(expect + 2L * 4 * d, z.bytes());
    }

    @Test
    void unsupportedBitsAreRejectedWithTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KiviStore(8, 16, 3, 32, 32));
        assertTrue(e.getMessage().contains("3"), e.getMessage());
    }
}
