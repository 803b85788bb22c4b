package dev.squeeze.jmh.kernels;

import dev.squeeze.llm.quant.Blocks;
import dev.squeeze.llm.quant.GgmlType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntSupplier;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Feasibility probe for issue #14's pairwise multiply-add: whether HotSpot C2's SuperWord turns plain Java loops of
 * the shape {@code out[i] += a[2i] b[2i] + a[2i+1] b[2i+1]} (short a, b; int out) into {@code MulAddVS2VI} ({@code
 * vpmaddwd}; with the add, {@code vpdpwssd} on AVX512_VNNI), and whether that beats the Vector API's 16-bit multiply
 * and add, which is what the Q4_0 kernels use ({@code VectorQuantKernels.dotQ4_0}, {@code Q4Gemm}).
 *
 * <p>{@code MulAddProbe [n]}: each loop shape on arrays that stay in L1 (n int outputs, 2n shorts per operand), the
 * least CPU time of this thread over 30 interleaved rounds as GMAC/s; a run with {@code -XX:-UseSuperWord} gives the scalar
 * rates, so a shape whose rate does not move was not vectorised. C2 forms the idiom only when all four multiplicands
 * are short loads inside the counted loop ({@code PhaseIdealLoop::convert_add_to_muladd}), so a loop-invariant
 * (broadcast) operand does not match.
 *
 * <p>{@code MulAddProbe q4 COLS ROWS [whole|loop|rest]}: a Q4_0 matrix-vector product built on the loop (per row:
 * nibbles unpacked to shorts minus 8, the pairwise loop against x's 8-bit quants held as shorts, per block 16 ints to
 * floats times d_w d_x), checked against a scalar integer reference, then timed on one thread with the matrix in
 * cache, alternated with {@link QuantMatVecCpuProbe}'s product through the runtime's kernel on the same shape.
 * {@code loop} times the pairwise loop alone, {@code rest} everything but it. Not a JMH benchmark; after packaging
 * -Pjmh: {@code java --add-modules jdk.incubator.vector -cp squeeze-jmh/target/squeeze-jmh.jar
 * dev.squeeze.jmh.kernels.MulAddProbe ...}.
 */
public final class MulAddProbe {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final VectorSpecies<Short> S = ShortVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Byte> B128 = ByteVector.SPECIES_128;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;

    private MulAddProbe() {}

    public static void main(String[] args) {
        if (args.length >= 3 && args[0].equals("q4")) {
            Part part = args.length > 3 ? Part.valueOf(args[3].toUpperCase(Locale.ROOT)) : Part.WHOLE;
            q4Probe(Integer.parseInt(args[1]), Integer.parseInt(args[2]), part);
        } else {
            loops(args.length > 0 ? Integer.parseInt(args[0]) : 1024);
        }
    }

    // ------------------------------------------------------------------ loop shapes

