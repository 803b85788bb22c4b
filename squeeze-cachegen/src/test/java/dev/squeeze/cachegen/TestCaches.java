package dev.squeeze.cachegen;

import java.util.Random;

/** Synthetic caches and fingerprints for tests that need no model file. */
final class TestCaches {
    private TestCaches() {}

    static ModelFingerprint fingerprint(int layers, int kvHeads, int headDim, int seed) {
        byte[] h = new byte[32];
        new Random(seed).nextBytes(h);
        return new ModelFingerprint(
                "llama", layers, kvHeads, headDim, kvHeads * headDim * 2, 512, 4096, ModelFingerprint.DTYPE_F32, h);
    }

    /** A smooth random cache: per-channel offsets plus a random walk over tokens plus noise (like real keys). */
    static KvSnapshot random(int layers, int kvHeads, int headDim, int tokens, long seed) {
        Random r = new Random(seed);
        int kvd = kvHeads * headDim;
        int[] tok = new int[tokens];
        float[] pos = new float[tokens];
        float[][] k = new float[layers][tokens * kvd], v = new float[layers][tokens * kvd];
        for (int t = 0; t < tokens; t++) {
            tok[t] = r.nextInt(512);
            pos[t] = t;
        }
        for (int l = 0; l < layers; l++) {
            for (float[] a : new float[][] {k[l], v[l]}) {
                float[] walk = new float[kvd];
                float[] off = new float[kvd];
                for (int c = 0; c < kvd; c++) off[c] = (float) r.nextGaussian() * 2;
                for (int t = 0; t < tokens; t++) {
                    for (int c = 0; c < kvd; c++) {
                        walk[c] = 0.9f * walk[c] + 0.3f * (float) r.nextGaussian();
                        a[t * kvd + c] = off[c] + walk[c] + 0.1f * (float) r.nextGaussian();
                    }
                }
            }
        }
        return new KvSnapshot(layers, kvHeads, headDim, tok, pos, k, v);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
        return m;
    }

    static float maxAbs(float[] a) {
        float m = 0;
        for (float x : a) m = Math.max(m, Math.abs(x));
        return m;
    }
}
