package dev.squeeze.vision;

import dev.squeeze.core.tensor.FloatMatrix;

/**
 * What one transformer block computed, for reducers that read attention.
 *
 * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
 * maker nor its readers modify them.
 *
 * @param layer     block index
 * @param heads     number of heads H
 * @param attention (H, N, N) row-major attention probabilities (query i, key j), proportional attention included
 * @param keys      (N, H * headDim) keys of all heads
 * @param output    (N, D) the block's output tokens
 */
public record BlockTrace(int layer, int heads, float[] attention, FloatMatrix keys, FloatMatrix output) {

    public int tokens() {
        return keys.rows();
    }

    /** (N) attention each token receives, averaged over heads and queries (HiPrune's global attention). */
    public float[] meanReceived() {
        int n = tokens();
        float[] out = new float[n];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < n; i++) {
                int row = (h * n + i) * n;
                for (int j = 0; j < n; j++) out[j] += attention[row + j];
            }
        }
        float s = 1f / (heads * (float) n);
        for (int j = 0; j < n; j++) out[j] *= s;
        return out;
    }

    /** (N, N) head-mean attention. */
    public FloatMatrix headMean() {
        int n = tokens();
        float[] out = new float[n * n];
        for (int h = 0; h < heads; h++) {
            for (int e = 0; e < n * n; e++) out[e] += attention[h * n * n + e];
        }
        for (int e = 0; e < out.length; e++) out[e] /= heads;
        return new FloatMatrix(n, n, out);
    }

    /** (N, headDim) keys averaged over heads (ToMe's and VisionZip's matching metric). */
    public FloatMatrix headMeanKeys() {
        int n = tokens();
        int hd = keys.cols() / heads;
        float[] out = new float[n * hd];
        float[] k = keys.data();
        for (int i = 0; i < n; i++) {
            for (int h = 0; h < heads; h++) {
                for (int c = 0; c < hd; c++) out[i * hd + c] += k[i * keys.cols() + h * hd + c];
            }
            for (int c = 0; c < hd; c++) out[i * hd + c] /= heads;
        }
        return new FloatMatrix(n, hd, out);
    }
}