    private static void loops(int n) {
        Random r = new Random(1);
        short[] a = new short[2 * n], b = new short[2 * n];
        for (int i = 0; i < 2 * n; i++) {
            a[i] = (short) r.nextInt(16); // a nibble
            b[i] = (short) (r.nextInt(255) - 127); // an 8-bit activation quant
        }
        short[] c = b.clone(), d = a.clone();
        int[] out = new int[n], ref = new int[n], ref2 = new int[n];
        short w0 = 7, w1 = -3;
        short[] wb = new short[2 * n]; // the pair (w0, w1) repeated: a broadcast written out
        long sum = 0;
        for (int i = 0; i < n; i++) {
            ref[i] = a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
            ref2[i] = ref[i] + c[2 * i] * d[2 * i] + c[2 * i + 1] * d[2 * i + 1];
            sum += ref[i];
            wb[2 * i] = w0;
            wb[2 * i + 1] = w1;
        }
        int[] bcast = new int[n];
        for (int i = 0; i < n; i++) bcast[i] = a[2 * i] * w0 + a[2 * i + 1] * w1;
        int total = (int) sum;
        List<Shape> shapes = new ArrayList<>();
        shapes.add(new Shape(
                "out[i] += a[2i] b[2i] + a[2i+1] b[2i+1]",
                2 * n,
                () -> {
                    madd(a, b, out, n);
                    return out[0];
                },
                () -> {
                    Arrays.fill(out, 0);
                    madd(a, b, out, n);
                    check("madd", out, ref);
                }));
        shapes.add(new Shape(
                "out[i] = a[2i] b[2i] + a[2i+1] b[2i+1]",
                2 * n,
                () -> {
                    maddSet(a, b, out, n);
                    return out[0];
                },
                () -> {
                    maddSet(a, b, out, n);
                    check("maddSet", out, ref);
                }));
        shapes.add(new Shape(
                "out[i] = (a, b) pair + (c, d) pair (4 products)",
                4 * n,
                () -> {
                    madd2(a, b, c, d, out, n);
                    return out[0];
                },
                () -> {
                    madd2(a, b, c, d, out, n);
                    check("madd2", out, ref2);
                }));
        shapes.add(new Shape("s += a[2i] b[2i] + a[2i+1] b[2i+1] (reduction)", 2 * n, () -> maddSum(a, b, n), () -> {
            if (maddSum(a, b, n) != total) throw new AssertionError("maddSum");
        }));
        shapes.add(new Shape(
                "out[i] = a[2i] w0 + a[2i+1] w1 (w0, w1 invariant)",
                2 * n,
                () -> {
                    maddBroadcast(a, w0, w1, out, n);
                    return out[0];
                },
                () -> {
                    maddBroadcast(a, w0, w1, out, n);
                    check("maddBroadcast", out, bcast);
                }));
        shapes.add(new Shape(
                "out[i] = a[2i] wb[2i] + ... (broadcast written out)",
                2 * n,
                () -> {
                    maddSet(a, wb, out, n);
                    return out[0];
                },
                () -> {
                    maddSet(a, wb, out, n);
                    check("maddSet on wb", out, bcast);
                }));
        shapes.add(new Shape(
                "Vector API: 16-bit mul, pair add to ints, to out",
                2 * n,
                () -> {
                    vectorPairs(a, b, out, n);
                    return out[0];
                },
                () -> {
                    vectorPairs(a, b, out, n);
                    check("vectorPairs", out, ref);
                }));
        shapes.add(new Shape(
                "Vector API: 16-bit mul + add, 16-bit accumulator", 2 * n, () -> vectorShortAcc(a, b, n), () -> {
                    if ((short) vectorShortAcc(a, b, n) != (short) total) throw new AssertionError("vectorShortAcc");
                }));
        for (Shape sh : shapes) sh.check().run();
        // rounds interleave the shapes, so a stretch of load from other processes (on a shared machine, possibly
        // on this core's sibling thread) does not fall on one shape only; each shape keeps its least CPU time
        double[] best = new double[shapes.size()];
        Arrays.fill(best, Double.MAX_VALUE);
        int sink = 0;
        for (int round = 0; round < 30; round++) {
            for (int k = 0; k < shapes.size(); k++) {
                Shape sh = shapes.get(k);
                int calls = Math.max(1000, 100_000_000 / sh.macs());
                long c0 = MX.getCurrentThreadCpuTime();
                for (int call = 0; call < calls; call++) sink += sh.body().getAsInt();
                best[k] = Math.min(best[k], (MX.getCurrentThreadCpuTime() - c0) / (double) calls);
            }
        }
        for (int k = 0; k < shapes.size(); k++) {
            Shape sh = shapes.get(k);
            System.out.printf(
                    Locale.ROOT,
                    "%-54s %6d MACs: %8.1f ns, %5.1f GMAC/s%n",
                    sh.name(),
                    sh.macs(),
                    best[k],
                    sh.macs() / best[k]);
        }
        for (Shape sh : shapes) sh.check().run(); // again, with the compiled code
        System.out.println("all shapes equal their scalar references (checksum " + (sink & 1) + ")");
    }

    private record Shape(String name, int macs, IntSupplier body, Runnable check) {}

