package dev.squeeze.llm.quant;

import dev.squeeze.core.kernel.LaneSums;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels for {@link QuantKernels}.
 *
 * <p>Q8_0 and BF16 dots and every row decoding read elements in order: bytes are widened to floats
 * ({@code B2F}), half floats are expanded with integer operations (exact for every finite value).
 *
 * <p>With 16 float lanes, Q4_0's dot multiplies nibbles with 8-bit quantised activations in 16-bit lanes (see the
 * comment above {@link #dotQ4_0}); with other lane counts it dots decoded blocks with x decoded from the same quants.
 *
 * <p>With 16 float lanes, the other 4-bit dots (Q4_K, Q6_K) read 64 bytes of packed fields as 16 int lanes and take
 * each field out with a shift and a mask ({@code (v >>> 4s) & 15}), then convert ints to floats: no byte widening,
 * which is what bounds the byte-at-a-time form. Lane i of extraction s then holds a known element, so x is reordered
 * once per product to the same order ({@link #prepare}); zero points (Q6_K's 32, Q4_K's mins) are applied
 * with sums of x prepared alongside. With other lane counts those dots decode a block in order and dot it.
 */
final class VectorQuantKernels implements QuantKernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Byte> B256 = ByteVector.SPECIES_256;
    private static final VectorSpecies<Short> SH =
            VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, L * 16)));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());
    /** Whether the 16-lane packed-field dots are used (512-bit vectors). */
    private static final boolean LANES16 = L == 16;

    static QuantKernels create() {
        return (L == 8 || L == 16) ? new VectorQuantKernels() : null;
    }

    @Override
    public String name() {
        return "vector-" + F.vectorBitSize();
    }

    // ------------------------------------------------------------------ in-order dots

    @Override
    public float dotQ8_0(MemorySegment seg, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int blocks = n / 32;
        for (int b = 0; b < blocks; b++) {
            long bo = off + 34L * b;
            int xb = xOff + 32 * b;
            ByteVector q0 = ByteVector.fromMemorySegment(B128, seg, bo + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector q1 = ByteVector.fromMemorySegment(B128, seg, bo + 18, ByteOrder.LITTLE_ENDIAN);
            FloatVector s = FloatVector.zero(F);
            for (int p = 0; p < 16 / L; p++) {
                s = ((FloatVector) q0.convertShape(VectorOperators.B2F, F, p))
                        .fma(FloatVector.fromArray(F, x, xb + p * L), s);
                s = ((FloatVector) q1.convertShape(VectorOperators.B2F, F, p))
                        .fma(FloatVector.fromArray(F, x, xb + 16 + p * L), s);
            }
            acc = s.fma(FloatVector.broadcast(F, Blocks.f16(seg, bo)), acc);
        }
        FloatVector h = acc.add(acc.rearrange(LaneSums.FOLD_HALF));
        h = h.add(h.rearrange(LaneSums.FOLD_QUARTER));
        h = h.add(h.rearrange(LaneSums.FOLD_EIGHTH));
        if (L == 16) h = h.add(h.rearrange(LaneSums.FOLD_SIXTEENTH));
        return h.lane(0); // LaneSums' order, written out (see LaneSums.FOLD_HALF)
    }

    /** 16 lanes: each block's two quant vectors converted once, then dotQ8_0's operations per token, in its order. */
    @Override
    public void dotsQ8_0(
            MemorySegment seg,
            long off,
            float[] x,
            int xOff,
            int xStride,
            int T,
            float[] out,
            int oOff,
            int ldo,
            int n) {
        if (L != 16) {
            QuantKernels.super.dotsQ8_0(seg, off, x, xOff, xStride, T, out, oOff, ldo, n);
            return;
        }
        float[] acc = accs(T);
        Arrays.fill(acc, 0, 16 * T, 0f);
        int blocks = n / 32;
        for (int b = 0; b < blocks; b++) {
            long bo = off + 34L * b;
            FloatVector w0 = (FloatVector) ByteVector.fromMemorySegment(B128, seg, bo + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0);
            FloatVector w1 = (FloatVector) ByteVector.fromMemorySegment(B128, seg, bo + 18, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2F, F, 0);
            FloatVector d = FloatVector.broadcast(F, Blocks.f16(seg, bo));
            for (int t = 0, xb = xOff + 32 * b; t < T; t++, xb += xStride) {
                FloatVector s = w0.fma(FloatVector.fromArray(F, x, xb), FloatVector.zero(F));
                s = w1.fma(FloatVector.fromArray(F, x, xb + 16), s);
                s.fma(d, FloatVector.fromArray(F, acc, 16 * t)).intoArray(acc, 16 * t);
            }
        }
        for (int t = 0; t < T; t++) out[oOff + t * ldo] = LaneSums.sum16(acc, 16 * t); // dot's order, no vector passed
    }

    /** Per thread: T vector accumulators (16 floats each) of the few-token dots. */
    private static final ThreadLocal<float[][]> ACCS = ThreadLocal.withInitial(() -> new float[1][0]);

    private static float[] accs(int T) {
        float[][] h = ACCS.get();
        if (h[0].length < 16 * T) h[0] = new float[16 * Math.max(T, 16)];
        return h[0];
    }

    /** BF16 to F32 is a 16-bit left shift of the widened bits. */
    @Override
    public float dotBF16(MemorySegment seg, long off, float[] x, int xOff, int n) {
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        int bound = n - n % L;
        for (; i < bound; i += L) acc = bf16(seg, off + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        FloatVector h = acc.add(acc.rearrange(LaneSums.FOLD_HALF));
        h = h.add(h.rearrange(LaneSums.FOLD_QUARTER));
        h = h.add(h.rearrange(LaneSums.FOLD_EIGHTH));
        if (L == 16) h = h.add(h.rearrange(LaneSums.FOLD_SIXTEENTH));
        float s = h.lane(0);
        for (; i < n; i++) s += Blocks.bf16(seg, off + 2L * i) * x[xOff + i];
        return s;
    }

    @Override
    public float dotF16(MemorySegment seg, long off, float[] x, int xOff, int n) {
        FloatVector acc0 = FloatVector.zero(F), acc1 = acc0;
        int i = 0;
        int bound = n - n % (2 * L);
        for (; i < bound; i += 2 * L) {
            acc0 = f16(seg, off + 2L * i).fma(FloatVector.fromArray(F, x, xOff + i), acc0);
            acc1 = f16(seg, off + 2L * (i + L)).fma(FloatVector.fromArray(F, x, xOff + i + L), acc1);
        }
        FloatVector v = acc0.add(acc1);
        FloatVector h = v.add(v.rearrange(LaneSums.FOLD_HALF));
        h = h.add(h.rearrange(LaneSums.FOLD_QUARTER));
        h = h.add(h.rearrange(LaneSums.FOLD_EIGHTH));
        if (L == 16) h = h.add(h.rearrange(LaneSums.FOLD_SIXTEENTH));
        float s = h.lane(0);
        for (; i < n; i++) s += Blocks.f16(seg, off + 2L * i) * x[xOff + i];
        return s;
    }

    private static FloatVector bf16(MemorySegment seg, long off) {
        IntVector iv = (IntVector) ShortVector.fromMemorySegment(SH, seg, off, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.S2I, I, 0);
        return iv.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    /**
     * L half floats to floats: the magnitude bits shifted into a float's exponent and mantissa, times 2^112 (the
     * exponent bias difference; also right for subnormals and zero), then the sign. Exact for every finite half.
     */
    private static FloatVector f16(MemorySegment seg, long off) {
        IntVector h = (IntVector) ShortVector.fromMemorySegment(SH, seg, off, ByteOrder.LITTLE_ENDIAN)
                .convertShape(VectorOperators.S2I, I, 0);
        return halfBits(h);
    }

    private static FloatVector halfBits(IntVector h) {
        FloatVector mag = h.and(0x7FFF)
                .lanewise(VectorOperators.LSHL, 13)
                .reinterpretAsFloats()
                .mul(0x1p112f);
        return h.and(0x8000)
                .lanewise(VectorOperators.LSHL, 16)
                .or(mag.reinterpretAsInts())
                .reinterpretAsFloats();
    }

    // ------------------------------------------------------------------ prepared activations

    @Override
    public int preparedLength(GgmlType type, int n) {
        if (!LANES16) return n + 256; // x as is, then a block of scratch
        return switch (type) {
            case Q8_0 -> q8_0PreparedLength(n);
            case Q4_0 -> n / 128 * Q4_0_GROUP_FLOATS + n % 128;
            case Q4_K -> n / 256 * 272;
            case Q6_K -> n / 256 * 320;
            default -> throw new IllegalArgumentException("no prepared dot for " + type);
        };
    }

    @Override
    public void prepare(GgmlType type, float[] x, int xOff, int n, float[] prep) {
        if (!LANES16) { // in-order dots: Q4_0 on x decoded from its 8-bit quants (the same values as the integer form)
            if (type == GgmlType.Q4_0 || type == GgmlType.Q8_0) Q8Activations.roundTrip(x, xOff, n, prep, 0);
            else System.arraycopy(x, xOff, prep, 0, n);
            return;
        }
        switch (type) {
            case Q8_0 -> prepareQ8_0(x, xOff, n, prep);
            case Q4_0 -> prepareQ4_0(x, xOff, n, prep);
            case Q4_K -> prepareQ4_K(x, xOff, n, prep);
            case Q6_K -> prepareQ6_K(x, xOff, n, prep);
            default -> throw new IllegalArgumentException("no prepared dot for " + type);
        }
    }

    // Q8_0, 16 lanes, integer products (llama.cpp's Q8_0 x Q8_0 dot): x is quantised once per product to 8-bit blocks
    // (Q8Activations) and kept as 32 shorts per block. Per weight block, its 32 quants are widened once to 32 shorts
    // (one sign-extending byte-to-short conversion instead of two byte-to-int ones) and multiplied with x's quants
    // (|w q| <= 128 * 127 < 2^15); the two halves widened to ints and added give 16 int lanes of 2 products each, then
    // one int-to-float conversion and one FMA with d_w d_x. Measured against the alternatives (QuantMatVecCpuProbe,
    // hot): two blocks per 64-byte vector with shift extraction of the bytes and a pair-add (12-13 GB/s), the same
    // with a vector half-float scale expansion (13 GB/s), this form with two blocks per iteration (5 GB/s: C2 no
    // longer compiled it to plain vector code) and folding the product halves in shorts before widening (same speed).
    // prep: per block the 32 quants as shorts (16 floats of bits), then d_x per block.

    private static int q8_0PreparedLength(int n) {
        return n / 32 * 17;
    }

    private static void prepareQ8_0(float[] x, int xOff, int n, float[] prep) {
        int blocks = n / 32, scales = blocks * 16;
        Q4_0Scratch sc = Q4_0_SCRATCH.get();
        float[] q = sc.q;
        short[] sh = sc.s;
        for (int b = 0; b < blocks; b++) {
            prep[scales + b] = Q8Activations.quantiseBlock(x, xOff + 32 * b, q, 0);
            for (int j = 0; j < 32; j++) sh[j] = (short) q[j];
            ShortVector.fromArray(S512, sh, 0).reinterpretAsFloats().intoArray(prep, 16 * b);
        }
    }

    @Override
    public float dotQ8_0Prepared(MemorySegment seg, long off, float[] prep, int n) {
        if (!LANES16) return dotQ8_0(seg, off, prep, 0, n); // prep: x decoded from its 8-bit blocks
        int blocks = n / 32, scales = blocks * 16;
        FloatVector acc = FloatVector.zero(F512);
        for (int b = 0; b < blocks; b++) {
            long bo = off + 34L * b;
            ShortVector w = (ShortVector) ByteVector.fromMemorySegment(B256, seg, bo + 2, ByteOrder.LITTLE_ENDIAN)
                    .convertShape(VectorOperators.B2S, S512, 0);
            ShortVector p = w.mul(xQuants(prep, 16 * b));
            IntVector sum = ((IntVector) p.convertShape(VectorOperators.S2I, I512, 0))
                    .add((IntVector) p.convertShape(VectorOperators.S2I, I512, 1));
            FloatVector t = (FloatVector) sum.convert(VectorOperators.I2F, 0);
            acc = t.fma(FloatVector.broadcast(F512, Blocks.f16(seg, bo) * prep[scales + b]), acc);
        }
        FloatVector h = acc.add(acc.rearrange(LaneSums.FOLD_HALF));
        h = h.add(h.rearrange(LaneSums.FOLD_QUARTER));
        h = h.add(h.rearrange(LaneSums.FOLD_EIGHTH));
        if (L == 16) h = h.add(h.rearrange(LaneSums.FOLD_SIXTEENTH));
        return h.lane(0);
    }

    // Q4_0, 16 lanes, integer products: x is quantised once per product to 8-bit blocks (Q8Activations). A group of 4
    // weight blocks (72 bytes) is gathered into one 64-byte vector of their quants (block m in bytes 16m..16m+15), read
    // as 32 short lanes: lane j holds bytes b0 = 2(j%8) and b0 + 1 of block j/8, so its nibble k ((s >>> 4k) & 15) is
    // element e(j, k) = b0 + k/2 + 16(k%2). Each of the 4 extractions is multiplied with x's quants in that order
    // (shorts), and the 4 products summed (|sum| <= 4 * 15 * 127, no overflow); adding the two shorts of each int lane
    // gives 16 int lanes of 8 products each, lane i in block i/4. The zero point 8 comes off as 8 * (the lane's sum of
    // quants), exact in floats; then one multiply by d_w and one FMA with d_x per lane.
    // prep per group (96 floats): the 4 extractions' x quants as 32 shorts each (64 floats of bits), then per int
    // lane 8 * (its quants' sum) and d_x of its block; tail blocks after the last whole group: x decoded from its
    // quants (d q), 32 floats per block, in order.

    private static final int Q4_0_GROUP_FLOATS = 96;
    /** Per thread: one group's quants as floats (Q8Activations' output), then as the shorts written to prep. */
    private static final ThreadLocal<Q4_0Scratch> Q4_0_SCRATCH = ThreadLocal.withInitial(Q4_0Scratch::new);

    private static final class Q4_0Scratch {
        final float[] q = new float[128];
        final short[] s = new short[128];
    }

    private static void prepareQ4_0(float[] x, int xOff, int n, float[] prep) {
        int groups = n / 128;
        Q4_0Scratch sc = Q4_0_SCRATCH.get();
        float[] q = sc.q;
        short[] sh = sc.s;
        for (int g = 0; g < groups; g++) {
            int p = g * Q4_0_GROUP_FLOATS, xg = xOff + g * 128;
            for (int m = 0; m < 4; m++) {
                float d = Q8Activations.quantiseBlock(x, xg + 32 * m, q, 32 * m);
                for (int i = 4 * m; i < 4 * m + 4; i++) prep[p + 80 + i] = d;
            }
            for (int k = 0; k < 4; k++) {
                for (int j = 0; j < 32; j++)
                    sh[32 * k + j] = (short) q[32 * (j / 8) + 2 * (j % 8) + k / 2 + 16 * (k % 2)];
            }
            for (int i = 0; i < 16; i++) { // int lane i = short lanes 2i, 2i + 1 of every extraction
                int sum = 0;
                for (int k = 0; k < 4; k++) sum += sh[32 * k + 2 * i] + sh[32 * k + 2 * i + 1];
                prep[p + 64 + i] = 8 * sum;
            }
            // the shorts' bits into the float array through vector reinterpretation (no float conversion of the bits)
            for (int k = 0; k < 4; k++)
                ShortVector.fromArray(S512, sh, 32 * k).reinterpretAsFloats().intoArray(prep, p + 16 * k);
        }
        Q8Activations.roundTrip(x, xOff + groups * 128, n - groups * 128, prep, groups * Q4_0_GROUP_FLOATS);
    }

    private static final VectorSpecies<Byte> B512 = ByteVector.SPECIES_512;
    private static final VectorSpecies<Short> S512 = ShortVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    /** Gathers 4 blocks' quants from loads at bo and bo + 8 (the second source's indexes are offset by 64). */
    private static final VectorShuffle<Byte> Q4_0_QUANTS;
    /** Lane i takes the half-float scale of block i / 4 (shorts 0, 9, 18, 27 of the load at bo). */
    private static final VectorShuffle<Short> Q4_0_SCALES;

    static {
        if (LANES16) {
            int[] idx = new int[64];
            for (int j = 0; j < 4; j++) {
                for (int m = 0; m < 16; m++) {
                    int src = 18 * j + 2 + m;
                    idx[16 * j + m] = src < 64 ? src : src - 8 - 64; // negative (exceptional) = from the second vector
                }
            }
            Q4_0_QUANTS = VectorShuffle.fromValues(B512, idx);
            int[] sidx = new int[32];
            for (int i = 0; i < 32; i++) sidx[i] = 9 * ((i % 16) / 4);
            Q4_0_SCALES = VectorShuffle.fromValues(S512, sidx);
        } else {
            Q4_0_QUANTS = null;
            Q4_0_SCALES = null;
        }
    }

    @Override
    public float dotQ4_0(MemorySegment seg, long off, float[] prep, int n) {
        if (!LANES16) return dotInOrder(GgmlType.Q4_0, seg, off, prep, n);
        FloatVector acc = FloatVector.zero(F512);
        int groups = n / 128;
        for (int g = 0; g < groups; g++) {
            long bo = off + 72L * g;
            int p = g * Q4_0_GROUP_FLOATS;
            ByteVector a = ByteVector.fromMemorySegment(B512, seg, bo, ByteOrder.LITTLE_ENDIAN);
            ByteVector b = ByteVector.fromMemorySegment(B512, seg, bo + 8, ByteOrder.LITTLE_ENDIAN);
            ShortVector v = a.rearrange(Q4_0_QUANTS, b).reinterpretAsShorts();
            FloatVector d = halfBits((IntVector)
                    a.reinterpretAsShorts().rearrange(Q4_0_SCALES).convertShape(VectorOperators.S2I, I512, 0));
            ShortVector s = v.and((short) 15)
                    .mul(xQuants(prep, p))
                    .add(v.lanewise(VectorOperators.LSHR, 4).and((short) 15).mul(xQuants(prep, p + 16)))
                    .add(v.lanewise(VectorOperators.LSHR, 8).and((short) 15).mul(xQuants(prep, p + 32)))
                    .add(v.lanewise(VectorOperators.LSHR, 12).mul(xQuants(prep, p + 48)));
            IntVector pairs = s.reinterpretAsInts();
            IntVector sums = pairs.lanewise(VectorOperators.ASHR, 16)
                    .add(pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
            FloatVector t =
                    ((FloatVector) sums.convert(VectorOperators.I2F, 0)).sub(FloatVector.fromArray(F512, prep, p + 64));
            acc = t.mul(d).fma(FloatVector.fromArray(F512, prep, p + 80), acc);
        }
        FloatVector h = acc.add(acc.rearrange(LaneSums.FOLD_HALF));
        h = h.add(h.rearrange(LaneSums.FOLD_QUARTER));
        h = h.add(h.rearrange(LaneSums.FOLD_EIGHTH));
        if (L == 16) h = h.add(h.rearrange(LaneSums.FOLD_SIXTEENTH));
        return tailQ4_0(seg, off, prep, n, groups, h.lane(0));
    }

    /** 16 lanes: each group of 4 blocks gathered and its scales decoded once, then dotQ4_0's operations per token. */
    @Override
    public void dotsQ4_0(MemorySegment seg, long off, float[][] prep, int T, float[] out, int oOff, int ldo, int n) {
        if (!LANES16) {
            QuantKernels.super.dotsQ4_0(seg, off, prep, T, out, oOff, ldo, n);
            return;
        }
        float[] acc = accs(T);
        Arrays.fill(acc, 0, 16 * T, 0f);
        int groups = n / 128;
        for (int g = 0; g < groups; g++) {
            long bo = off + 72L * g;
            int p = g * Q4_0_GROUP_FLOATS;
            ByteVector a = ByteVector.fromMemorySegment(B512, seg, bo, ByteOrder.LITTLE_ENDIAN);
            ByteVector b = ByteVector.fromMemorySegment(B512, seg, bo + 8, ByteOrder.LITTLE_ENDIAN);
            ShortVector v = a.rearrange(Q4_0_QUANTS, b).reinterpretAsShorts();
            FloatVector d = halfBits((IntVector)
                    a.reinterpretAsShorts().rearrange(Q4_0_SCALES).convertShape(VectorOperators.S2I, I512, 0));
            ShortVector n0 = v.and((short) 15),
                    n1 = v.lanewise(VectorOperators.LSHR, 4).and((short) 15);
            ShortVector n2 = v.lanewise(VectorOperators.LSHR, 8).and((short) 15);
            ShortVector n3 = v.lanewise(VectorOperators.LSHR, 12);
            for (int t = 0; t < T; t++) {
                float[] x = prep[t];
                ShortVector s = n0.mul(xQuants(x, p))
                        .add(n1.mul(xQuants(x, p + 16)))
                        .add(n2.mul(xQuants(x, p + 32)))
                        .add(n3.mul(xQuants(x, p + 48)));
                IntVector pairs = s.reinterpretAsInts();
                IntVector sums = pairs.lanewise(VectorOperators.ASHR, 16)
                        .add(pairs.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16));
                FloatVector u = ((FloatVector) sums.convert(VectorOperators.I2F, 0))
                        .sub(FloatVector.fromArray(F512, x, p + 64));
                u.mul(d)
                        .fma(FloatVector.fromArray(F512, x, p + 80), FloatVector.fromArray(F512, acc, 16 * t))
                        .intoArray(acc, 16 * t);
            }
        }
        for (int t = 0; t < T; t++) out[oOff + t * ldo] = LaneSums.sum16(acc, 16 * t); // dot's order, no vector passed
        tailsQ4_0(seg, off, prep, T, out, oOff, ldo, n, groups);
    }

    /**
     * tailQ4_0's blocks for T tokens, each block decoded once: every token's total gets the same terms in the same
     * order. Out of line: inside dotsQ4_0 it exceeded C2's inlining budget and the vectors were boxed.
     */
    private static void tailsQ4_0(
            MemorySegment seg, long off, float[][] prep, int T, float[] out, int oOff, int ldo, int n, int groups) {
        for (int bl = groups * 4; bl < n / 32; bl++) {
            long bo = off + 18L * bl;
            int xb = groups * Q4_0_GROUP_FLOATS + 32 * (bl - groups * 4);
            ByteVector q = ByteVector.fromMemorySegment(B128, seg, bo + 2, ByteOrder.LITTLE_ENDIAN);
            FloatVector lo = (FloatVector) q.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2F, F512, 0);
            FloatVector hi = (FloatVector) q.lanewise(VectorOperators.LSHR, 4)
                    .and((byte) 0x0F)
                    .sub((byte) 8)
                    .convertShape(VectorOperators.B2F, F512, 0);
            float d = Blocks.f16(seg, bo);
            for (int t = 0; t < T; t++) {
                FloatVector s = lo.mul(FloatVector.fromArray(F512, prep[t], xb))
                        .add(hi.mul(FloatVector.fromArray(F512, prep[t], xb + 16)));
                out[oOff + t * ldo] += d * LaneSums.sum(s);
            }
        }
    }

    /** L bytes, widened to L int lanes by {@link #q4_0Pairs}. */
    private static final VectorSpecies<Byte> BL = VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8));

    @Override
    public void q4_0Pairs(MemorySegment seg, long off, int n, int[] pairs, int pOff, float[] scales, int sOff) {
        for (int b = 0; b < n / 32; b++) {
            long bo = off + 18L * b;
            scales[sOff + b] = Blocks.f16(seg, bo);
            for (int h = 0; h < 16; h += L) {
                IntVector v = ((IntVector) ByteVector.fromMemorySegment(BL, seg, bo + 2 + h, ByteOrder.LITTLE_ENDIAN)
                                .convertShape(VectorOperators.B2I, I, 0))
                        .and(0xFF);
                v.and(0x0F)
                        .sub(8)
                        .and(0xFFFF)
                        .or(v.lanewise(VectorOperators.LSHR, 4).sub(8).lanewise(VectorOperators.LSHL, 16))
                        .intoArray(pairs, pOff + 16 * b + h);
            }
        }
    }

    /** 32 shorts of x quants stored as the bits of 16 floats at prep[p ..]. */
    private static ShortVector xQuants(float[] prep, int p) {
        return FloatVector.fromArray(F512, prep, p).reinterpretAsShorts();
    }

    /** Blocks after the last whole group of 4, x decoded from its quants, in order. */
    private static float tailQ4_0(MemorySegment seg, long off, float[] prep, int n, int groups, float total) {
        for (int b = groups * 4; b < n / 32; b++) {
            long bo = off + 18L * b;
            int xb = groups * Q4_0_GROUP_FLOATS + 32 * (b - groups * 4);
            ByteVector q = ByteVector.fromMemorySegment(B128, seg, bo + 2, ByteOrder.LITTLE_ENDIAN);
            FloatVector lo = (FloatVector) q.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2F, F512, 0);
            FloatVector hi = (FloatVector) q.lanewise(VectorOperators.LSHR, 4)
                    .and((byte) 0x0F)
                    .sub((byte) 8)
                    .convertShape(VectorOperators.B2F, F512, 0);
            FloatVector s = lo.mul(FloatVector.fromArray(F512, prep, xb))
                    .add(hi.mul(FloatVector.fromArray(F512, prep, xb + 16)));
            total += Blocks.f16(seg, bo) * LaneSums.sum(s);
        }
        return total;
    }

    /** (v >>> shift) & 15 as floats. */
    private static FloatVector nibble(IntVector v, int shift) {
        return (FloatVector) v.lanewise(VectorOperators.LSHR, shift).and(15).convert(VectorOperators.I2F, 0);
    }

    // Q4_K, 16 lanes: a 64-byte vector covers two 32-byte quant chunks c = 2p, 2p+1 (lanes 0-7 and 8-15); extraction
    // s = 2k + h of lane i is element 32h + 4(i%8) + k of chunk c + i/8, i.e. of sub-block 2(c + i/8) + h.
    // prep per 256-block: 256 reordered x (pair p at 128p, extraction s at 16s), then 8 zeros and the 8 sub-block sums
    // of x (lanes 8-15 meet the mins in the scale vector below).

    private static void prepareQ4_K(float[] x, int xOff, int n, float[] prep) {
        for (int b = 0; b < n / 256; b++) {
            int p0 = b * 272, xb = xOff + 256 * b;
            for (int p = 0; p < 2; p++) {
                for (int s = 0; s < 8; s++) {
                    for (int i = 0; i < 16; i++) {
                        prep[p0 + 128 * p + 16 * s + i] =
                                x[xb + 64 * (2 * p + i / 8) + 32 * (s & 1) + 4 * (i % 8) + (s >> 1)];
                    }
                }
            }
            for (int j = 0; j < 8; j++) {
                float sum = 0f;
                for (int l = 0; l < 32; l++) sum += x[xb + 32 * j + l];
                prep[p0 + 256 + j] = 0f;
                prep[p0 + 264 + j] = sum;
            }
        }
    }

    private static final VectorMask<Float> HIGH8 = LANES16 ? VectorMask.fromLong(F512, 0xFF00L) : null;
    /** Per lane, the scale-byte word, shifts and masks giving the 6-bit scales (lanes 0-7) and mins (lanes 8-15). */
    private static final IntVector KS_LOW_SHIFT, KS_HIGH_SHIFT, KS_LOW_MASK;

    private static final VectorMask<Integer> KS_WORD0, KS_WORD1, KS_UPPER, KS_HIGH8;
    /** Rearranges of the 16 values: the even/odd extractions of pair p take sub-blocks 4p + {0, 2} / 4p + {1, 3}. */
    private static final VectorShuffle<Float> KS_EVEN0, KS_ODD0, KS_EVEN1, KS_ODD1;

    static {
        if (LANES16) {
            int[] lowShift = new int[16], highShift = new int[16], lowMask = new int[16];
            boolean[] w0 = new boolean[16], w1 = new boolean[16], upper = new boolean[16], high8 = new boolean[16];
            for (int lane = 0; lane < 16; lane++) {
                int j = lane % 8;
                boolean min = lane >= 8;
                high8[lane] = min;
                if (j < 4) { // low 6 bits of byte j (scale) or j + 4 (min)
                    w0[lane] = !min;
                    w1[lane] = min;
                    lowShift[lane] = 8 * j;
                    lowMask[lane] = 63;
                } else { // low 4 bits from byte j + 4 (scale: low nibble, min: high nibble), top 2 bits from byte j - 4
                    // / j
                    lowShift[lane] = 8 * (j - 4) + (min ? 4 : 0);
                    lowMask[lane] = 15;
                    highShift[lane] = 8 * (j - 4) + 6;
                    upper[lane] = true;
                }
            }
            KS_LOW_SHIFT = IntVector.fromArray(I512, lowShift, 0);
            KS_HIGH_SHIFT = IntVector.fromArray(I512, highShift, 0);
            KS_LOW_MASK = IntVector.fromArray(I512, lowMask, 0);
            KS_WORD0 = VectorMask.fromArray(I512, w0, 0);
            KS_WORD1 = VectorMask.fromArray(I512, w1, 0);
            KS_UPPER = VectorMask.fromArray(I512, upper, 0);
            KS_HIGH8 = VectorMask.fromArray(I512, high8, 0);
            KS_EVEN0 = pairShuffle(0, 2);
            KS_ODD0 = pairShuffle(1, 3);
            KS_EVEN1 = pairShuffle(4, 6);
            KS_ODD1 = pairShuffle(5, 7);
        } else {
            KS_LOW_SHIFT = KS_HIGH_SHIFT = KS_LOW_MASK = null;
            KS_WORD0 = KS_WORD1 = KS_UPPER = KS_HIGH8 = null;
            KS_EVEN0 = KS_ODD0 = KS_EVEN1 = KS_ODD1 = null;
        }
    }

    private static VectorShuffle<Float> pairShuffle(int low, int high) {
        int[] idx = new int[16];
        for (int i = 0; i < 16; i++) idx[i] = i < 8 ? low : high;
        return VectorShuffle.fromValues(F512, idx);
    }

    /**
     * A Q4_K block's 8 scales (lanes 0-7, times d) and 8 mins (lanes 8-15, times dmin) from its 12 scale bytes at sc,
     * read as three little-endian ints: each lane picks a word, shifts and masks its low bits, and sub-blocks 4-7 add
     * their top 2 bits from the word of bytes 0-3 (scales) or 4-7 (mins).
     */
    private static FloatVector q4kScales(MemorySegment seg, long sc, float d, float dmin) {
        int a = seg.get(Blocks.INT_LE, sc), b = seg.get(Blocks.INT_LE, sc + 4), c = seg.get(Blocks.INT_LE, sc + 8);
        IntVector words = IntVector.broadcast(I512, c).blend(a, KS_WORD0).blend(b, KS_WORD1);
        IntVector low = words.lanewise(VectorOperators.LSHR, KS_LOW_SHIFT).and(KS_LOW_MASK);
        IntVector top = IntVector.broadcast(I512, a)
                .blend(b, KS_HIGH8)
                .lanewise(VectorOperators.LSHR, KS_HIGH_SHIFT)
                .and(3)
                .lanewise(VectorOperators.LSHL, 4);
        IntVector v = low.blend(low.or(top), KS_UPPER);
        return ((FloatVector) v.convert(VectorOperators.I2F, 0))
                .mul(FloatVector.broadcast(F512, d).blend(dmin, HIGH8));
    }

    @Override
    public float dotQ4_K(MemorySegment seg, long off, float[] prep, int n) {
        if (!LANES16) return dotInOrder(GgmlType.Q4_K, seg, off, prep, n);
        FloatVector acc = FloatVector.zero(F512), mins = acc;
        for (int b = 0; b < n / 256; b++) {
            long bo = off + 144L * b;
            int p0 = b * 272;
            FloatVector scales = q4kScales(seg, bo + 4, Blocks.f16(seg, bo), Blocks.f16(seg, bo + 2));
            mins = scales.fma(FloatVector.fromArray(F512, prep, p0 + 256), mins); // lanes 0-7 meet zeros
            for (int p = 0; p < 2; p++) {
                IntVector v = IntVector.fromMemorySegment(I512, seg, bo + 16 + 64L * p, ByteOrder.LITTLE_ENDIAN);
                int x = p0 + 128 * p;
                FloatVector even = FloatVector.zero(F512), odd = even;
                for (int sh = 0; sh < 32; sh += 8) {
                    even = nibble(v, sh).fma(FloatVector.fromArray(F512, prep, x + 4 * sh), even);
                    odd = nibble(v, sh + 4).fma(FloatVector.fromArray(F512, prep, x + 4 * sh + 16), odd);
                }
                acc = even.fma(scales.rearrange(p == 0 ? KS_EVEN0 : KS_EVEN1), acc);
                acc = odd.fma(scales.rearrange(p == 0 ? KS_ODD0 : KS_ODD1), acc);
            }
        }
        FloatVector h = acc.add(acc.rearrange(LaneSums.FOLD_HALF));
        h = h.add(h.rearrange(LaneSums.FOLD_QUARTER));
        h = h.add(h.rearrange(LaneSums.FOLD_EIGHTH));
        if (L == 16) h = h.add(h.rearrange(LaneSums.FOLD_SIXTEENTH));
        FloatVector m = mins.add(mins.rearrange(LaneSums.FOLD_HALF));
        m = m.add(m.rearrange(LaneSums.FOLD_QUARTER));
        m = m.add(m.rearrange(LaneSums.FOLD_EIGHTH));
        if (L == 16) m = m.add(m.rearrange(LaneSums.FOLD_SIXTEENTH));
        return h.lane(0) - m.lane(0);
    }

    // Q6_K, 16 lanes: per half h of a block, ql (64 bytes) as 16 int lanes: lane i byte k is ql byte 4i + k, i.e.
    // column l = 4(i%8) + k of group g%2 = i/8; nibble n selects g = 2n + i/8. qh (32 bytes of the half) is read as 8
    // lanes, copied to both halves of the vector; its 2 bits for (k, n) in lane i are at 8k + 4n + 2(i/8). Extraction
    // s = 2k + n of lane i is element 32(2n + i/8) + 4(i%8) + k of the half, with scale index 8h + 4n + 2(i/8) +
    // (i%8)/4.
    // prep per 256-block: 256 reordered x (half h at 128h, extraction s at 16s), then per (h, n) the 16 lane sums
    // 32 * sum_k x.

    private static void prepareQ6_K(float[] x, int xOff, int n, float[] prep) {
        for (int b = 0; b < n / 256; b++) {
            int p0 = b * 320, xb = xOff + 256 * b;
            for (int h = 0; h < 2; h++) {
                for (int nn = 0; nn < 2; nn++) {
                    for (int i = 0; i < 16; i++) {
                        float sum = 0f;
                        for (int k = 0; k < 4; k++) {
                            float v = x[xb + 128 * h + 32 * (2 * nn + i / 8) + 4 * (i % 8) + k];
                            prep[p0 + 128 * h + 16 * (2 * k + nn) + i] = v;
                            sum += v;
                        }
                        prep[p0 + 256 + 32 * h + 16 * nn + i] = 32 * sum;
                    }
                }
            }
        }
    }

    private static final VectorShuffle<Integer> QH_HALF0, QH_HALF1;
    private static final VectorShuffle<Float>[] Q6_SCALES; // (h, n) -> lane i takes scale 8h + 4n + 2(i/8) + (i%8)/4
    private static final IntVector QH_SHIFT_HIGH; // +2 on lanes 8-15

    static {
        if (LANES16) {
            int[] h0 = new int[16], h1 = new int[16], hs = new int[16];
            for (int i = 0; i < 16; i++) {
                h0[i] = i % 8;
                h1[i] = 8 + i % 8;
                hs[i] = 2 * (i / 8);
            }
            QH_HALF0 = VectorShuffle.fromValues(I512, h0);
            QH_HALF1 = VectorShuffle.fromValues(I512, h1);
            QH_SHIFT_HIGH = IntVector.fromArray(I512, hs, 0);
            @SuppressWarnings("unchecked")
            VectorShuffle<Float>[] sh = new VectorShuffle[4];
            for (int h = 0; h < 2; h++) {
                for (int nn = 0; nn < 2; nn++) {
                    int[] idx = new int[16];
                    for (int i = 0; i < 16; i++) idx[i] = 8 * h + 4 * nn + 2 * (i / 8) + (i % 8) / 4;
                    sh[2 * h + nn] = VectorShuffle.fromValues(F512, idx);
                }
            }
            Q6_SCALES = sh;
        } else {
            QH_HALF0 = QH_HALF1 = null;
            QH_SHIFT_HIGH = null;
            Q6_SCALES = null;
        }
    }

    @Override
    public float dotQ6_K(MemorySegment seg, long off, float[] prep, int n) {
        if (!LANES16) return dotInOrder(GgmlType.Q6_K, seg, off, prep, n);
        FloatVector acc = FloatVector.zero(F512);
        for (int b = 0; b < n / 256; b++) {
            long bo = off + 210L * b;
            int p0 = b * 320;
            FloatVector scales = ((FloatVector)
                            ByteVector.fromMemorySegment(B128, seg, bo + 192, ByteOrder.LITTLE_ENDIAN)
                                    .convertShape(VectorOperators.B2F, F512, 0))
                    .mul(Blocks.f16(seg, bo + 208));
            IntVector qhAll = IntVector.fromMemorySegment(I512, seg, bo + 128, ByteOrder.LITTLE_ENDIAN);
            for (int h = 0; h < 2; h++) {
                IntVector ql = IntVector.fromMemorySegment(I512, seg, bo + 64L * h, ByteOrder.LITTLE_ENDIAN);
                IntVector qh = qhAll.rearrange(h == 0 ? QH_HALF0 : QH_HALF1);
                int x = p0 + 128 * h;
                FloatVector t0 = FloatVector.zero(F512), t1 = t0;
                for (int k = 0; k < 4; k++) {
                    IntVector shifts = QH_SHIFT_HIGH.add(8 * k);
                    IntVector q0 = ql.lanewise(VectorOperators.LSHR, 8 * k)
                            .and(15)
                            .or(qh.lanewise(VectorOperators.LSHR, shifts).and(3).lanewise(VectorOperators.LSHL, 4));
                    IntVector q1 = ql.lanewise(VectorOperators.LSHR, 8 * k + 4)
                            .and(15)
                            .or(qh.lanewise(VectorOperators.LSHR, shifts.add(4))
                                    .and(3)
                                    .lanewise(VectorOperators.LSHL, 4));
                    t0 = ((FloatVector) q0.convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(F512, prep, x + 32 * k), t0);
                    t1 = ((FloatVector) q1.convert(VectorOperators.I2F, 0))
                            .fma(FloatVector.fromArray(F512, prep, x + 32 * k + 16), t1);
                }
                int sums = p0 + 256 + 32 * h;
                acc = t0.sub(FloatVector.fromArray(F512, prep, sums)).fma(scales.rearrange(Q6_SCALES[2 * h]), acc);
                acc = t1.sub(FloatVector.fromArray(F512, prep, sums + 16))
                        .fma(scales.rearrange(Q6_SCALES[2 * h + 1]), acc);
            }
        }
        FloatVector h = acc.add(acc.rearrange(LaneSums.FOLD_HALF));
        h = h.add(h.rearrange(LaneSums.FOLD_QUARTER));
        h = h.add(h.rearrange(LaneSums.FOLD_EIGHTH));
        if (L == 16) h = h.add(h.rearrange(LaneSums.FOLD_SIXTEENTH));
        return h.lane(0);
    }

    /** The in-order form for lane counts other than 16: x was prepared as a copy with 256 floats of scratch after it. */
    private float dotInOrder(GgmlType type, MemorySegment seg, long off, float[] prep, int n) {
        int bs = type == GgmlType.Q4_0 ? 32 : 256;
        float[] block = prep; // scratch after x
        float s = 0f;
        for (int b = 0; b < n / bs; b++) {
            dequant(type, seg, off + (long) type.typeSize() * b, block, n, bs);
            FloatVector acc = FloatVector.zero(F);
            for (int i = 0; i < bs; i += L)
                acc = FloatVector.fromArray(F, block, n + i).fma(FloatVector.fromArray(F, prep, bs * b + i), acc);
            s += LaneSums.sum(acc);
        }
        return s;
    }

    // ------------------------------------------------------------------ row decoding, in order

    @Override
    public void dequant(GgmlType type, MemorySegment seg, long off, float[] out, int outOff, int n) {
        switch (type) {
            case Q8_0 -> dequantQ8_0(seg, off, out, outOff, n);
            case Q4_0 -> dequantQ4_0(seg, off, out, outOff, n);
            case Q4_K -> dequantQ4_K(seg, off, out, outOff, n);
            case Q6_K -> dequantQ6_K(seg, off, out, outOff, n);
            case F16 -> {
                int i = 0;
                for (; i + L <= n; i += L) f16(seg, off + 2L * i).intoArray(out, outOff + i);
                for (; i < n; i++) out[outOff + i] = Blocks.f16(seg, off + 2L * i);
            }
            case BF16 -> {
                int i = 0;
                for (; i + L <= n; i += L) bf16(seg, off + 2L * i).intoArray(out, outOff + i);
                for (; i < n; i++) out[outOff + i] = Blocks.bf16(seg, off + 2L * i);
            }
            default -> Blocks.dequantize(type, seg, off, out, outOff, n);
        }
    }

    private static void dequantQ8_0(MemorySegment seg, long off, float[] out, int outOff, int n) {
        int parts = 16 / L;
        for (int b = 0; b < n / 32; b++) {
            long bo = off + 34L * b;
            int o = outOff + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Blocks.f16(seg, bo));
            ByteVector q0 = ByteVector.fromMemorySegment(B128, seg, bo + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector q1 = ByteVector.fromMemorySegment(B128, seg, bo + 18, ByteOrder.LITTLE_ENDIAN);
            for (int p = 0; p < parts; p++) {
                ((FloatVector) q0.convertShape(VectorOperators.B2F, F, p))
                        .mul(d)
                        .intoArray(out, o + p * L);
                ((FloatVector) q1.convertShape(VectorOperators.B2F, F, p))
                        .mul(d)
                        .intoArray(out, o + 16 + p * L);
            }
        }
    }

    private static void dequantQ4_0(MemorySegment seg, long off, float[] out, int outOff, int n) {
        int parts = 16 / L;
        for (int b = 0; b < n / 32; b++) {
            long bo = off + 18L * b;
            int o = outOff + 32 * b;
            FloatVector d = FloatVector.broadcast(F, Blocks.f16(seg, bo));
            ByteVector q = ByteVector.fromMemorySegment(B128, seg, bo + 2, ByteOrder.LITTLE_ENDIAN);
            ByteVector lo = q.and((byte) 0x0F).sub((byte) 8);
            ByteVector hi = q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F).sub((byte) 8);
            for (int p = 0; p < parts; p++) {
                ((FloatVector) lo.convertShape(VectorOperators.B2F, F, p))
                        .mul(d)
                        .intoArray(out, o + p * L);
                ((FloatVector) hi.convertShape(VectorOperators.B2F, F, p))
                        .mul(d)
                        .intoArray(out, o + 16 + p * L);
            }
        }
    }

    /** Chunk c's 32 bytes: low nibbles are sub-block 2c in order, high nibbles sub-block 2c+1. */
    private static void dequantQ4_K(MemorySegment seg, long off, float[] out, int outOff, int n) {
        int parts = 32 / L;
        for (int b = 0; b < n / 256; b++) {
            long bo = off + 144L * b;
            float d = Blocks.f16(seg, bo), dmin = Blocks.f16(seg, bo + 2);
            for (int c = 0; c < 4; c++) {
                ByteVector q = ByteVector.fromMemorySegment(B256, seg, bo + 16 + 32L * c, ByteOrder.LITTLE_ENDIAN);
                ByteVector lo = q.and((byte) 0x0F),
                        hi = q.lanewise(VectorOperators.LSHR, 4).and((byte) 0x0F);
                int o = outOff + 256 * b + 64 * c;
                for (int half = 0; half < 2; half++) {
                    int j = 2 * c + half;
                    FloatVector sc = FloatVector.broadcast(F, d * Blocks.q4kScaleMin(seg, bo + 4, j, 0));
                    FloatVector m = FloatVector.broadcast(F, dmin * Blocks.q4kScaleMin(seg, bo + 4, j, 1));
                    ByteVector src = half == 0 ? lo : hi;
                    for (int p = 0; p < parts; p++) {
                        ((FloatVector) src.convertShape(VectorOperators.B2F, F, p))
                                .fma(sc, m.neg())
                                .intoArray(out, o + 32 * half + p * L);
                    }
                }
            }
        }
    }

    /** Per half and group g: low 4 bits from ql (32 bytes at 32(g%2), nibble g/2), high 2 bits from qh bits 2g. */
    private static void dequantQ6_K(MemorySegment seg, long off, float[] out, int outOff, int n) {
        int parts = 32 / L;
        for (int b = 0; b < n / 256; b++) {
            long bo = off + 210L * b;
            float d = Blocks.f16(seg, bo + 208);
            for (int h = 0; h < 2; h++) {
                ByteVector qh = ByteVector.fromMemorySegment(B256, seg, bo + 128 + 32L * h, ByteOrder.LITTLE_ENDIAN);
                for (int g = 0; g < 4; g++) {
                    ByteVector ql = ByteVector.fromMemorySegment(
                            B256, seg, bo + 64L * h + 32L * (g % 2), ByteOrder.LITTLE_ENDIAN);
                    ByteVector lo = (g < 2 ? ql : ql.lanewise(VectorOperators.LSHR, 4)).and((byte) 0x0F);
                    ByteVector q = lo.or(qh.lanewise(VectorOperators.LSHR, 2 * g)
                                    .and((byte) 3)
                                    .lanewise(VectorOperators.LSHL, 4))
                            .sub((byte) 32);
                    int o = outOff + 256 * b + 128 * h + 32 * g;
                    for (int p = 0; p < parts; p++) {
                        int is = 8 * h + 2 * g + (p * L) / 16;
                        float scale = d * seg.get(java.lang.foreign.ValueLayout.JAVA_BYTE, bo + 192 + is);
                        ((FloatVector) q.convertShape(VectorOperators.B2F, F, p))
                                .mul(scale)
                                .intoArray(out, o + p * L);
                    }
                }
            }
        }
    }
}
