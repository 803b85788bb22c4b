package dev.squeeze.encoder.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.squeeze.core.kernel.KernelProvider;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** PCA on data with a known covariance, and Jacobi against a hand-computed 2 x 2 case. */
class PcaTest {
    @Test
    void jacobiFindsTheEigenpairsOfA2x2() {
        // [[2, 1], [1, 2]]: eigenvalues 3 and 1, eigenvectors (1, 1)/sqrt 2 and (1, -1)/sqrt 2
        double[][] a = {{2, 1}, {1, 2}}, v = new double[2][2];
        double[] ev = Pca.jacobi(a, v);
        int big = ev[0] > ev[1] ? 0 : 1;
        assertEquals(3, ev[big], 1e-12);
        assertEquals(1, ev[1 - big], 1e-12);
        assertEquals(Math.abs(v[0][big]), Math.abs(v[1][big]), 1e-12);
        assertEquals(1 / Math.sqrt(2), Math.abs(v[0][big]), 1e-12);
    }

    @Test
    void recoversKnownPrincipalAxesAndVariances() {
        int n = 20000, d = 12, k = 3;
        Random rnd = new Random(8);
        // an orthonormal basis from Gram-Schmidt on random vectors
        double[][] basis = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) basis[i][j] = rnd.nextGaussian();
            for (int p = 0; p < i; p++) {
                double dot = 0;
                for (int j = 0; j < d; j++) dot += basis[i][j] * basis[p][j];
                for (int j = 0; j < d; j++) basis[i][j] -= dot * basis[p][j];
            }
            double nn = 0;
            for (int j = 0; j < d; j++) nn += basis[i][j] * basis[i][j];
            for (int j = 0; j < d; j++) basis[i][j] /= Math.sqrt(nn);
        }
        double[] sd = new double[d];
        for (int i = 0; i < d; i++) sd[i] = i < k ? 10 - 3 * i : 0.5; // standard deviations 10, 7, 4, then 0.5
        float[] x = new float[n * d];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < d; i++) {
                double c = rnd.nextGaussian() * sd[i];
                for (int j = 0; j < d; j++) x[r * d + j] += (float) (c * basis[i][j]);
            }
            for (int j = 0; j < d; j++) x[r * d + j] += 5f; // an offset the centring removes
        }
        Pca.Result p = Pca.fit(x, n, d, k, KernelProvider.kernels());
        for (int c = 0; c < k; c++) {
            double dot = 0, norm = 0;
            for (int j = 0; j < d; j++) {
                dot += p.components()[c * d + j] * basis[c][j];
                norm += p.components()[c * d + j] * (double) p.components()[c * d + j];
            }
            assertEquals(1, norm, 1e-5, "unit component " + c);
            assertTrue(Math.abs(dot) > 0.999, "component " + c + " is axis " + c + ": |cos| = " + Math.abs(dot));
            assertEquals(sd[c] * sd[c], p.variances()[c], 0.03 * sd[c] * sd[c], "variance " + c);
        }
        assertEquals(meanOfAxis0(x, n, d), p.mean()[0], 1e-4);
        assertEquals(5, p.mean()[0], 0.3);
        double total = 0;
        for (double s : sd) total += s * s;
        assertEquals((100 + 49 + 16) / total, p.explained(), 0.01);
    }

    private static double meanOfAxis0(float[] x, int n, int d) {
        double s = 0;
        for (int r = 0; r < n; r++) s += x[r * d];
        return s / n;
    }
}
