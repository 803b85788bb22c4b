package dev.squeeze.encoder.distill;

import dev.squeeze.core.kernel.Kernels;

/**
 * Principal component analysis of the rows of x (n, d) as scikit-learn's PCA(svd_solver="full") computes it: centre the
 * columns, take the eigenvectors of the covariance X_c^T X_c with the k largest eigenvalues (by cyclic Jacobi rotations
 * in double precision), and project: {@code fit_transform = X_c V_k}. Signs follow scikit-learn's svd_flip on the
 * components: each component's largest-magnitude entry is positive.
 */
public final class Pca {
    private Pca() {}

    /**
     * @param mean       (d) column means
     * @param components (k, d) unit rows, by decreasing variance
     * @param variances  (k) eigenvalues / (n - 1), as scikit-learn's explained_variance_
     * @param explained  the fraction of the total variance the k components keep
     */
    public record Result(float[] mean, float[] components, double[] variances, double explained) {
        public int inputDims() {
            return mean.length;
        }

        public int dims() {
            return variances.length;
        }

        /** (x - mean) V_k^T for one row x of width d into out (k). */
        public void project(float[] x, int off, float[] out, int outOff) {
            int d = mean.length, k = variances.length;
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) s += (x[off + j] - mean[j]) * (double) components[c * d + j];
                out[outOff + c] = (float) s;
            }
        }
    }

    public static Result fit(float[] x, int n, int d, int k, Kernels kernels) {
        if (k < 1 || k > d) throw new IllegalArgumentException("PCA to " + k + " components of " + d + "-wide rows");
        if (n < 2) throw new IllegalArgumentException("PCA needs at least 2 rows, got " + n);
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        float[] xt = new float[d * n]; // centred, transposed: (d, n)
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) xt[j * n + i] = (float) (x[i * d + j] - mean[j]);
        float[] g = new float[d * d];
        kernels.gram(xt, g, d, n); // X_c^T X_c
        double[][] a = new double[d][d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) a[i][j] = 0.5 * (g[i * d + j] + g[j * d + i]);
        double[][] v = new double[d][d];
        double[] ev = jacobi(a, v);
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) order[i] = i;
        java.util.Arrays.sort(order, (p, q) -> Double.compare(ev[q], ev[p]));
        float[] comp = new float[k * d];
        double[] var = new double[k];
        double total = 0, kept = 0;
        for (double e : ev) total += Math.max(0, e);
        for (int c = 0; c < k; c++) {
            int col = order[c];
            int arg = 0;
            for (int j = 1; j < d; j++) if (Math.abs(v[j][col]) > Math.abs(v[arg][col])) arg = j;
            double sign = v[arg][col] < 0 ? -1 : 1;
            for (int j = 0; j < d; j++) comp[c * d + j] = (float) (sign * v[j][col]);
            var[c] = Math.max(0, ev[col]) / (n - 1);
            kept += Math.max(0, ev[col]);
        }
        float[] m = new float[d];
        for (int j = 0; j < d; j++) m[j] = (float) mean[j];
        return new Result(m, comp, var, total == 0 ? 1 : kept / total);
    }

    /**
     * Eigenvalues of the symmetric matrix a (destroyed) by cyclic Jacobi rotations until the off-diagonal mass is
     * below 1e-22 of the total; eigenvectors in the columns of v.
     */
    static double[] jacobi(double[][] a, double[][] v) {
        int n = a.length;
        for (int i = 0; i < n; i++) {
            java.util.Arrays.fill(v[i], 0);
            v[i][i] = 1;
        }
        double norm = 0;
        for (double[] row : a) for (double e : row) norm += e * e;
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < n; p++) for (int q = p + 1; q < n; q++) off += a[p][q] * a[p][q];
            if (off <= 1e-22 * norm || off == 0) break;
            for (int p = 0; p < n; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = a[p][q];
                    if (apq == 0) continue;
                    double theta = (a[q][q] - a[p][p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) t = 1;
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < n; k++) { // columns p, q
                        double akp = a[k][p], akq = a[k][q];
                        a[k][p] = c * akp - s * akq;
                        a[k][q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < n; k++) { // rows p, q
                        double apk = a[p][k], aqk = a[q][k];
                        a[p][k] = c * apk - s * aqk;
                        a[q][k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < n; k++) {
                        double vkp = v[k][p], vkq = v[k][q];
                        v[k][p] = c * vkp - s * vkq;
                        v[k][q] = s * vkp + c * vkq;
                    }
                }
            }
        }
        double[] ev = new double[n];
        for (int i = 0; i < n; i++) ev[i] = a[i][i];
        return ev;
    }
}
