package dev.squeeze.bench;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.tensor.FloatMatrix;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernel timings ({@code squeeze bench speed}): the similarity block at N = 576, D = 1024 against a
 * measured single-core FMA peak, the runtime's 16-row prefill block, plus matmul, softmax and top-k,
 * vector vs scalar. Single-threaded.
 */
public final class SpeedSuite implements BenchSuite {
    static final String TASK = "kernels";

    @Override
    public String name() {
        return "speed";
    }

    @Override
    public String description() {
        return "core kernel timings (GFLOP/s vs the measured single-core FMA peak)";
    }

    @Override
    public void run(BenchContext ctx) {
        boolean quick = ctx.quick();
        int reps = quick ? 5 : 15;
        Random r = new Random(1);
        double peak = fmaPeakGflops(quick);
        ctx.add(Row.of(TASK)
                .put("kernel", "fma-peak")
                .put("impl", "vector")
                .put("n", 0)
                .put("d", 0)
                .put("millis", 0.0)
                .put("gflops", peak)
                .put("percentOfPeak", 100.0));
        Kernels vector = KernelProvider.vector().orElse(null);
        Kernels scalar = KernelProvider.scalar();
        List<Kernels> impls = vector == null ? List.of(scalar) : List.of(vector, scalar);
        int[][] shapes =
                quick ? new int[][] {{576, 1024}} : new int[][] {{144, 1024}, {576, 1024}, {576, 4096}, {2880, 1024}};
        // the runtime's F32 prefill: 16 decoded weight rows against T = 128 prompt activations (stories15M's dim
        // 288; a 1.1B layer's 2048)
        int[][] prefill = quick ? new int[][] {{16, 128, 288}} : new int[][] {{16, 128, 288}, {16, 128, 2048}};
        try (Progress p = ctx.progress("kernels", (long) impls.size() * (shapes.length + prefill.length) + 3)) {
            for (int[] shape : prefill) {
                int n = shape[0], t = shape[1], d = shape[2];
                float[] a = gaussian(r, n * d), b = gaussian(r, t * d), c = new float[n * t];
                for (Kernels k : impls) {
                    p.message(k.name() + " dotBlock prefill " + n + "x" + t + "x" + d);
                    long ns = Timing.medianNanos(
                            () -> {
                                k.dotBlock(a, b, c, n, t, d);
                                return c;
                            },
                            200,
                            reps);
                    double gf = 2.0 * n * t * d / ns;
                    ctx.add(Row.of(TASK)
                            .put("kernel", "dotBlock prefill 16xT (T=" + t + ")")
                            .put("impl", k.name())
                            .put("n", n)
                            .put("d", d)
                            .put("millis", Timing.millis(ns))
                            .put("gflops", gf)
                            .put("percentOfPeak", 100 * gf / peak));
                    p.step();
                }
            }
            for (int[] shape : shapes) {
                int n = shape[0], d = shape[1];
                float[] a = gaussian(r, n * d);
                float[] c = new float[n * n];
                for (Kernels k : impls) {
                    p.message(k.name() + " dotBlock " + n + "x" + d);
                    int rr = k == scalar || n > 1000 ? Math.max(3, reps / 3) : reps;
                    long ns = Timing.medianNanos(
                            () -> {
                                k.dotBlock(a, a, c, n, n, d);
                                return c;
                            },
                            2,
                            rr);
                    double gf = 2.0 * n * n * d / ns;
                    ctx.add(Row.of(TASK)
                            .put("kernel", "dotBlock NxN")
                            .put("impl", k.name())
                            .put("n", n)
                            .put("d", d)
                            .put("millis", Timing.millis(ns))
                            .put("gflops", gf)
                            .put("percentOfPeak", 100 * gf / peak));
                    p.step();
                }
                if (vector != null) {
                    // the self-similarity block: one triangle computed, mirrored; GFLOP/s counts the full 2 N^2 D
                    long gns = Timing.medianNanos(
                            () -> {
                                vector.gram(a, c, n, d);
                                return c;
                            },
                            2,
                            n > 1000 ? Math.max(3, reps / 3) : reps);
                    double gf = 2.0 * n * n * d / gns;
                    ctx.add(Row.of(TASK)
                            .put("kernel", "gram NxN (symmetric, effective)")
                            .put("impl", vector.name())
                            .put("n", n)
                            .put("d", d)
                            .put("millis", Timing.millis(gns))
                            .put("gflops", gf)
                            .put("percentOfPeak", 100 * gf / peak));
                }
            }
            FloatMatrix x = new FloatMatrix(576, 1024, gaussian(r, 576 * 1024));
            Similarity sim = Similarity.fast();
            long ns = Timing.medianNanos(() -> sim.cosineBlock(x), 2, reps);
            ctx.add(Row.of(TASK)
                    .put("kernel", "cosineBlock NxN (incl. normalise, alloc)")
                    .put("impl", sim.kernels().name())
                    .put("n", 576)
                    .put("d", 1024)
                    .put("millis", Timing.millis(ns))
                    .put("gflops", 2.0 * 576 * 576 * 1024 / ns)
                    .put("percentOfPeak", 100 * (2.0 * 576 * 576 * 1024 / ns) / peak));
            p.step();
            int n = 256, kk = 1024, m = 1024;
            float[] a = gaussian(r, n * kk), b = gaussian(r, kk * m), c = new float[n * m];
            for (Kernels k : impls) {
                long t = Timing.medianNanos(
                        () -> {
                            k.matmul(a, b, c, n, kk, m);
                            return c;
                        },
                        2,
                        Math.max(3, reps / 3));
                double gf = 2.0 * n * kk * m / t;
                ctx.add(Row.of(TASK)
                        .put("kernel", "matmul")
                        .put("impl", k.name())
                        .put("n", n)
                        .put("d", kk)
                        .put("millis", Timing.millis(t))
                        .put("gflops", gf)
                        .put("percentOfPeak", 100 * gf / peak));
            }
            p.step();
            float[] logits = gaussian(r, 32000);
            float[] work = new float[32000];
            Kernels fast = KernelProvider.kernels();
            long sm = Timing.medianNanos(
                    () -> {
                        System.arraycopy(logits, 0, work, 0, work.length);
                        fast.softmaxInPlace(work, 0, work.length);
                        return work;
                    },
                    5,
                    reps);
            ctx.add(Row.of(TASK)
                    .put("kernel", "softmax")
                    .put("impl", fast.name())
                    .put("n", 32000)
                    .put("d", 1)
                    .put("millis", Timing.millis(sm)));
            long tk = Timing.medianNanos(() -> TopK.topKIndices(logits, 64), 5, reps);
            ctx.add(Row.of(TASK)
                    .put("kernel", "topK k=64")
                    .put("impl", "heap")
                    .put("n", 32000)
                    .put("d", 1)
                    .put("millis", Timing.millis(tk)));
            p.step();
        }
        ctx.plot(new PlotSpec(TASK, "dotBlock GFLOP/s by N (D in the table)", "n", "gflops", "impl"));
        ctx.note(String.format(
                java.util.Locale.ROOT,
                "Measured single-core FP32 FMA peak (Vector API, %d lanes, 12 independent accumulators): %.1f GFLOP/s.",
                lanes().orElse(1),
                peak));
    }