    private static void check(String name, int[] out, int[] ref) {
        for (int i = 0; i < out.length; i++)
            if (out[i] != ref[i]) throw new AssertionError(name + ": lane " + i + ": " + out[i] + " != " + ref[i]);
    }

    static void madd(short[] a, short[] b, int[] out, int n) {
        for (int i = 0; i < n; i++) out[i] += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
    }

    static void maddSet(short[] a, short[] b, int[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
    }

    static void madd2(short[] a, short[] b, short[] c, short[] d, int[] out, int n) {
        for (int i = 0; i < n; i++)
            out[i] = a[2 * i] * b[2 * i]
                    + a[2 * i + 1] * b[2 * i + 1]
                    + (c[2 * i] * d[2 * i] + c[2 * i + 1] * d[2 * i + 1]);
    }

    static int maddSum(short[] a, short[] b, int n) {
        int s = 0;
        for (int i = 0; i < n; i++) s += a[2 * i] * b[2 * i] + a[2 * i + 1] * b[2 * i + 1];
        return s;
    }

    static void maddBroadcast(short[] a, short w0, short w1, int[] out, int n) {
        for (int i = 0; i < n; i++) out[i] = a[2 * i] * w0 + a[2 * i + 1] * w1;
    }

    /** out[i] = the pair sum i, as the kernels form it: 16-bit products, the two shorts of an int lane added. */
    static void vectorPairs(short[] a, short[] b, int[] out, int n) {
        for (int i = 0; i + I.length() <= n; i += I.length()) {
            IntVector p = ShortVector.fromArray(S, a, 2 * i)
                    .mul(ShortVector.fromArray(S, b, 2 * i))
                    .reinterpretAsInts();
            p.lanewise(VectorOperators.ASHR, 16)
                    .add(p.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16))
                    .intoArray(out, i);
        }
    }

    /** The kernels' inner step: 16-bit products added into a 16-bit accumulator (the sum modulo 2^16). */
    static int vectorShortAcc(short[] a, short[] b, int n) {
        ShortVector acc = ShortVector.zero(S);
        for (int i = 0; i + S.length() <= 2 * n; i += S.length())
            acc = acc.add(ShortVector.fromArray(S, a, i).mul(ShortVector.fromArray(S, b, i)));
        return acc.reduceLanes(VectorOperators.ADD);
    }

    // ------------------------------------------------------------------ a Q4_0 decode dot on the pairwise loop

    private enum Part {
        WHOLE,
        LOOP,
        REST
    }

