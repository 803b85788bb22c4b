package dev.squeeze.core.kernel;

import dev.squeeze.core.Args;
import dev.squeeze.core.tensor.FloatMatrix;

/**
 * Similarity blocks over token sets, built on a {@link Kernels} implementation.
 * Inputs are (N, D) token matrices; outputs are (N, M) score matrices.
 */
public final class Similarity {
    private final Kernels k;

    public Similarity(Kernels kernels) {
        this.k = Args.notNull("kernels", kernels);
    }

    /** With the process-wide fastest kernels. */
    public static Similarity fast() {
        return new Similarity(KernelProvider.kernels());
    }

    public Kernels kernels() {
        return k;
    }

    /** Row-wise L2-normalised copy of x (N, D). A zero row stays zero. */
    public FloatMatrix normalizeRows(FloatMatrix x) {
        return normalizedCopy(x, null, false);
    }

    /**
     * Row-wise L2-normalised copy of x (N, D), rejecting a non-finite entry with a message naming {@code name},
     * its row and column. One pass per row: the check rides on the row's sum of squares (finite unless the row
     * holds a NaN or an infinity, or overflows), and only such a row is scanned entry by entry.
     */
    public FloatMatrix normalizeRows(FloatMatrix x, String name) {
        return normalizedCopy(x, Args.notNull("name", name), false);
    }

    /**
     * {@link #normalizeRows(FloatMatrix, String)} with the rows regrouped by parity: row 2i of x becomes row i and row
     * 2i+1 becomes row ceil(N/2) + i (ToMe's alternating sets A and B, each contiguous, in one copy and one pass).
     */
    public FloatMatrix normalizeRowsEvenFirst(FloatMatrix x, String name) {
        return normalizedCopy(x, Args.notNull("name", name), true);
    }

