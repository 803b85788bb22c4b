package dev.squeeze.jmh.kernels;

import dev.squeeze.llm.quant.GgmlType;
import dev.squeeze.llm.quant.WeightTensor;
import dev.squeeze.llm.runtime.Gemm;
import dev.squeeze.llm.runtime.Q4Gemm;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Q4_0 prompt product of squeeze-llm's runtime on one thread, out (T, rows) = x (T, cols) W^T at TinyLlama-1.1B's
 * shapes and T = 128, by the two paths {@code Projections} has: {@code f32} (activations packed as floats, 32-row
 * panels decoded to floats, {@link Gemm#multiply}) and {@code int16} (activations quantised to Q8_0 pairs,
 * panels decoded to nibble pairs, {@link Q4Gemm#multiply}). Each call includes its packing and every panel's decoding,
 * as one worker's share of a product does. GFLOP/s = 2 T rows cols / time. {@link #main} times the same calls in this
 * thread's CPU time (least of 15 rounds) for a shared machine: after packaging -Pjmh, {@code java --add-modules
 * jdk.incubator.vector -cp squeeze-jmh/target/squeeze-jmh.jar dev.squeeze.jmh.kernels.PrefillQ4Bench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx1g"})
public class PrefillQ4Bench {
    private static final int PANEL = 32;

    /** cols->rows. */
    @Param({"2048->2048", "2048->5632", "5632->2048"})
    String shape;

    @Param({"f32", "int16"})
    String path;

    @Param({"128"})
    int tokens;

    private Arena arena;
    private WeightTensor w;
    private int cols, rows;
    private float[] x, out, panel, acc, packed, scales, ws;
    private int[] ipacked, ipanel;

    @Setup
    @SuppressWarnings("MustBeClosedChecker") // closed in tearDown
    public void setup() {
        String[] p = shape.split("->");
        cols = Integer.parseInt(p[0]);
        rows = Integer.parseInt(p[1]);
        arena = Arena.ofShared();
        long bytes = GgmlType.Q4_0.bytesFor(cols) * rows;
        MemorySegment seg = arena.allocate(bytes, 64);
        QuantMatVecBench.fill(seg, GgmlType.Q4_0, new Random(7));
        w = WeightTensor.of(GgmlType.Q4_0, seg, 0, rows, cols, "w");
        x = ShapeInputs.gaussian(tokens * cols, 3);
        out = new float[tokens * rows];
        panel = new float[PANEL * cols];
        acc = new float[Math.max(Gemm.scratchLength(PANEL), Q4Gemm.scratchLength())];
        packed = new float[(int) Gemm.packedLength(tokens, cols)];
        ipacked = new int[(int) Q4Gemm.packedLength(tokens, cols)];
        scales = new float[(int) Q4Gemm.scalesLength(tokens, cols)];
        ipanel = new int[PANEL * cols / 2];
        ws = new float[PANEL * cols / 32];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public float[] product() {
        if (path.equals("f32")) f32();
        else int16();
        return out;
    }

    void f32() {
        Gemm.pack(x, 0, tokens, cols, 0, tokens, packed);
        for (int r0 = 0; r0 < rows; r0 += PANEL) {
            int m = Math.min(PANEL, rows - r0);
            for (int i = 0; i < m; i++) w.copyRow(r0 + i, panel, i * cols);
            Gemm.multiply(panel, m, cols, packed, tokens, out, r0, rows, acc);
        }
    }

    void int16() {
        Q4Gemm.pack(x, 0, tokens, cols, 0, tokens, ipacked, scales);
        for (int r0 = 0; r0 < rows; r0 += PANEL) {
            int m = Math.min(PANEL, rows - r0);
            for (int i = 0; i < m; i++) w.copyRowQ4_0Pairs(r0 + i, ipanel, i * cols / 2, ws, i * cols / 32);
            Q4Gemm.multiply(ipanel, ws, m, cols, ipacked, scales, tokens, out, r0, rows, acc);
        }
    }

    /** Both paths at every shape in this thread's CPU time: ms per product and GFLOP/s; the int16 / f32 speed ratio. */
    public static void main(String[] args) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String[] shapes = args.length > 0 ? args : new String[] {"2048->2048", "2048->5632", "5632->2048"};
        for (String s : shapes) {
            double[] ms = new double[2];
            String[] paths = {"f32", "int16"};
            for (int k = 0; k < 2; k++) {
                PrefillQ4Bench b = new PrefillQ4Bench();
                b.shape = s;
                b.path = paths[k];
                b.tokens = 128;
                b.setup();
                for (int i = 0; i < 10; i++) b.product();
                double best = Double.MAX_VALUE;
                for (int r = 0; r < 15; r++) {
                    long c0 = mx.getCurrentThreadCpuTime();
                    for (int i = 0; i < 3; i++) b.product();
                    best = Math.min(best, (mx.getCurrentThreadCpuTime() - c0) / 3e6);
                }
                ms[k] = best;
                double flops = 2.0 * b.tokens * b.rows * b.cols;
                System.out.printf(
                        Locale.ROOT,
                        "%-11s %-5s T=%d: %8.3f ms CPU, %6.1f GFLOP/s (out[1] %.4f)%n",
                        s,
                        paths[k],
                        b.tokens,
                        best,
                        flops / best / 1e6,
                        b.out[1]);
                b.tearDown();
            }
            System.out.printf(Locale.ROOT, "%-11s int16 / f32 speed: %.2fx%n", s, ms[0] / ms[1]);
        }
    }
}
