package dev.squeeze.llm.quant;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The vector quant kernels against the scalar reference (which {@link BlocksTest} ties to the format description):
 * every dot and every row decoding, for each supported type, at odd offsets and with partial groups.
 */
class QuantKernelsTest {
    static final QuantKernels V = QuantKernels.best();
    static final QuantKernels S = QuantKernels.scalar();

    static float[] gaussian(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) r.nextGaussian();
        return x;
    }

    /** Two rows of the type, the second starting at a byte offset that is not a multiple of 8. */
    static MemorySegment rows(GgmlType t, float[] w, int n) {
        byte[] a = dev.squeeze.llm.format.GgufWriter.encode(t, w, 0, n),
                b = dev.squeeze.llm.format.GgufWriter.encode(t, w, n, n);
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return BlocksTest.seg(both);
    }

    static double bound(float[] deq, float[] x, int xOff, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += Math.abs(deq[i] * x[xOff + i]);
        return 1e-5 * s + 1e-5;
    }

    @Test
    void vectorKernelsAreTested() {
        assertNotEquals("scalar", V.name(), "tests run with the Vector API enabled");
    }

    @Test
    void dotsAndDecodingMatchTheScalarReference() {
        SplittableRandom r = new SplittableRandom(5);
        // Q4_0 with 37 blocks: 9 groups of 4 and a tail block; K-quants 5 super-blocks; F16/BF16 with a short tail
        Object[][] cases = {
            {GgmlType.Q8_0, 32 * 37},
            {GgmlType.Q4_0, 32 * 37},
            {GgmlType.Q4_0, 128 * 3},
            {GgmlType.Q4_K, 256 * 5},
            {GgmlType.Q6_K, 256 * 5},
            {GgmlType.F16, 16 * 9 + 5},
            {GgmlType.BF16, 16 * 9 + 5}
        };
        for (Object[] c : cases) {
            GgmlType t = (GgmlType) c[0];
            int n = (int) c[1];
            float[] w = gaussian(r, 2 * n);
            MemorySegment seg = rows(t, w, n);
            long second = t.bytesFor(n);
            float[] x = gaussian(r, n + 3);
            for (long off : new long[] {0, second}) {
                float[] ds = new float[n + 2], dv = new float[n + 2];
                S.dequant(t, seg, off, ds, 2, n);
                V.dequant(t, seg, off, dv, 2, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(
                            ds[2 + i],
                            dv[2 + i],
                            1e-6f * Math.abs(ds[2 + i]) + 1e-7f,
                            t + " element " + i + " of the row at " + off);
                }
                float[] deq = java.util.Arrays.copyOfRange(ds, 2, 2 + n);
                for (int xOff : new int[] {0, 3}) {
                    // Q4_0 dots take x quantised to 8-bit blocks: the reference is the decoded row times that x
                    float[] xr = x;
                    int xo = xOff;
                    if (t == GgmlType.Q4_0) {
                        xr = new float[n];
                        xo = 0;
                        Q8Activations.roundTrip(x, xOff, n, xr, 0);
                    }
                    double exact = 0;
                    for (int i = 0; i < n; i++) exact += (double) deq[i] * xr[xo + i];
                    float ref = dot(S, t, seg, off, x, xOff, n), vec = dot(V, t, seg, off, x, xOff, n);
                    double tol = bound(deq, xr, xo, n);
                    assertEquals(exact, ref, tol, t + " scalar dot vs the decoded row");
                    assertEquals(
                            exact, vec, tol, t + " vector dot vs the decoded row, row at " + off + ", x at " + xOff);
                    if (t == GgmlType.Q8_0) { // decode's form: x taken as its 8-bit blocks
                        float[] xq = new float[n];
                        Q8Activations.roundTrip(x, xOff, n, xq, 0);
                        double exactQ = 0;
                        for (int i = 0; i < n; i++) exactQ += (double) deq[i] * xq[i];
                        double tolQ = bound(deq, xq, 0, n);
                        assertEquals(exactQ, q8Prepared(S, seg, off, x, xOff, n), tolQ, "Q8_0 prepared scalar dot");
                        assertEquals(
                                exactQ,
                                q8Prepared(V, seg, off, x, xOff, n),
                                tolQ,
                                "Q8_0 prepared vector dot, row at " + off + ", x at " + xOff);
                    }
                }
            }
        }
    }

    /**
     * Blocks of random bytes (blockBytes each, quants after a 2-byte half-float scale of 1/2 or 1), for the exact
     * integer-dot tests.
     */
    static byte[] rowWithExactScales(SplittableRandom r, int blocks, int blockBytes) {
        byte[] row = new byte[blockBytes * blocks];
        for (int b = 0; b < blocks; b++) {
            short d = Float.floatToFloat16((float) Math.scalb(1.0, r.nextInt(-1, 1)));
            row[blockBytes * b] = (byte) d;
            row[blockBytes * b + 1] = (byte) (d >> 8);
            for (int j = 2; j < blockBytes; j++) row[blockBytes * b + j] = (byte) r.nextInt(256);
        }
        return row;
    }

    /** Activations whose 8-bit blocks are exact: integers times a block scale of 1/2 or 1, each block reaching 127. */
    static float[] exactlyQuantisedActivations(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int b = 0; b < n / 32; b++) {
            float scale = (float) Math.scalb(1.0, r.nextInt(-1, 1));
            for (int i = 0; i < 32; i++) x[32 * b + i] = scale * (float) r.nextInt(-127, 128);
            x[32 * b + r.nextInt(32)] = 127 * scale * (r.nextBoolean() ? 1 : -1); // the block maximum: d = scale
        }
        return x;
    }

    /**
     * The Q4_0 integer dots exactly: weight scales and activation block scales are 1/2 or 1 (so every block's term
     * and every partial sum, below 2^21 in steps of 1/4, is exact in floats), and the vector kernel must give the scalar integer reference's value, bit for
     * bit, for rows of random nibbles (every nibble value, 0 and 15 included) and random activations.
     */
    @Test
    void q4_0IntegerDotsAreExactAgainstTheScalarIntegerReference() {
        SplittableRandom r = new SplittableRandom(11);
        int n = 32 * 41; // 10 groups of 4 and a tail block
        byte[] row = rowWithExactScales(r, n / 32, 18);
        MemorySegment seg = BlocksTest.seg(row);
        for (int round = 0; round < 20; round++) {
            float[] x = exactlyQuantisedActivations(r, n);
            float ref = dot(S, GgmlType.Q4_0, seg, 0, x, 0, n), vec = dot(V, GgmlType.Q4_0, seg, 0, x, 0, n);
            assertEquals(ref, vec, 0f, "round " + round);
            double want = 0; // the same sum in doubles from the decoded row
            float[] deq = new float[n];
            S.dequant(GgmlType.Q4_0, seg, 0, deq, 0, n);
            for (int i = 0; i < n; i++) want += (double) deq[i] * x[i];
            assertEquals(want, ref, 0.0, "round " + round + ": every term is exact");
        }
    }

    static float q8Prepared(QuantKernels k, MemorySegment seg, long off, float[] x, int xOff, int n) {
        float[] prep = new float[k.preparedLength(GgmlType.Q8_0, n)];
        k.prepare(GgmlType.Q8_0, x, xOff, n, prep);
        return k.dotQ8_0Prepared(seg, off, prep, n);
    }

    /**
     * The Q8_0 integer dots exactly, as for Q4_0: scales 1/2 or 1, so every term and partial sum is exact in floats;
     * weights over the whole byte range (-128 and 127 included: |w q| up to 128 * 127 in 16-bit lanes), activations
     * whose blocks quantise exactly.
     */
    @Test
    void q8_0IntegerDotsAreExactAgainstTheScalarIntegerReference() {
        SplittableRandom r = new SplittableRandom(12);
        int n = 32 * 37;
        byte[] row = rowWithExactScales(r, n / 32, 34);
        row[2] = (byte) -128;
        row[3] = 127;
        MemorySegment seg = BlocksTest.seg(row);
        float[] deq = new float[n];
        S.dequant(GgmlType.Q8_0, seg, 0, deq, 0, n);
        for (int round = 0; round < 20; round++) {
            float[] x = exactlyQuantisedActivations(r, n);
            float ref = q8Prepared(S, seg, 0, x, 0, n), vec = q8Prepared(V, seg, 0, x, 0, n);
            assertEquals(ref, vec, 0f, "round " + round);
            double want = 0;
            for (int i = 0; i < n; i++) want += (double) deq[i] * x[i];
            assertEquals(want, ref, 0.0, "round " + round + ": every term is exact");
        }
    }

    @Test
    void q4_0PairsAreTheDecodedNibblesAndScalesInBothKernels() {
        int n = 32 * 7;
        float[] w = gaussian(new SplittableRandom(9), 2 * n);
        MemorySegment seg = rows(GgmlType.Q4_0, w, n);
        long off = GgmlType.Q4_0.bytesFor(n); // the second row: an odd byte offset
        float[] deq = new float[n];
        S.dequant(GgmlType.Q4_0, seg, off, deq, 0, n);
        for (QuantKernels k : new QuantKernels[] {S, V}) {
            int[] pairs = new int[3 + n / 2];
            float[] scales = new float[2 + n / 32];
            k.q4_0Pairs(seg, off, n, pairs, 3, scales, 2);
            for (int b = 0; b < n / 32; b++) {
                for (int i = 0; i < 16; i++) {
                    int p = pairs[3 + 16 * b + i];
                    // the decoded element is d (nibble - 8): the low half is element 32 b + i, the high half + 16
                    assertEquals(deq[32 * b + i], scales[2 + b] * (short) p, k.name() + " block " + b + " pair " + i);
                    assertEquals(deq[32 * b + i + 16], scales[2 + b] * (p >> 16), k.name() + " block " + b);
                    assertTrue((short) p >= -8 && (short) p <= 7 && (p >> 16) >= -8 && (p >> 16) <= 7);
                }
            }
        }
    }

    @Test
    void activationQuantisationFollowsTheQ8_0Definition() {
        float[] x = new float[64];
        for (int i = 0; i < 32; i++) x[i] = (i - 16) * 0.5f; // max |x| = 8: d = 8 / 127
        x[40] = -3f; // second block: one non-zero
        float[] q = new float[32];
        float d = Q8Activations.quantiseBlock(x, 0, q, 0);
        assertEquals(Float.float16ToFloat(Float.floatToFloat16(8f / 127f)), d, "d = max / 127 as a half float");
        assertNotEquals(8f / 127f, d, "the half-float rounding is visible at this value");
        assertEquals(-127f, q[0]);
        assertEquals(8f, q[17]); // 0.5 * 127 / 8 = 7.9375 -> 8
        assertEquals(32f, q[20]); // 2 * 127 / 8 = 31.75 -> 32
        float[] halves = new float[32];
        halves[0] = 127f; // 127 / max = 1: x * 1 rounds half to even
        halves[1] = 2.5f;
        halves[2] = -3.5f;
        assertEquals(1f, Q8Activations.quantiseBlock(halves, 0, q, 0));
        assertArrayEquals(new float[] {127f, 2f, -4f}, java.util.Arrays.copyOf(q, 3));
        assertEquals(0f, q[16]);
        assertEquals(0f, Q8Activations.quantiseBlock(new float[32], 0, q, 0), "an all-zero block has scale 0");
        for (float v : q) assertEquals(0f, v);
        float[] back = new float[64];
        Q8Activations.roundTrip(x, 0, 64, back, 0);
        assertEquals(-3f, back[40], 3f / 1024, "within the half-float scale's precision");
        for (int i = 0; i < 32; i++)
            assertEquals(x[i], back[i], 0.6f * d, "element " + i + ": half a step, plus the scale's rounding");
    }

    static WeightTensor randomTensor(GgmlType t, SplittableRandom r, int rows, int cols) {
        byte[] bytes = dev.squeeze.llm.format.GgufWriter.encode(t, gaussian(r, rows * cols), 0, rows * cols);
        return WeightTensor.of(t, BlocksTest.seg(bytes), 0, rows, cols, "w");
    }

    @Test
    void aSecondTensorOfTheSameTypeReusesThePreparedActivation() {
        SplittableRandom r = new SplittableRandom(9);
        int rows = 3;
        for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K}) {
            // Q8_0 prepares x only for rows wider than Q8_0_F32_COLS
            int cols = t == GgmlType.Q8_0 ? SegmentWeightTensor.Q8_0_F32_COLS + 32 : 512;
            WeightTensor a = randomTensor(t, r, rows, cols), b = randomTensor(t, r, rows, cols);
            float[] x = gaussian(r, cols), scratch = new float[a.scratchLength()];
            float[] fresh = new float[rows], reused = new float[rows], first = new float[rows];
            b.dotRows(0, rows, x, 0, fresh, 0, new float[b.scratchLength()]);
            a.dotRows(0, rows, x, 0, first, 0, scratch);
            b.dotRows(0, rows, new float[cols], 0, reused, 0, scratch, true); // x ignored: the scratch holds it
            assertArrayEquals(fresh, reused, t.toString());
            b.dotRows(0, rows, new float[cols], 0, reused, 0, scratch, false);
            for (float v : reused) assertEquals(0f, v, t + ": without the flag x (zeros here) is prepared again");
        }
    }

    static float dot(QuantKernels k, GgmlType t, MemorySegment seg, long off, float[] x, int xOff, int n) {
        return switch (t) {
            case Q8_0 -> k.dotQ8_0(seg, off, x, xOff, n);
            case F16 -> k.dotF16(seg, off, x, xOff, n);
            case BF16 -> k.dotBF16(seg, off, x, xOff, n);
            default -> {
                float[] prep = new float[k.preparedLength(t, n)];
                k.prepare(t, x, xOff, n, prep);
                yield switch (t) {
                    case Q4_0 -> k.dotQ4_0(seg, off, prep, n);
                    case Q4_K -> k.dotQ4_K(seg, off, prep, n);
                    default -> k.dotQ6_K(seg, off, prep, n);
                };
            }
        };
    }

    @Test
    void halfFloatsDecodeExactlyIncludingSubnormalsAndSignedZero() {
        int n = 1 << 16;
        byte[] b = new byte[2 * n];
        for (int h = 0; h < n; h++) {
            b[2 * h] = (byte) h;
            b[2 * h + 1] = (byte) (h >> 8);
        }
        float[] out = new float[n];
        V.dequant(GgmlType.F16, BlocksTest.seg(b), 0, out, 0, n);
        for (int h = 0; h < n; h++) {
            if (((h >> 10) & 31) == 31) continue; // infinities and NaNs do not occur in weights
            assertEquals(
                    Float.floatToRawIntBits(Float.float16ToFloat((short) h)),
                    Float.floatToRawIntBits(out[h]),
                    "half 0x" + Integer.toHexString(h));
        }
    }

    @Test
    void segmentTensorsDotRowsLikeTheirDecodedRows() {
        SplittableRandom r = new SplittableRandom(8);
        int rows = 5;
        GgmlType[] types = {GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_K, GgmlType.Q6_K, GgmlType.F16, GgmlType.BF16};
        for (int c = 0; c < types.length + 1; c++) {
            // the last case: Q8_0 rows wider than SegmentWeightTensor.Q8_0_F32_COLS, whose decode dots take 8-bit x
            GgmlType t = c < types.length ? types[c] : GgmlType.Q8_0;
            int cols = c < types.length ? 512 : SegmentWeightTensor.Q8_0_F32_COLS + 32 * 3;
            boolean eightBitX = t == GgmlType.Q4_0 || cols > SegmentWeightTensor.Q8_0_F32_COLS;
            float[] w = gaussian(r, rows * cols);
            byte[] bytes = dev.squeeze.llm.format.GgufWriter.encode(t, w, 0, w.length);
            WeightTensor wt = WeightTensor.of(t, BlocksTest.seg(bytes), 0, rows, cols, "w");
            float[] x = gaussian(r, cols + 1), out = new float[rows + 1], row = new float[cols];
            wt.dotRows(1, rows, x, 1, out, 1, new float[wt.scratchLength()]);
            assertEquals(0f, out[1], "rows before 'from' are not written");
            // decode's Q4_0 products take x quantised to 8-bit blocks; a single dotRow takes x as it is
            float[] xq = java.util.Arrays.copyOf(x, x.length);
            if (eightBitX) Q8Activations.roundTrip(x, 1, cols, xq, 1);
            for (int i = 1; i < rows; i++) {
                wt.copyRow(i, row, 0);
                double want = 0, wantQ = 0, mag = 0;
                for (int k = 0; k < cols; k++) {
                    want += row[k] * x[1 + k];
                    wantQ += row[k] * xq[1 + k];
                    mag += Math.abs(row[k] * x[1 + k]);
                }
                assertEquals(wantQ, out[1 + i], 1e-5 * mag, t + " row " + i);
                assertEquals(want, wt.dotRow(i, x, 1), 1e-5 * mag, t + " dotRow " + i);
            }
        }
    }
}
