package dev.squeeze.jmh.vision;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.eval.vision.SpeedProbe;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The three visual-token reductions on the inference critical path, at the sizes of the anchors:
 * DivPrune keep 64 of 576 at D = 1024 (PyTorch reference 166 ms), ToMe one layer r = 16 on 577 x 768
 * (PyTorch 31 ms), DPC-KNN on 2880 x 1024 into 288 clusters, k = 5. Same inputs as the bench suite's
 * "vision-speed" rows ({@link SpeedProbe}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class VisionReductionBench {
    FloatMatrix divPruneInput;
    FloatMatrix tomeInput;
    FloatMatrix dpcInput;

    @Setup
    public void setup() {
        divPruneInput = SpeedProbe.gaussian(576, 1024, 1);
        tomeInput = SpeedProbe.gaussian(577, 768, 2);
        dpcInput = SpeedProbe.gaussian(2880, 1024, 3);
    }

    @Benchmark
    public Object divPrune64of576() {
        return SpeedProbe.divPrune(divPruneInput);
    }

    @Benchmark
    public Object tomeR16on577x768() {
        return SpeedProbe.tome(tomeInput);
    }

    @Benchmark
    public Object dpcKnn2880x1024() {
        return SpeedProbe.dpcKnn(dpcInput);
    }
}
