package dev.squeeze.kv.lowrank;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.KvModel;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import java.util.List;

/**
 * Per (layer, KV head) channel bases for CSKV: second-moment matrices K^T K and V^T V of calibration
 * activations (keys after RoPE, as cached), eigen-decomposed; the top-r eigenvectors minimise the
 * reconstruction error ||X - X U U^T|| of the calibration rows (the SVD's right singular vectors).
 */
final class CskvCalibration {
    private final int nLayers, nKvHeads, headDim;
    private final double[][][] kk, vv; // (layer, head, hd*hd)
    private long rows;

    public CskvCalibration(ModelShape c) {
        nLayers = c.nLayers();
        nKvHeads = c.nKvHeads();
        headDim = c.headDim();
        kk = new double[nLayers][nKvHeads][headDim * headDim];
        vv = new double[nLayers][nKvHeads][headDim * headDim];
    }

    /** Accumulates the rows of one store. */
    public void add(int layer, int head, FloatMatrix keys, FloatMatrix values) {
        accumulate(kk[layer][head], keys);
        accumulate(vv[layer][head], values);
        rows += keys.rows();
    }

    private void accumulate(double[] m, FloatMatrix x) {
        int d = headDim;
        float[] a = x.data();
        for (int i = 0; i < x.rows(); i++)
            for (int p = 0; p < d; p++) {
                double xp = a[i * d + p];
                for (int q = 0; q < d; q++) m[p * d + q] += xp * a[i * d + q];
            }
    }

    public long rows() {
        return rows;
    }

    public float[] keyBasis(int layer, int head, int rank) {
        return SymmetricEigen.of(kk[layer][head], headDim).basis(rank);
    }

    public float[] valueBasis(int layer, int head, int rank) {
        return SymmetricEigen.of(vv[layer][head], headDim).basis(rank);
    }

    /** Calibrates on {@code sequences} (each prefilled fresh, at most seq_len tokens). */
    public static CskvCalibration fit(KvModel model, List<int[]> sequences) {
        CskvCalibration cal = new CskvCalibration(model.shape());
        KvHook collect = new KvHook() {
            @Override
            public void afterPrefillLayer(LayerView v) {
                for (int h = 0; h < v.shape().nKvHeads(); h++) {
                    HeadKvStore s = v.store(h);
                    cal.add(v.layer(), h, s.keys(), s.values());
                }
            }
        };
        for (int[] seq : sequences)
            model.probe(
                    java.util.Arrays.copyOf(
                            seq, Math.min(seq.length, model.shape().seqLen())),
                    collect);
        if (cal.rows == 0) throw new IllegalArgumentException("CSKV calibration saw no tokens");
        return cal;
    }
}
