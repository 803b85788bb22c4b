package dev.squeeze.vision.video;

import dev.squeeze.core.tensor.FloatMatrix;

/**
 * Visual tokens of a video: {@code frames} frames of {@code perFrame} tokens each, frame-major:
 * token (t, p) is row {@code t * perFrame + p} of {@code tokens} (T * N, D).
 */
public record Clip(FloatMatrix tokens, int frames, int perFrame) {
    public Clip {
        if (frames < 1 || perFrame < 1)
            throw new IllegalArgumentException(
                    "a clip needs >= 1 frame of >= 1 token, got " + frames + " x " + perFrame);
        if (tokens.rows() != frames * perFrame) {
            throw new IllegalArgumentException("clip tokens has " + tokens.rows()
                    + " rows, expected frames * perFrame = " + frames + " * " + perFrame);
        }
        tokens.requireFinite("clip tokens");
    }

    public int index(int frame, int pos) {
        return frame * perFrame + pos;
    }

    public int size() {
        return frames * perFrame;
    }

    public int dim() {
        return tokens.cols();
    }

    /** Frame t's tokens (N, D), copied. */
    public FloatMatrix frame(int t) {
        int d = dim();
        float[] out = new float[perFrame * d];
        System.arraycopy(tokens.data(), t * perFrame * d, out, 0, perFrame * d);
        return new FloatMatrix(perFrame, d, out);
    }

    /** Cosine of token (t, p) with token (u, p): same position, two frames. */
    public float samePositionCosine(int t, int u, int p) {
        float[] x = tokens.data();
        int d = dim();
        int a = index(t, p) * d, b = index(u, p) * d;
        double dot = 0, na = 0, nb = 0;
        for (int c = 0; c < d; c++) {
            dot += x[a + c] * x[b + c];
            na += x[a + c] * x[a + c];
            nb += x[b + c] * x[b + c];
        }
        return na == 0 || nb == 0 ? 0f : (float) (dot / Math.sqrt(na * nb));
    }

    /** Cosine of the mean tokens of frames t and u (a frame-level similarity). */
    public float frameCosine(int t, int u) {
        int d = dim();
        double[] a = new double[d], b = new double[d];
        float[] x = tokens.data();
        for (int p = 0; p < perFrame; p++) {
            for (int c = 0; c < d; c++) {
                a[c] += x[index(t, p) * d + c];
                b[c] += x[index(u, p) * d + c];
            }
        }
        double dot = 0, na = 0, nb = 0;
        for (int c = 0; c < d; c++) {
            dot += a[c] * b[c];
            na += a[c] * a[c];
            nb += b[c] * b[c];
        }
        return na == 0 || nb == 0 ? 0f : (float) (dot / Math.sqrt(na * nb));
    }
}
