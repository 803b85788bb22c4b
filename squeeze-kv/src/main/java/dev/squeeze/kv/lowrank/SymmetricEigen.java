package dev.squeeze.kv.lowrank;

/**
 * Eigen-decomposition of a small symmetric matrix by the cyclic Jacobi method (rotations zero the
 * off-diagonal entries one by one; converges quadratically). O(n^3) per sweep; fine for head widths.
 *
 * <p>Arrays are shared, not copied (they can be large): the record owns them once built, and neither its
 * maker nor its readers modify them.
 *
 * @param values  eigenvalues, descending
 * @param vectors (n, n) row-major; column j is the unit eigenvector of values[j]
 */
record SymmetricEigen(double[] values, double[] vectors) {

    public static SymmetricEigen of(double[] a, int n) {
        if (a.length != n * n)
            throw new IllegalArgumentException("matrix has " + a.length + " entries, expected " + n + " x " + n);
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) {
                if (Math.abs(a[i * n + j] - a[j * n + i]) > 1e-9 * (1 + Math.abs(a[i * n + j]))) {
                    throw new IllegalArgumentException("matrix is not symmetric at (" + i + ", " + j + ")");
                }
            }
        double[] m = a.clone();
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) v[i * n + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int i = 0; i < n; i++) for (int j = i + 1; j < n; j++) off += m[i * n + j] * m[i * n + j];
            if (off < 1e-30) break;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = m[p * n + q];
                    if (Math.abs(apq) < 1e-300) continue;
                    double theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++) { // columns p, q of m
                        double mkp = m[k * n + p], mkq = m[k * n + q];
                        m[k * n + p] = c * mkp - s * mkq;
                        m[k * n + q] = s * mkp + c * mkq;
                    }
                    for (int k = 0; k < n; k++) { // rows p, q of m
                        double mpk = m[p * n + k], mqk = m[q * n + k];
                        m[p * n + k] = c * mpk - s * mqk;
                        m[q * n + k] = s * mpk + c * mqk;
                    }
                    for (int k = 0; k < n; k++) { // accumulate V = V J
                        double vkp = v[k * n + p], vkq = v[k * n + q];
                        v[k * n + p] = c * vkp - s * vkq;
                        v[k * n + q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        final double[] diag = new double[n];
        for (int i = 0; i < n; i++) diag[i] = m[i * n + i];
        java.util.Arrays.sort(order, (x, y) -> Double.compare(diag[y], diag[x]));
        double[] vals = new double[n], vecs = new double[n * n];
        for (int j = 0; j < n; j++) {
            vals[j] = diag[order[j]];
            for (int k = 0; k < n; k++) vecs[k * n + j] = v[k * n + order[j]];
        }
        return new SymmetricEigen(vals, vecs);
    }

    /** The top-r eigenvectors as a (n, r) row-major basis. */
    public float[] basis(int r) {
        int n = values.length;
        if (r < 1 || r > n) throw new IllegalArgumentException("rank must be in [1, " + n + "], got " + r);
        float[] u = new float[n * r];
        for (int k = 0; k < n; k++) for (int j = 0; j < r; j++) u[k * r + j] = (float) vectors[k * n + j];
        return u;
    }
}
