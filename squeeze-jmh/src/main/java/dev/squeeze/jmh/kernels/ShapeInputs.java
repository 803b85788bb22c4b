package dev.squeeze.jmh.kernels;

import dev.squeeze.core.tensor.FloatMatrix;
import java.util.Random;

/** Seeded Gaussian inputs and "AxBxC" shape parameters shared by the kernel-shape guards. */
final class ShapeInputs {
    private ShapeInputs() {}

    static float[] gaussian(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static FloatMatrix tokens(int n, int d, long seed) {
        return new FloatMatrix(n, d, gaussian(n * d, seed));
    }

    /** "16x128x288" -> {16, 128, 288}. */
    static int[] dims(String shape) {
        String[] p = shape.split("x");
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) out[i] = Integer.parseInt(p[i].trim());
        return out;
    }
}