    /**
     * Row dot of Q4_0 weights (K columns at off) with x as 8-bit quants held as shorts in order (xq, K) and their
     * block scales dx (K / 32): nibbles minus 8 unpacked to shorts in order (w, K; a block's low nibbles are its
     * elements 0-15, the high ones 16-31), the pairwise loop into ints (p, K / 2: 16 per block), then per block the
     * 16 ints to floats times d_w d_x into four accumulators (one chain of dependent FMAs is latency-bound).
     */
    static float dotQ4Madd(MemorySegment seg, long off, int K, short[] xq, float[] dx, short[] w, int[] p, Part part) {
        int nb = K / 32;
        if (part != Part.LOOP) {
            for (int b = 0; b < nb; b++) {
                ShortVector v = (ShortVector)
                        ByteVector.fromMemorySegment(B128, seg, off + 18L * b + 2, ByteOrder.LITTLE_ENDIAN)
                                .convertShape(VectorOperators.ZERO_EXTEND_B2S, S256, 0);
                v.and((short) 15).sub((short) 8).intoArray(w, 32 * b);
                v.lanewise(VectorOperators.LSHR, 4).sub((short) 8).intoArray(w, 32 * b + 16);
            }
        }
        if (part != Part.REST) maddSet(w, xq, p, K / 2);
        if (part == Part.LOOP) return p[0];
        FloatVector a0 = FloatVector.zero(F512), a1 = a0, a2 = a0, a3 = a0;
        for (int b = 0; b + 4 <= nb; b += 4) {
            a0 = blockTerm(seg, off, p, dx, b, a0);
            a1 = blockTerm(seg, off, p, dx, b + 1, a1);
            a2 = blockTerm(seg, off, p, dx, b + 2, a2);
            a3 = blockTerm(seg, off, p, dx, b + 3, a3);
        }
        return a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD);
    }

    private static FloatVector blockTerm(MemorySegment seg, long off, int[] p, float[] dx, int b, FloatVector acc) {
        FloatVector s = (FloatVector) IntVector.fromArray(I512, p, 16 * b).convert(VectorOperators.I2F, 0);
        return s.fma(FloatVector.broadcast(F512, Blocks.f16(seg, off + 18L * b) * dx[b]), acc);
    }

    /**
     * The scalar integer reference of the same product: per block the integer dot of (nibble - 8) and x's quants,
     * times d_w d_x; also returns (in mag[0]) the sum of the blocks' magnitudes, the scale for the comparison.
     */
    static float dotQ4Reference(MemorySegment seg, long off, int K, short[] xq, float[] dx, double[] mag) {
        double acc = 0, m = 0;
        for (int b = 0; b < K / 32; b++) {
            int sum = 0;
            for (int j = 0; j < 16; j++) {
                int q = seg.get(ValueLayout.JAVA_BYTE, off + 18L * b + 2 + j) & 0xFF;
                sum += ((q & 15) - 8) * xq[32 * b + j] + ((q >>> 4) - 8) * xq[32 * b + 16 + j];
            }
            double t = sum * (double) (Blocks.f16(seg, off + 18L * b) * dx[b]);
            acc += t;
            m += Math.abs(t);
        }
        mag[0] = m;
        return (float) acc;
    }

    private static void q4Probe(int K, int rows, Part part) {
        if (K % 128 != 0) throw new IllegalArgumentException("COLS must be a multiple of 128, got " + K);
        long rowBytes = GgmlType.Q4_0.bytesFor(K);
        Random r = new Random(3);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(rowBytes * rows, 64);
            QuantMatVecBench.fill(seg, GgmlType.Q4_0, r);
            short[] xq = new short[K];
            float[] dx = new float[K / 32];
            for (int i = 0; i < K; i++) xq[i] = (short) (r.nextInt(255) - 127);
            for (int b = 0; b < K / 32; b++) dx[b] = 0.01f + r.nextFloat() * 0.01f;
            short[] w = new short[K];
            int[] p = new int[K / 2];
            float[] out = new float[rows];
            double worst = 0;
            double[] mag = new double[1];
            for (int i = 0; i < rows; i++) {
                float got = dotQ4Madd(seg, rowBytes * i, K, xq, dx, w, p, Part.WHOLE);
                float want = dotQ4Reference(seg, rowBytes * i, K, xq, dx, mag);
                worst = Math.max(worst, Math.abs(got - want) / mag[0]);
            }
            System.out.printf(
                    Locale.ROOT,
                    "pairwise-loop Q4_0 dot against the scalar integer reference: max |difference| / sum of |block"
                            + " terms| %.1e%n",
                    worst);
            for (int rep = 0; rep < 3; rep++) {
                int calls = (int) Math.max(20, 2_000_000_000L / (rowBytes * rows));
                double best = Double.MAX_VALUE;
                for (int round = 0; round < 25; round++) {
                    long c0 = MX.getCurrentThreadCpuTime();
                    for (int c = 0; c < calls; c++)
                        for (int i = 0; i < rows; i++) out[i] = dotQ4Madd(seg, rowBytes * i, K, xq, dx, w, p, part);
                    best = Math.min(best, (MX.getCurrentThreadCpuTime() - c0) / (double) calls);
                }
                System.out.printf(
                        Locale.ROOT,
                        "pairwise-loop Q4_0 (%s) %d->%d hot: %.1f us CPU per call, %.1f GB/s of weights (out[0] %.4f)%n",
                        part.name().toLowerCase(Locale.ROOT),
                        K,
                        rows,
                        best / 1e3,
                        rowBytes * rows / best,
                        out[0]);
                QuantMatVecCpuProbe.main(new String[] {"Q4_0", Integer.toString(K), Integer.toString(rows), "hot"});
            }
        }
    }
}
