package dev.squeeze.core.kernel;

import dev.squeeze.core.Args;
import dev.squeeze.core.tensor.FloatMatrix;

/**
 * Similarity blocks over token sets, built on a {@link Kernels} implementation.
 * Inputs are (N, D) token matrices; outputs are (N, M) score matrices.
 */
public final class Similarity {
    private final Kernels k;

    public Similarity(Kernels kernels) { this.k = Args.notNull("kernels", kernels); }

    /** With the process-wide fastest kernels. */
    public static Similarity fast() { return new Similarity(KernelProvider.kernels()); }

    public Kernels kernels() { return k; }

    /** Row-wise L2-normalised copy of x (N, D). A zero row stays zero. */
    public FloatMatrix normalizeRows(FloatMatrix x) {
        FloatMatrix y = x.copy();
        normalizeRowsInPlace(y);
        return y;
    }

    public void normalizeRowsInPlace(FloatMatrix x) {
        float[] d = x.data();
        int cols = x.cols();
        for (int i = 0; i < x.rows(); i++) {
            float ss = k.sumOfSquares(d, i * cols, cols);
            if (ss > 0f) k.scale(d, i * cols, cols, (float) (1.0 / Math.sqrt(ss)));
        }
    }

    /** (N, M) dot products of rows of a (N, D) and b (M, D). */
    public FloatMatrix dotBlock(FloatMatrix a, FloatMatrix b) {
        checkSameWidth(a, b);
        FloatMatrix c = new FloatMatrix(a.rows(), b.rows());
        k.dotBlock(a.data(), b.data(), c.data(), a.rows(), b.rows(), a.cols());
        return c;
    }

    /**
     * (N, M) cosine similarities between rows of a (N, D) and b (M, D): the raw dot block scaled by
     * 1 / (|a_i| |b_j|) afterwards, so the inputs are neither copied nor normalised. A zero row gives 0.
     */
    public FloatMatrix cosineBlock(FloatMatrix a, FloatMatrix b) {
        checkSameWidth(a, b);
        requireTokens("a", a);
        requireTokens("b", b);
        int n = a.rows(), m = b.rows();
        FloatMatrix c = new FloatMatrix(n, m);
        if (a == b) k.gram(a.data(), c.data(), n, a.cols());
        else k.dotBlock(a.data(), b.data(), c.data(), n, m, a.cols());
        float[] ia = inverseNorms(a);
        float[] ib = a == b ? ia : inverseNorms(b);
        float[] cd = c.data();
        for (int i = 0; i < n; i++) {
            float s = ia[i];
            for (int j = 0; j < m; j++) cd[i * m + j] *= s * ib[j];
        }
        return c;
    }

    private float[] inverseNorms(FloatMatrix x) {
        float[] out = new float[x.rows()];
        for (int i = 0; i < out.length; i++) {
            float ss = k.sumOfSquares(x.data(), i * x.cols(), x.cols());
            out[i] = ss > 0f ? (float) (1.0 / Math.sqrt(ss)) : 0f;
        }
        return out;
    }

    /** (N, N) cosine similarities of the rows of x (N, D). */
    public FloatMatrix cosineBlock(FloatMatrix x) { return cosineBlock(x, x); }

    /**
     * (N, M) squared Euclidean distances ||a_i - b_j||^2 = |a_i|^2 + |b_j|^2 - 2 a_i.b_j, floored at 0
     * (the expansion can go slightly negative from rounding).
     */
    public FloatMatrix squaredDistances(FloatMatrix a, FloatMatrix b) {
        checkSameWidth(a, b);
        FloatMatrix c;
        if (a == b) {
            c = new FloatMatrix(a.rows(), a.rows());
            k.gram(a.data(), c.data(), a.rows(), a.cols());
        } else {
            c = dotBlock(a, b);
        }
        float[] na = rowSquares(a);
        float[] nb = a == b ? na : rowSquares(b);
        float[] cd = c.data();
        int m = b.rows();
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < m; j++) {
                cd[i * m + j] = Math.max(0f, na[i] + nb[j] - 2f * cd[i * m + j]);
            }
        }
        return c;
    }

    public float[] rowSquares(FloatMatrix x) {
        float[] out = new float[x.rows()];
        for (int i = 0; i < x.rows(); i++) out[i] = k.sumOfSquares(x.data(), i * x.cols(), x.cols());
        return out;
    }

    private static void checkSameWidth(FloatMatrix a, FloatMatrix b) {
        Args.notNull("a", a);
        Args.notNull("b", b);
        if (a.cols() != b.cols()) {
            throw new IllegalArgumentException("token widths differ: a has D=" + a.cols() + ", b has D=" + b.cols());
        }
    }

    private static void requireTokens(String name, FloatMatrix x) {
        if (x.rows() == 0) throw new IllegalArgumentException(name + " is an empty token set (0 rows)");
        x.requireFinite(name);
    }
}
