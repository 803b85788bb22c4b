package dev.squeeze.kv.lowrank;

import static org.junit.jupiter.api.Assertions.*;

import dev.squeeze.core.tensor.FloatMatrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {
    @Test
    void twoByTwoHandCase() {
        SymmetricEigen e = SymmetricEigen.of(new double[] {2, 1, 1, 2}, 2);
        assertEquals(3, e.values()[0], 1e-12);
        assertEquals(1, e.values()[1], 1e-12);
        assertEquals(1 / Math.sqrt(2), Math.abs(e.vectors()[0]), 1e-12);
        assertEquals(e.vectors()[0], e.vectors()[2], 1e-12);
    }

    @Test
    void randomSymmetricSatisfiesAvEqualsLambdaV() {
        int n = 12;
        SplittableRandom r = new SplittableRandom(1);
        double[] a = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) {
                a[i * n + j] = r.nextGaussian();
                a[j * n + i] = a[i * n + j];
            }
        SymmetricEigen e = SymmetricEigen.of(a, n);
        for (int k = 0; k < n; k++) {
            for (int i = 0; i < n; i++) {
                double av = 0;
                for (int j = 0; j < n; j++) av += a[i * n + j] * e.vectors()[j * n + k];
                assertEquals(e.values()[k] * e.vectors()[i * n + k], av, 1e-9);
            }
            if (k > 0) assertTrue(e.values()[k - 1] >= e.values()[k]);
        }
    }

    @Test
    void fullRankCskvStoreReproducesAttentionAndLowRankShrinksBytes() {
        int d = 8, n = 60;
        CskvCalibration cal = new CskvCalibration(new dev.squeeze.kv.api.ModelShape(
                1,
                2,
                1,
                d,
                128,
                10,
                dev.squeeze.kv.api.RopeSpec.of(10000, dev.squeeze.kv.api.RopeSpec.Style.INTERLEAVED)));
        SplittableRandom r = new SplittableRandom(2);
        float[] k = new float[n * d], v = new float[n * d];
        for (int i = 0; i < k.length; i++) {
            k[i] = (float) r.nextGaussian();
            v[i] = (float) r.nextGaussian();
        }
        cal.add(0, 0, new FloatMatrix(n, d, k), new FloatMatrix(n, d, v));
        CskvStore full = new CskvStore(d, 128, cal.keyBasis(0, 0, d), cal.valueBasis(0, 0, d), d, 4);
        float[] pos = new float[n];
        full.replace(new FloatMatrix(n, d, k.clone()), new FloatMatrix(n, d, v.clone()), pos);
        for (int i = 0; i < n * d; i++) {
            assertEquals(k[i], full.keys().data()[i], 1e-4);
            assertEquals(v[i], full.values().data()[i], 1e-4);
        }
        dev.squeeze.kv.quant.KiviStoreTest.assertAttentionMatchesDequantised(full, 3);
        CskvStore half = new CskvStore(d, 128, cal.keyBasis(0, 0, 4), cal.valueBasis(0, 0, 4), 4, 4);
        half.replace(new FloatMatrix(n, d, k.clone()), new FloatMatrix(n, d, v.clone()), pos);
        assertEquals(4L * (2L * 4 * 56 + 2L * d * 4 + 2L * d * 4), half.bytes());
        dev.squeeze.kv.quant.KiviStoreTest.assertAttentionMatchesDequantised(half, 4);
    }
}
