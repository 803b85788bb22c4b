package dev.squeeze.jmh;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;
import dev.squeeze.core.kernel.Similarity;
import dev.squeeze.core.tensor.FloatMatrix;
import java.util.Random;
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
 * The N x N similarity block (N=576, D=1024: LLaVA-1.5's visual tokens at CLIP-L width), vector vs scalar.
 * GFLOP/s = 2 N^2 D / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SimilarityBench {
    @Param({"576"})
    int n;

    @Param({"1024"})
    int d;

    float[] a;
    float[] c;
    FloatMatrix x;
    Kernels vector;
    Kernels scalar;

    @Setup
    public void setup() {
        Random r = new Random(1);
        a = new float[n * d];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        c = new float[n * n];
        x = new FloatMatrix(n, d, a);
        vector = KernelProvider.vector().orElseThrow();
        scalar = KernelProvider.scalar();
    }

    @Benchmark
    public float[] dotBlockVector() {
        vector.dotBlock(a, a, c, n, n, d);
        return c;
    }

    @Benchmark
    public float[] dotBlockScalar() {
        scalar.dotBlock(a, a, c, n, n, d);
        return c;
    }

    @Benchmark
    public FloatMatrix cosineBlock() {
        return Similarity.fast().cosineBlock(x);
    }
}
