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
 * Guards for the kernel shapes of the visual-token reducers, each kernel alone and the whole method as a user
 * calls it (reduction, TokenTransform, applied to the token set). DivPrune: the 576 x 1024 self-similarity
 * (LLaVA-1.5 tokens at CLIP-L width), single-threaded {@code Kernels.gram}, the parallel
 * {@code Similarity.cosineGram} and its upper triangle alone ({@code cosineGramUpper}, what DivPrune reads). ToMe r = 16 on 577 x 768 (ViT-B/16 with [CLS]): the 289 x 288 x 768 A x B
 * block, single-threaded {@code Kernels.dotBlock} and the parallel {@code Similarity.dotBlockParallel}.
 * The parallel ones use the common fork-join pool (2 threads on a 2-core machine).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ReducerKernelBench {
    FloatMatrix divPruneTokens; // (576, 1024)
    FloatMatrix divPruneUnit; // rows L2-normalised
    float[] gramOut;
    FloatMatrix tomeTokens; // (577, 768)
    FloatMatrix tomeA, tomeB; // normalised even / odd rows: (289, 768), (288, 768)
    float[] abOut;
    Kernels k;
    Similarity sim;

    @Setup
    public void setup() {
        k = KernelProvider.kernels();
        sim = Similarity.fast();
        divPruneTokens = ShapeInputs.tokens(576, 1024, 1);
        divPruneUnit = sim.normalizeRows(divPruneTokens);
        gramOut = new float[576 * 576];
        tomeTokens = ShapeInputs.tokens(577, 768, 2);
        FloatMatrix unit = sim.normalizeRows(tomeTokens);
        tomeA = new FloatMatrix(289, 768);
        tomeB = new FloatMatrix(288, 768);
        for (int i = 0; i < 289; i++) System.arraycopy(unit.data(), 2 * i * 768, tomeA.data(), i * 768, 768);
        for (int j = 0; j < 288; j++) System.arraycopy(unit.data(), (2 * j + 1) * 768, tomeB.data(), j * 768, 768);
        abOut = new float[289 * 288];
    }

    @Benchmark
    public float[] gram576x1024() {
        k.gram(divPruneUnit.data(), gramOut, 576, 1024);
        return gramOut;
    }

    @Benchmark
    public FloatMatrix cosineGram576x1024Parallel() {
        return sim.cosineGram(divPruneTokens);
    }

    @Benchmark
    public FloatMatrix cosineGramUpper576x1024Parallel() {
        return sim.cosineGramUpper(divPruneTokens);
    }

    @Benchmark
    public TokenSet divPrune64of576Whole() {
        int[] keep = MaxMinDiversity.divPrune(divPruneTokens, 64);
        return TokenTransform.select(576, keep).apply(TokenSet.of(divPruneTokens), PositionMode.REPRESENTATIVE);
    }

    @Benchmark
    public float[] dotBlock289x288x768() {
        k.dotBlock(tomeA.data(), tomeB.data(), abOut, 289, 288, 768);
        return abOut;
    }

    @Benchmark
    public FloatMatrix dotBlockParallel289x288x768() {
        return sim.dotBlockParallel(tomeA, tomeB);
    }

    @Benchmark
    public TokenSet tomeR16on577x768Whole() {
        TokenTransform t = BipartiteSoftMatching.merge(tomeTokens, null, 16, true);
        return t.apply(TokenSet.of(tomeTokens), PositionMode.REPRESENTATIVE);
    }
}
