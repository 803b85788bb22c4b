package dev.squeeze.core.kernel;

/** Plain-Java reference kernels: the ground truth the vectorised ones are tested against. */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[aOff + i] * b[bOff + i];
        return s;
    }

    @Override
    public float sumOfSquares(float[] a, int off, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) s += a[off + i] * a[off + i];
        return s;
    }

    @Override
    public void axpy(float alpha, float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] += alpha * x[xOff + i];
    }

    @Override
    public void scale(float[] a, int off, int n, float s) {
        for (int i = 0; i < n; i++) a[off + i] *= s;
    }

    @Override
    public float max(float[] a, int off, int n) {
        if (n <= 0) throw new IllegalArgumentException("max of an empty range (n = " + n + ")");
        float m = a[off];
        for (int i = 1; i < n; i++) m = Math.max(m, a[off + i]);
        return m;
    }

    @Override
    public void dotBlock(float[] a, float[] b, float[] c, int n, int m, int d) {
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) c[i * m + j] = dot(a, i * d, b, j * d, d);
        }
    }

    @Override
    public void gramColumns(float[] a, float[] c, int ldc, int d, int j0, int j1) {
        for (int j = j0; j < j1; j++) {
            for (int i = 0; i <= j; i++) c[i * ldc + j] = dot(a, i * d, a, j * d, d);
        }
    }

    @Override
    public void maxInto(float[] x, int xOff, float[] y, int yOff, int n) {
        for (int i = 0; i < n; i++) y[yOff + i] = Math.max(y[yOff + i], x[xOff + i]);
    }

    @Override
    public int argmax(float[] a, int off, int n) {
        if (n <= 0) throw new IllegalArgumentException("argmax of an empty range (n = " + n + ")");
        int best = 0;
        for (int i = 1; i < n; i++) if (a[off + i] > a[off + best]) best = i;
        return best;
    }

    @Override
    public int firstNonFinite(float[] a, int off, int n) {
        for (int i = 0; i < n; i++) if (!Float.isFinite(a[off + i])) return i;
        return -1;
    }
}
