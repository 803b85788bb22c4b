package dev.squeeze.eval.vision;

import dev.squeeze.core.select.BipartiteSoftMatching;
import dev.squeeze.core.select.DpcKnn;
import dev.squeeze.core.select.MaxMinDiversity;
import dev.squeeze.core.tensor.FloatMatrix;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The three reductions timed on the critical path, at the sizes of the issue: DivPrune keep 64 of 576 at
 * D = 1024 (LLaVA-1.5 visual tokens), ToMe one layer r = 16 on 577 x 768 (ViT-B/16 with [CLS]), DPC-KNN on
 * 2880 x 1024 (5 video frames of 576 tokens) into 288 clusters with k = 5. Inputs are seeded Gaussians.
 */
public final class SpeedProbe {
    private SpeedProbe() {}

    public record Timing(String name, String shape, double medianMillis, int runs) {}

    public static FloatMatrix gaussian(int n, int d, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n * d];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        return new FloatMatrix(n, d, a);
    }

    public static Object divPrune(FloatMatrix x) {
        return MaxMinDiversity.divPrune(x, 64);
    }

    public static Object tome(FloatMatrix x) {
        return BipartiteSoftMatching.merge(x, null, 16, true);
    }

    public static Object dpcKnn(FloatMatrix x) {
        return DpcKnn.cluster(x, 288, 5);
    }

    /** Median wall time of {@code runs} calls after {@code warmup} calls. */
    public static double medianMillis(Supplier<Object> task, int warmup, int runs) {
        Object sink = null;
        for (int i = 0; i < warmup; i++) sink = task.get();
        double[] t = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            sink = task.get();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        if (sink == null) throw new IllegalStateException("no result");
        Arrays.sort(t);
        return runs % 2 == 1 ? t[runs / 2] : (t[runs / 2 - 1] + t[runs / 2]) / 2;
    }

    public static Timing[] all(boolean quick) {
        int warm = quick ? 10 : 20, runs = quick ? 11 : 31; // the Vector API needs C2: warm up well
        FloatMatrix a = gaussian(576, 1024, 1), b = gaussian(577, 768, 2), c = gaussian(2880, 1024, 3);
        return new Timing[] {
            new Timing("divprune", "keep 64 of 576, D=1024", medianMillis(() -> divPrune(a), warm, runs), runs),
            new Timing("tome", "r=16 on 577x768", medianMillis(() -> tome(b), warm, runs), runs),
            new Timing(
                    "dpc-knn",
                    "2880x1024, 288 centres, k=5",
                    medianMillis(() -> dpcKnn(c), Math.max(1, warm / 3), Math.max(3, runs / 3)),
                    Math.max(3, runs / 3)),
        };
    }
}
