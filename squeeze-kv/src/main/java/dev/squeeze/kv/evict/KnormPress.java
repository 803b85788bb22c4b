package dev.squeeze.kv.evict;

import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.internal.KvMath;

/**
 * Knorm (Devoto et al., "A Simple and Effective L2 Norm-Based Strategy for KV Cache Compression", 2024,
 * arXiv:2406.11430): score = -||k|| (entries whose keys have the smallest L2 norm are kept). No attention
 * needed, so it works with fused attention kernels.
 */
final class KnormPress extends ScorePress {
    public KnormPress(PressParams p, ModelShape c) {
        super("knorm", p, c, 0);
    }

    @Override
    protected float[] score(LayerView v, int kvHead) {
        FloatMatrix k = v.store(kvHead).keys();
        float[] s = new float[k.rows()];
        for (int i = 0; i < s.length; i++) s[i] = -KvMath.norm(k.data(), i * k.cols(), k.cols());
        return s;
    }
}
