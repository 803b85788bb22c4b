package dev.squeeze.jmh.kernels;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Guard for the F32 decode shape of squeeze-llm's runtime: one token's matrix-vector product as one
 * {@code Kernels.dot} per weight row (what {@code FloatWeightTensor.dotRow} does), rows x cols = stories15M's
 * wq (288x288), w1 (768x288), w2 (288x768) and classifier (32000x288), and a 1.1B layer's wq (2048x2048),
 * wk (256x2048), w1 (5632x2048) and w2 (2048x5632). One thread; the larger ones are memory-bound.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class DecodeMatVecBench {
    /** rows x cols. */
    @Param({"288x288", "768x288", "288x768", "32000x288", "2048x2048", "256x2048", "5632x2048", "2048x5632"})
    String shape;

    int rows, cols;
    float[] w, x, out;
    Kernels k;

    @Setup
    public void setup() {
        int[] s = ShapeInputs.dims(shape);
        rows = s[0];
        cols = s[1];
        w = ShapeInputs.gaussian(rows * cols, 1);
        x = ShapeInputs.gaussian(cols, 2);
        out = new float[rows];
        k = KernelProvider.kernels();
    }

    @Benchmark
    public float[] matVec() {
        for (int r = 0; r < rows; r++) out[r] = k.dot(w, r * cols, x, 0, cols);
        return out;
    }
}
