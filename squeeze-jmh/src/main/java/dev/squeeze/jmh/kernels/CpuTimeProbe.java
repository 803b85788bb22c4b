package dev.squeeze.jmh.kernels;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.select.BipartiteSoftMatching;
import dev.squeeze.core.select.MaxMinDiversity;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.PositionMode;
import dev.squeeze.core.transform.TokenSet;
import dev.squeeze.core.transform.TokenTransform;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * The guards' shapes timed in CPU time rather than wall time, for a machine shared with other work (where
 * JMH's wall times mostly measure the load): per shape, the least CPU time per call over 15 rounds, summed
 * over every JVM thread (so the parallel blocks count both workers' time; on an idle 2-core machine their wall
 * time is about half). Not a JMH benchmark; run after packaging -Pjmh:
 * {@code java --add-modules jdk.incubator.vector -cp squeeze-jmh/target/squeeze-jmh.jar dev.squeeze.jmh.kernels.CpuTimeProbe}.
 */
public final class CpuTimeProbe {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private CpuTimeProbe() {}

    private static long allThreadsCpu() {
        long sum = 0;
        for (long id : MX.getAllThreadIds()) {
            long t = MX.getThreadCpuTime(id);
            if (t > 0) sum += t;
        }
        return sum;
    }

    private static double minCpuMillis(Runnable call, double flopsPerCall) {
        int inner = (int) Math.max(1, Math.min(200, 2e7 / Math.max(1, flopsPerCall)));
        for (int i = 0; i < 200 / inner + 20; i++) for (int j = 0; j < inner; j++) call.run();
        double best = Double.MAX_VALUE;
        for (int r = 0; r < 15; r++) {
            long t0 = allThreadsCpu();
            for (int j = 0; j < inner; j++) call.run();
            best = Math.min(best, (allThreadsCpu() - t0) / 1e6 / inner);
        }
        return best;
    }

    private static void row(String name, Runnable call, double flops) {
        double ms = minCpuMillis(call, flops);
        System.out.printf(
                Locale.ROOT,
                "%-40s %10.4f ms CPU%s%n",
                name,
                ms,
                flops > 0 ? String.format(Locale.ROOT, "  %6.1f GFLOP/s per CPU-second", flops / ms / 1e6) : "");
    }

    public static void main(String[] args) {
        Kernels k = KernelProvider.kernels();
        System.out.println("kernels: " + k.name());
        for (String shape : new String[] {"16x128x288", "16x128x768", "16x128x2048", "16x128x5632"}) {
            int[] s = ShapeInputs.dims(shape);
            float[] a = ShapeInputs.gaussian(s[0] * s[2], 1),
                    b = ShapeInputs.gaussian(s[1] * s[2], 2),
                    c = new float[s[0] * s[1]];
            row("prefill dotBlock " + shape, () -> k.dotBlock(a, b, c, s[0], s[1], s[2]), 2.0 * s[0] * s[1] * s[2]);
        }
        for (String shape : new String[] {
            "288x288", "768x288", "288x768", "32000x288", "2048x2048", "256x2048", "5632x2048", "2048x5632"
        }) {
            int[] s = ShapeInputs.dims(shape);
            float[] w = ShapeInputs.gaussian(s[0] * s[1], 1), x = ShapeInputs.gaussian(s[1], 2), out = new float[s[0]];
            row(
                    "decode mat-vec " + shape,
                    () -> {
                        for (int r = 0; r < s[0]; r++) out[r] = k.dot(w, r * s[1], x, 0, s[1]);
                    },
                    2.0 * s[0] * s[1]);
        }
        Similarity sim = Similarity.fast();
        FloatMatrix dp = ShapeInputs.tokens(576, 1024, 1), unit = sim.normalizeRows(dp);
        float[] g = new float[576 * 576];
        double gramFlops = 2.0 * 576 * 576 * 1024; // the full block's, as delivered
        row("gram 576x1024 (1 thread)", () -> k.gram(unit.data(), g, 576, 1024), gramFlops);
        row("cosineGram 576x1024 (parallel)", () -> sim.cosineGram(dp), gramFlops);
        row("cosineGramUpper 576x1024 (parallel)", () -> sim.cosineGramUpper(dp), gramFlops);
        row(
                "divPrune 64 of 576 whole",
                () -> TokenTransform.select(576, MaxMinDiversity.divPrune(dp, 64))
                        .apply(TokenSet.of(dp), PositionMode.REPRESENTATIVE),
                0);
        FloatMatrix tm = ShapeInputs.tokens(577, 768, 2), tu = sim.normalizeRows(tm);
        FloatMatrix ta = new FloatMatrix(289, 768), tb = new FloatMatrix(288, 768);
        for (int i = 0; i < 289; i++) System.arraycopy(tu.data(), 2 * i * 768, ta.data(), i * 768, 768);
        for (int j = 0; j < 288; j++) System.arraycopy(tu.data(), (2 * j + 1) * 768, tb.data(), j * 768, 768);
        float[] ab = new float[289 * 288];
        double abFlops = 2.0 * 289 * 288 * 768;
        row("dotBlock 289x288x768 (1 thread)", () -> k.dotBlock(ta.data(), tb.data(), ab, 289, 288, 768), abFlops);
        row("dotBlockParallel 289x288x768", () -> sim.dotBlockParallel(ta, tb), abFlops);
        row(
                "ToMe r=16 577x768 whole",
                () -> BipartiteSoftMatching.merge(tm, null, 16, true)
                        .apply(TokenSet.of(tm), PositionMode.REPRESENTATIVE),
                0);
    }
}
