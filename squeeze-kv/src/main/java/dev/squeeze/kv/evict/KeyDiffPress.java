package dev.squeeze.kv.evict;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.internal.KvMath;

/**
 * KeyDiff (Park et al., "KeyDiff: Key Similarity-Based KV Cache Eviction for Long-Context LLM Inference
 * in Resource-Constrained Environments", 2025, arXiv:2504.15364): score = -cos(k_i, anchor) with the
 * anchor the mean key of the head; the keys most different from the rest are kept. Attention-free.
 */
final class KeyDiffPress extends ScorePress {
    public KeyDiffPress(PressParams p, ModelShape c) {
        super("keydiff", p, c, 0);
    }

    @Override
    protected float[] score(LayerView v, int kvHead) {
        FloatMatrix k = v.store(kvHead).keys();
        int n = k.rows(), d = k.cols();
        float[] mean = new float[d];
        for (int i = 0; i < n; i++) for (int c = 0; c < d; c++) mean[c] += k.data()[i * d + c] / n;
        float mn = KvMath.norm(mean, 0, d);
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            double dot = 0;
            for (int c = 0; c < d; c++) dot += (double) k.data()[i * d + c] * mean[c];
            float kn = KvMath.norm(k.data(), i * d, d);
            s[i] = (kn == 0 || mn == 0) ? 0f : (float) (-dot / (kn * mn));
        }
        return s;
    }
}
