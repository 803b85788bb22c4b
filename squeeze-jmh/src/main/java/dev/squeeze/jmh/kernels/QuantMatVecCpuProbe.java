package dev.squeeze.jmh.kernels;

import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.WeightTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Random;

/**
 * {@link QuantMatVecBench}'s decode matrix-vector product on one thread, timed in this thread's CPU time rather than
 * wall time, for a machine shared with other work: per type and shape the least CPU time per call over 25 rounds, as
 * GB/s of weights. {@code cold}: the matrix is one of copies filling 256 MiB (weights from memory, as in decode);
 * {@code hot}: one copy, read from cache, so the figure is the kernel's compute rate. Not a JMH benchmark; after
 * packaging -Pjmh: {@code java --add-modules jdk.incubator.vector -cp squeeze-jmh/target/squeeze-jmh.jar
 * dev.squeeze.jmh.kernels.QuantMatVecCpuProbe [TYPE COLS ROWS hot|cold]} (no arguments: Q8_0 and Q4_0 at every
 * TinyLlama shape, hot and cold).
 */
public final class QuantMatVecCpuProbe {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    private static final int[][] SHAPES = {{2048, 2048}, {2048, 256}, {2048, 5632}, {5632, 2048}, {2048, 32000}};

    private QuantMatVecCpuProbe() {}

    public static void main(String[] args) {
        if (args.length == 4) {
            probe(
                    GgmlType.valueOf(args[0]),
                    Integer.parseInt(args[1]),
                    Integer.parseInt(args[2]),
                    args[3].equals("hot"));
            return;
        }
        for (GgmlType t : new GgmlType[] {GgmlType.Q8_0, GgmlType.Q4_0}) {
            for (int[] s : SHAPES) {
                probe(t, s[0], s[1], true);
                probe(t, s[0], s[1], false);
            }
        }
    }

    private static void probe(GgmlType t, int cols, int rows, boolean hot) {
        long bytes = t.bytesFor(cols) * rows;
        int n = hot ? 1 : (int) Math.max(2, (QuantMatVecBench.COPIES_BYTES + bytes - 1) / bytes);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(bytes * n, 64);
            QuantMatVecBench.fill(seg, t, new Random(7));
            WeightTensor[] w = new WeightTensor[n];
            for (int i = 0; i < n; i++) w[i] = WeightTensor.of(t, seg, bytes * i, rows, cols, "w" + i);
            float[] x = ShapeInputs.gaussian(cols, 3), out = new float[rows], scratch = new float[w[0].scratchLength()];
            int calls = (int) Math.max(20, 2_000_000_000L / bytes);
            double best = Double.MAX_VALUE;
            for (int round = 0; round < 25; round++) {
                long c0 = MX.getCurrentThreadCpuTime();
                for (int c = 0; c < calls; c++) w[c % n].dotRows(0, rows, x, 0, out, 0, scratch);
                best = Math.min(best, (MX.getCurrentThreadCpuTime() - c0) / (double) calls);
            }
            System.out.printf(
                    Locale.ROOT,
                    "%s %d->%d %s: %.1f us CPU per call, %.1f GB/s of weights (out[0] %.4f)%n",
                    t,
                    cols,
                    rows,
                    hot ? "hot" : "cold",
                    best / 1e3,
                    bytes / best,
                    out[0]);
        }
    }
}
