package dev.squeeze.core.kernel;

/**
 * The numeric kernels every reduction and the runtime are built from. Arrays are row-major; offsets
 * and lengths are in floats. Implementations must agree with {@link ScalarKernels} (the reference)
 * to float rounding; the tests check each vectorised kernel against it.
 *
 * <p>Obtain the fastest available implementation with {@link KernelProvider#kernels()}.
 */
public interface Kernels {

    /** A short name for logs and benchmark rows ("vector-512", "scalar"). */
    String name();

    /** sum_i a[aOff+i] * b[bOff+i]. */
    float dot(float[] a, int aOff, float[] b, int bOff, int n);

    /**
     * out[oOff + t * ldo] = {@link #dot}(a, aOff, b, bOff + t * bStride, n) for t in [0, T): one row against T
     * vectors, each result bit for bit what dot gives for that pair (an implementation may share each load of a
     * across the vectors, never reorder a sum). Few-token products use it so that they equal decode's dots.
     */
    default void dots(
            float[] a, int aOff, float[] b, int bOff, int bStride, int T, float[] out, int oOff, int ldo, int n) {
        for (int t = 0; t < T; t++) out[oOff + t * ldo] = dot(a, aOff, b, bOff + t * bStride, n);
    }

    /** sum_i a[off+i]^2. */
    float sumOfSquares(float[] a, int off, int n);

