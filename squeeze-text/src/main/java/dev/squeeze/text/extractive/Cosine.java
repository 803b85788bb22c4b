package dev.squeeze.text.extractive;

import dev.squeeze.core.kernel.KernelProvider;
import dev.squeeze.core.kernel.Kernels;

/** Cosine similarity through the core kernels (Vector API with scalar fallback). */
final class Cosine {
    private static final Kernels K = KernelProvider.kernels();

    private Cosine() {}

    static float of(float[] a, float[] b) {
        if (a.length != b.length)
            throw new IllegalArgumentException("embedding widths differ: " + a.length + " vs " + b.length);
        float d = K.dot(a, 0, b, 0, a.length);
        float na = K.sumOfSquares(a, 0, a.length), nb = K.sumOfSquares(b, 0, b.length);
        return na == 0 || nb == 0 ? 0f : (float) (d / Math.sqrt((double) na * nb));
    }
}