    private FloatMatrix normalizedCopy(FloatMatrix x, String checkName, boolean evenFirst) {
        Args.notNull("x", x);
        int rows = x.rows(), cols = x.cols(), evens = (rows + 1) / 2;
        float[] src = x.data();
        FloatMatrix y = new FloatMatrix(rows, cols);
        float[] dst = y.data();
        // a full scan of x: on the pool from PARALLEL_FLOATS entries, ROWS rows per task (rows are independent)
        java.util.concurrent.atomic.AtomicBoolean nonFinite = new java.util.concurrent.atomic.AtomicBoolean();
        tasks((rows + ROWS - 1) / ROWS, (long) rows * cols >= PARALLEL_FLOATS, t -> {
            for (int i = t * ROWS, end = Math.min(rows, i + ROWS); i < end; i++) {
                float ss = k.sumOfSquares(src, i * cols, cols);
                // a non-finite sum is a NaN or infinity in the row, or finite entries whose squares overflow
                if (checkName != null && !Float.isFinite(ss) && k.firstNonFinite(src, i * cols, cols) >= 0) {
                    nonFinite.set(true);
                    return;
                }
                int to = evenFirst ? (i % 2 == 0 ? i / 2 : evens + i / 2) : i;
                // axpy into the zeroed row: fma(s, x, 0) rounds like s * x, so this equals copy-then-scale
                if (ss > 0f) k.axpy((float) (1.0 / Math.sqrt(ss)), src, i * cols, dst, to * cols, cols);
            }
        });
        // thrown here, on the caller's thread: the message names the first bad entry, unwrapped by the pool
        if (nonFinite.get()) x.requireFinite(checkName);
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
    public FloatMatrix cosineBlock(FloatMatrix x) {
        return cosineBlock(x, x);
    }

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
    /** Rows of a from which {@link #dotBlockParallel} splits each column block in two (64 rows per half at least). */
    private static final int SPLIT_ROWS = 136;
    /** Normalised copies from this many entries run on the pool (about 50 us of work on one core). */
    private static final long PARALLEL_FLOATS = 1L << 17;
    /** Rows per normalisation task. */
    private static final int ROWS = 16;

    /**
     * (N, M) dot products of rows of a (N, D) and b (M, D), with column blocks of b spread over the common
     * fork-join pool when the block is large. Every entry is one kernel call's value, as in {@link #dotBlock}
     * (the same path for the same rows), so the result does not depend on the thread count.
     */
    public FloatMatrix dotBlockParallel(FloatMatrix a, FloatMatrix b) {
        checkSameWidth(a, b);
        return parallelBlock(a.data(), 0, a.rows(), b.data(), 0, b.rows(), a.cols());
    }

    /**
     * {@link #dotBlockParallel(FloatMatrix, FloatMatrix)} of two row ranges of one matrix: (n, m) dot products of
     * rows [aRow, aRow + n) of x with rows [bRow, bRow + m), without copying either range out.
     */
    public FloatMatrix dotBlockParallel(FloatMatrix x, int aRow, int n, int bRow, int m) {
        Args.notNull("x", x);
        checkRows("a", aRow, n, x.rows());
        checkRows("b", bRow, m, x.rows());
        return parallelBlock(x.data(), aRow, n, x.data(), bRow, m, x.cols());
    }

    /**
     * Tasks are column blocks of {@link #COLUMNS}, each split into two row halves from {@link #SPLIT_ROWS} rows of a
     * (so 4.5 column blocks, as in ToMe's 289 x 288, still spread evenly over two workers; each half packs its block
     * of b again). The halves split at a multiple of 4 rows and keep at least 64 rows each, so every kernel call takes
     * the path and row tiling the whole column would: the entries do not depend on the split.
     */
    private FloatMatrix parallelBlock(float[] ad, int aRow, int n, float[] bd, int bRow, int m, int d) {
        FloatMatrix c = new FloatMatrix(n, m);
        float[] cd = c.data();
        int halves = n >= SPLIT_ROWS ? 2 : 1, top = halves == 2 ? (n / 2 + 3) / 4 * 4 : n;
        tasks((m + COLUMNS - 1) / COLUMNS * halves, (long) n * m * d >= PARALLEL_MACS, t -> {
            int j0 = t / halves * COLUMNS, w = Math.min(COLUMNS, m - j0);
            int i0 = t % halves == 0 ? 0 : top, rows = t % halves == 0 ? top : n - top;
            k.dotBlock(ad, aRow + i0, bd, bRow + j0, cd, i0 * m + j0, m, rows, w, d);
        });
        return c;
    }

    /**
     * The symmetric Gram matrix x x^T (N, N): {@link #gramUpper} and each column block mirrored into its rows
     * (by the task that computed it).
     */
    public FloatMatrix gram(FloatMatrix x) {
        return gram(x, true);
    }

    /**
     * The entries on and above the diagonal of the Gram matrix x x^T (N, N): c[i][j] = x_i . x_j for i <= j; entries
     * below the diagonal are unspecified (read c[j][i] instead). Column block [j0, j1) computes rows [0, j1) only
     * (about half the multiply-adds of {@link #dotBlock}, b packed once per block) with the kernels'
     * {@link Kernels#gramColumns}; large blocks run on the common fork-join pool, widest column blocks first. Each
     * entry is the value {@link #gram} holds there.
     */
    public FloatMatrix gramUpper(FloatMatrix x) {
        return gram(x, false);
    }

    private FloatMatrix gram(FloatMatrix x, boolean mirror) {
        Args.notNull("x", x);
        int n = x.rows(), d = x.cols();
        FloatMatrix c = new FloatMatrix(n, n);
        float[] xd = x.data(), cd = c.data();
        int blocks = (n + COLUMNS - 1) / COLUMNS;
        tasks(blocks, (long) n * n * d / 2 >= PARALLEL_MACS, t -> {
            int j0 = (blocks - 1 - t) * COLUMNS, j1 = Math.min(n, j0 + COLUMNS);
            k.gramColumns(xd, cd, n, d, j0, j1);
            if (mirror) Symmetric.copyUpperToLower(cd, n, j0, j1);
        });
        return c;
    }

    /**
     * Runs tasks 0 .. count-1, on the common fork-join pool when {@code parallel}: one worker per pool thread plus the
     * caller, each taking the next task in order until none is left, so the first (largest) tasks start first and a
     * worker that is not scheduled leaves its share to the others.
     */
    private static void tasks(int count, boolean parallel, java.util.function.IntConsumer task) {
        int workers = Math.min(count, java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1);
        if (!parallel || workers < 2) {
            for (int t = 0; t < count; t++) task.accept(t);
            return;
        }
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        java.util.stream.IntStream.range(0, workers).parallel().forEach(w -> {
            for (int t = next.getAndIncrement(); t < count; t = next.getAndIncrement()) task.accept(t);
        });
    }

    /** (N, N) cosine similarities of the rows of x via the symmetric {@link #gram}. */
    public FloatMatrix cosineGram(FloatMatrix x) {
        return gram(normalizedRows(x), true);
    }

    /**
     * (N, N) cosine similarities of the rows of x on and above the diagonal ({@link #gramUpper}: entries below it are
     * unspecified), for callers that read each row's lower part from the column above. The same values as
     * {@link #cosineGram} where defined, without the mirroring pass.
     */
    public FloatMatrix cosineGramUpper(FloatMatrix x) {
        return gram(normalizedRows(x), false);
    }

    private FloatMatrix normalizedRows(FloatMatrix x) {
        Args.notNull("x", x);
        if (x.rows() == 0) throw new IllegalArgumentException("x is an empty token set (0 rows)");
        return normalizeRows(x, "x");
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

    private static void checkRows(String name, int row, int count, int rows) {
        if (row < 0 || count < 0 || row > rows - count) {
            throw new IllegalArgumentException(
                    name + " rows [" + row + ", " + ((long) row + count) + ") are outside the " + rows + " rows of x");
        }
    }

    private static void requireTokens(String name, FloatMatrix x) {
        if (x.rows() == 0) throw new IllegalArgumentException(name + " is an empty token set (0 rows)");
        x.requireFinite(name);
    }
}
