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
        return normalizedCopy(x, null);
    }

    /**
     * Row-wise L2-normalised copy of x (N, D), rejecting a non-finite entry with a message naming {@code name},
     * its row and column. One pass per row: the check rides on the row's sum of squares (finite unless the row
     * holds a NaN or an infinity, or overflows), and only such a row is scanned entry by entry.
     */
    public FloatMatrix normalizeRows(FloatMatrix x, String name) {
        return normalizedCopy(x, Args.notNull("name", name));
    }

    private FloatMatrix normalizedCopy(FloatMatrix x, String checkName) {
        Args.notNull("x", x);
        int cols = x.cols();
        float[] src = x.data();
        FloatMatrix y = new FloatMatrix(x.rows(), cols);
        float[] dst = y.data();
        for (int i = 0; i < x.rows(); i++) {
            float ss = k.sumOfSquares(src, i * cols, cols);
            if (checkName != null && !Float.isFinite(ss)) x.requireFinite(checkName);
            // axpy into the zeroed row: fma(s, x, 0) rounds like s * x, so this equals copy-then-scale
            if (ss > 0f) k.axpy((float) (1.0 / Math.sqrt(ss)), src, i * cols, dst, i * cols, cols);
        }
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

    /** Blocks below this many multiply-adds stay on the calling thread. */
    private static final long PARALLEL_MACS = 4_000_000L;
    /**
     * Columns per parallel task: a multiple of the kernels' packed panel width (64 floats with AVX-512, 32 with
     * AVX2), so each task packs its columns of b once and runs every row of a against them.
     */
    private static final int COLUMNS = 64;

    /**
     * (N, M) dot products of rows of a (N, D) and b (M, D), with column blocks of b spread over the common
     * fork-join pool when the block is large. Every entry is one kernel call's value, as in {@link #dotBlock}
     * (the same path for the same rows), so the result does not depend on the thread count.
     */
    public FloatMatrix dotBlockParallel(FloatMatrix a, FloatMatrix b) {
        checkSameWidth(a, b);
        int n = a.rows(), m = b.rows(), d = a.cols();
        FloatMatrix c = new FloatMatrix(n, m);
        float[] ad = a.data(), bd = b.data(), cd = c.data();
        columnTasks(m, (long) n * m * d).forEach(t -> {
            int j0 = t * COLUMNS, w = Math.min(COLUMNS, m - j0);
            k.dotBlock(ad, 0, bd, j0, cd, j0, m, n, w, d);
        });
        return c;
    }

    /**
     * The symmetric Gram matrix x x^T (N, N). Column block [j0, j1) computes rows [0, j1) only (about half
     * the multiply-adds of {@link #dotBlock}, b packed once per block) and mirrors itself into rows [j0, j1);
     * large blocks run on the common fork-join pool, widest column blocks first.
     */
    public FloatMatrix gram(FloatMatrix x) {
        Args.notNull("x", x);
        int n = x.rows(), d = x.cols();
        FloatMatrix c = new FloatMatrix(n, n);
        float[] xd = x.data(), cd = c.data();
        int blocks = (n + COLUMNS - 1) / COLUMNS;
        columnTasks(n, (long) n * n * d / 2).forEach(t -> {
            int j0 = (blocks - 1 - t) * COLUMNS, j1 = Math.min(n, j0 + COLUMNS);
            k.dotBlock(xd, 0, xd, j0, cd, j0, n, j1, j1 - j0, d);
            Symmetric.copyUpperToLower(cd, n, j0, j1);
        });
        return c;
    }

    /** One task per block of {@link #COLUMNS} columns, in parallel when the product has enough multiply-adds. */
    private static java.util.stream.IntStream columnTasks(int columns, long macs) {
        java.util.stream.IntStream s = java.util.stream.IntStream.range(0, (columns + COLUMNS - 1) / COLUMNS);
        return macs >= PARALLEL_MACS ? s.parallel() : s;
    }

    /** (N, N) cosine similarities of the rows of x via the symmetric {@link #gram}. */
    public FloatMatrix cosineGram(FloatMatrix x) {
        Args.notNull("x", x);
        if (x.rows() == 0) throw new IllegalArgumentException("x is an empty token set (0 rows)");
        return gram(normalizeRows(x, "x"));
    }

    /** (N, N) squared Euclidean distances between the rows of x, via the symmetric {@link #gram}, floored at 0. */
    public FloatMatrix squaredDistances(FloatMatrix x) {
        FloatMatrix c = gram(x);
        float[] nx = rowSquares(x);
        float[] cd = c.data();
        int n = x.rows();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) cd[i * n + j] = Math.max(0f, nx[i] + nx[j] - 2f * cd[i * n + j]);
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
