package dev.squeeze.jmh.kernels;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * The exp-based kernels on one thread in CPU time (for a shared machine): softmax over attention rows of the
 * runtime's lengths, and GELU over an encoder's FFN row; per shape the least CPU time per call over 25 rounds. Not a
 * JMH benchmark; after packaging -Pjmh: {@code java --add-modules jdk.incubator.vector -cp
 * squeeze-jmh/target/squeeze-jmh.jar dev.squeeze.jmh.kernels.ExpKernelsCpuProbe}.
 */
public final class ExpKernelsCpuProbe {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    private ExpKernelsCpuProbe() {}

    public static void main(String[] args) {
        Kernels k = KernelProvider.kernels();
        for (int n : new int[] {64, 256, 1024, 4096}) {
            float[] src = ShapeInputs.gaussian(n, 5), a = new float[n];
            probe("softmax " + n, n, () -> {
                System.arraycopy(src, 0, a, 0, n);
                k.softmaxInPlace(a, 0, n);
            });
        }
        int n = 3072;
        float[] src = ShapeInputs.gaussian(n, 6), a = new float[n];
        probe("gelu " + n, n, () -> {
            System.arraycopy(src, 0, a, 0, n);
            k.gelu(a, 0, n);
        });
    }

    private static void probe(String name, int n, Runnable call) {
        int calls = Math.max(100, 20_000_000 / n);
        for (int i = 0; i < calls; i++) call.run();
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 25; round++) {
            long c0 = MX.getCurrentThreadCpuTime();
            for (int c = 0; c < calls; c++) call.run();
            best = Math.min(best, (MX.getCurrentThreadCpuTime() - c0) / (double) calls);
        }
        System.out.printf(Locale.ROOT, "%-14s %9.1f ns CPU per call, %6.2f ns per element%n", name, best, best / n);
    }
}