    /** y[yOff+i] += alpha * x[xOff+i]. */
    void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n);

    /** a[off+i] *= s. */
    void scale(float[] a, int off, int n, float s);

    /** max_i a[off+i]; n must be > 0. */
    float max(float[] a, int off, int n);

    /**
     * Block of row dot products: {@code c (n x m) = a (n x d) · b (m x d)^T}, i.e.
     * {@code c[i*m+j] = dot(a row i, b row j)}. This is the similarity kernel (cosine when the rows are
     * L2-normalised) and the attention-score kernel.
     */
    void dotBlock(float[] a, float[] b, float[] c, int n, int m, int d);

    /**
     * Strided block of row dot products on sub-blocks: {@code c[cOff + i*ldc + j] = dot(a row aRow+i, b row bRow+j)}
     * for i < n, j < m, all rows of width d. Lets callers compute a symmetric block's upper triangle or split
     * rows across threads without copying. The default is the scalar loop; implementations may tile it.
     */
    default void dotBlock(float[] a, int aRow, float[] b, int bRow, float[] c, int cOff, int ldc, int n, int m, int d) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) c[cOff + i * ldc + j] = dot(a, (aRow + i) * d, b, (bRow + j) * d, d);
        }
    }

    /**
     * The Gram matrix {@code c (n x n) = a a^T} of the rows of a (n x d): the self-similarity block.
     * Symmetric, so implementations may compute one triangle and mirror it.
     */
    default void gram(float[] a, float[] c, int n, int d) {
        dotBlock(a, a, c, n, n, d);
    }

    /**
     * Columns [j0, j1) of the Gram matrix a a^T on and above its diagonal: {@code c[i*ldc + j] = dot(a row i, a row j)}
     * for j0 <= j < j1 and i <= j (a holds at least j1 rows of width d). Entries below the diagonal may be left
     * unwritten or hold anything: callers mirror the block or read only its upper part. Every written entry equals
     * the one {@code dotBlock(a, 0, a, j0, c, j0, ldc, j1, j1 - j0, d)} writes, so a Gram block assembled from
     * column blocks does not depend on how they are split between threads.
     */
    void gramColumns(float[] a, float[] c, int ldc, int d, int j0, int j1);

    /** y[yOff+i] = max(y[yOff+i], x[xOff+i]) ({@link Math#max} per entry: a running maximum down columns). */
    void maxInto(float[] x, int xOff, float[] y, int yOff, int n);

    /** Index (from off) of the first largest of a[off, off+n); n must be > 0. Entries must not be NaN. */
    int argmax(float[] a, int off, int n);

    /** Index (from off) of the first NaN or infinite entry of a[off, off+n), or -1 when every entry is finite. */
    int firstNonFinite(float[] a, int off, int n);

    /**
     * {@code c (n x m) = a (n x k) · b (k x m)}, all row-major; c is overwritten. Row-axpy form: each row
     * of c accumulates rows of b scaled by a's entries, so it inherits {@link #axpy}'s vectorisation.
     */
    default void matmul(float[] a, float[] b, float[] c, int n, int k, int m) {
        matmul(a, 0, k, b, 0, m, c, 0, m, n, k, m);
    }

    /**
     * Packs rows [bRow, bRow + m) of b (each of width d) for repeated
     * {@link #dotBlock(float[], int, PackedRows, float[], int, int, int)} products. The reference layout is a plain
     * copy ("rows"); vectorised kernels rearrange them into panels.
     */
    default PackedRows pack(float[] b, int bRow, int m, int d) {
        float[] copy = new float[m * d];
        System.arraycopy(b, bRow * d, copy, 0, m * d);
        return new PackedRows(copy, m, d, "rows");
    }

    /**
     * {@code c[cOff + i*ldc + j] = dot(a row aRow+i, b row j)} for i < n, j < b.rows(): the product x W^T of a
     * linear layer with its weight packed once by {@link #pack}. Callers split rows of a across threads.
     */
    default void dotBlock(float[] a, int aRow, PackedRows b, float[] c, int cOff, int ldc, int n) {
        dotBlock(a, aRow, b.dataFor("rows"), 0, c, cOff, ldc, n, b.rows(), b.width());
    }

    /**
     * A linear layer with a fused epilogue: for i < n, j < w.rows(), {@code v = dot(a row aRow+i, w row j)}, then
     * {@code c[cOff + i*ldc + j]} becomes {@code v + bias[j]}, its GELU, or is incremented by it (see {@link Epilogue}).
     * The same product as {@link #dotBlock(float[], int, PackedRows, float[], int, int, int)} without a second pass
     * over c for the bias, the activation or the residual. bias has w.rows() entries.
     */
    default void linear(
            float[] a, int aRow, PackedRows w, float[] bias, Epilogue epilogue, float[] c, int cOff, int ldc, int n) {
        float[] rows = w.dataFor("rows");
        int m = w.rows(), d = w.width();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                float v = dot(a, (aRow + i) * d, rows, j * d, d) + bias[j];
                int at = cOff + i * ldc + j;
                if (epilogue == Epilogue.BIAS_GELU) c[at] = GeluErf.gelu(v);
                else if (epilogue == Epilogue.BIAS_RESIDUAL) c[at] += v;
                else c[at] = v;
            }
        }
    }

    /**
     * LayerNorm of a[off, off+n) in place: {@code (v - mean) / sqrt(var + eps) * gamma + beta}, the biased variance
     * (as PyTorch) taken around the mean (two passes, no E[v^2] - mean^2 cancellation); gamma and beta have n entries.
     */
    default void layerNorm(float[] a, int off, int n, float[] gamma, float[] beta, float eps) {
        float sum = 0f;
        for (int i = 0; i < n; i++) sum += a[off + i];
        float mean = sum / n, sq = 0f;
        for (int i = 0; i < n; i++) {
            float t = a[off + i] - mean;
            sq += t * t;
        }
        float inv = (float) (1.0 / Math.sqrt(sq / n + eps));
        for (int i = 0; i < n; i++) a[off + i] = (a[off + i] - mean) * inv * gamma[i] + beta[i];
    }

    /**
     * Strided {@link #matmul}: {@code c[cOff + i*ldc + j] = sum_p a[aOff + i*lda + p] * b[bOff + p*ldb + j]} for
     * i < n, j < m, p < k; c's entries are overwritten, nothing outside them is touched. Reads sub-matrices in place
     * (e.g. one attention head's columns of a fused (tokens, 3 * hidden) projection) instead of copying them out.
     */
    default void matmul(
            float[] a,
            int aOff,
            int lda,
            float[] b,
            int bOff,
            int ldb,
            float[] c,
            int cOff,
            int ldc,
            int n,
            int k,
            int m) {
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + m, 0f);
            for (int p = 0; p < k; p++) {
                float av = a[aOff + i * lda + p];
                if (av != 0f) axpy(av, b, bOff + p * ldb, c, cOff + i * ldc, m);
            }
        }
    }

    /**
     * GELU in place, the erf form BERT uses: {@code x/2 (1 + erf(x / sqrt 2))}. erf follows Abramowitz and Stegun
     * 7.1.26 (|error| &lt;= 1.5e-7 on erf; computed as erfc for negative arguments, so no cancellation), so the
     * result is within 1.5e-7 |x| / 2 of the exact GELU.
     */
    default void gelu(float[] a, int off, int n) {
        for (int i = off; i < off + n; i++) a[i] = GeluErf.gelu(a[i]);
    }

    /** Numerically stable softmax of a[off, off+n) in place (max subtracted first). */
    default void softmaxInPlace(float[] a, int off, int n) {
        float mx = max(a, off, n);
        float sum = 0f;
        for (int i = off; i < off + n; i++) {
            float e = (float) Math.exp(a[i] - mx);
            a[i] = e;
            sum += e;
        }
        scale(a, off, n, 1f / sum);
    }
}
