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
 * Guard for the F32 prefill shape of squeeze-llm's runtime: {@code Kernels.dotBlock(a, b, c, n, T, d)} with
 * n = 16 decoded weight rows, b = the T = 128 prompt activations (T, d). Shapes: stories15M (dim 288, hidden
 * 768) and a 1.1B Llama layer (dim 2048, hidden 5632); d is the weight's column count. GFLOP/s = 2 n T d / time.
 * One thread (the runtime calls it from each of its row workers).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PrefillDotBlockBench {
    /** n x T x d. */
    @Param({"16x128x288", "16x128x768", "16x128x2048", "16x128x5632"})
    String shape;

    int n, t, d;
    float[] a, b, c;
    Kernels k;

    @Setup
    public void setup() {
        int[] s = ShapeInputs.dims(shape);
        n = s[0];
        t = s[1];
        d = s[2];
        a = ShapeInputs.gaussian(n * d, 1);
        b = ShapeInputs.gaussian(t * d, 2);
        c = new float[n * t];
        k = KernelProvider.kernels();
    }

    @Benchmark
    public float[] dotBlock() {
        k.dotBlock(a, b, c, n, t, d);
        return c;
    }
}