    static float[] gaussian(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    private static Optional<Integer> lanes() {
        return KernelProvider.vectorApiAvailable()
                ? Optional.of(FloatVector.SPECIES_PREFERRED.length())
                : Optional.empty();
    }

    /**
     * Single-core FMA throughput: 12 independent accumulator chains hide FMA latency, so the loop runs at
     * the issue rate. Best of several runs (the peak, not a typical figure).
     */
    static double fmaPeakGflops(boolean quick) {
        if (!KernelProvider.vectorApiAvailable()) return Double.NaN;
        return FmaProbe.measure(quick ? 20_000_000 : 100_000_000);
    }

    /** Isolated so the class loads only when the Vector API is present. */
    static final class FmaProbe {
        private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
        static volatile float sink;

        static double measure(int iters) {
            double best = 0;
            for (int run = 0; run < 5; run++) {
                long t0 = System.nanoTime();
                float s = loop(iters / 5);
                long t = System.nanoTime() - t0;
                sink = s;
                if (run > 0) best = Math.max(best, 2.0 * 12 * S.length() * (iters / 5) / t);
            }
            return best;
        }

        private static float loop(int iters) {
            FloatVector m = FloatVector.broadcast(S, 0.999999f), b = FloatVector.broadcast(S, 1e-7f);
            FloatVector a0 = FloatVector.broadcast(S, 1f),
                    a1 = a0.add(1f),
                    a2 = a0.add(2f),
                    a3 = a0.add(3f),
                    a4 = a0.add(4f),
                    a5 = a0.add(5f),
                    a6 = a0.add(6f),
                    a7 = a0.add(7f),
                    a8 = a0.add(8f),
                    a9 = a0.add(9f),
                    a10 = a0.add(10f),
                    a11 = a0.add(11f);
            for (int i = 0; i < iters; i++) {
                a0 = a0.fma(m, b);
                a1 = a1.fma(m, b);
                a2 = a2.fma(m, b);
                a3 = a3.fma(m, b);
                a4 = a4.fma(m, b);
                a5 = a5.fma(m, b);
                a6 = a6.fma(m, b);
                a7 = a7.fma(m, b);
                a8 = a8.fma(m, b);
                a9 = a9.fma(m, b);
                a10 = a10.fma(m, b);
                a11 = a11.fma(m, b);
            }
            return a0.add(a1)
                    .add(a2)
                    .add(a3)
                    .add(a4)
                    .add(a5)
                    .add(a6)
                    .add(a7)
                    .add(a8)
                    .add(a9)
                    .add(a10)
                    .add(a11)
                    .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
        }
    }
}
