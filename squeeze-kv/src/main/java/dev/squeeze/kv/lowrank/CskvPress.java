package dev.squeeze.kv.lowrank;

import dev.squeeze.kv.api.HeadKvStore;
import dev.squeeze.kv.api.KvHook;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.internal.LayerSet;
import org.jspecify.annotations.Nullable;

/**
 * CSKV (Wang et al., 2024, arXiv:2409.10593), training-free part: keys and values are shrunk to
 * {@code rank} channels with bases from calibration activations ({@link CskvCalibration}), the most recent
 * {@code window} = 32 entries full precision. Without a calibration (spec use), the bases are fitted on the
 * first prefill's own keys and values (online calibration). The paper's fine-tuning of the shrinking
 * layers (and its QAT) is not done.
 */
final class CskvPress implements KvHook {
    private final LayerSet layers;
    private final int rank, window;
    private @Nullable CskvCalibration calibration; // null: fitted on the first prefill (online)
    private final boolean online;

    public CskvPress(LayerSet layers, int rank, int window, @Nullable CskvCalibration calibration) {
        this.layers = layers;
        this.rank = rank;
        this.window = window;
        this.calibration = calibration;
        this.online = calibration == null;
    }

    @Override
    public void afterPrefillLayer(LayerView v) {
        swap(v);
    }

    @Override
    public void afterDecodeStep(LayerView v) {
        swap(v);
    }

    private void swap(LayerView v) {
        if (!layers.contains(v.layer())) return;
        if (calibration == null || (online && v.layer() == 0 && !(v.store(0) instanceof CskvStore))) {
            calibration = new CskvCalibration(v.shape());
        }
        for (int h = 0; h < v.shape().nKvHeads(); h++) {
            HeadKvStore old = v.store(h);
            if (old instanceof CskvStore) continue;
            if (online) calibration.add(v.layer(), h, old.keys(), old.values());
            CskvStore s = new CskvStore(
                    old.headDim(),
                    old.capacity(),
                    calibration.keyBasis(v.layer(), h, rank),
                    calibration.valueBasis(v.layer(), h, rank),
                    rank,
                    window);
            s.replace(old.keys(), old.values(), old.positions());
            v.swap(h, s);
        }
    }

    @Override
    public void reset() {
        if (online) calibration = null;
    }
}
