package dev.squeeze.kv.evict;

import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.internal.KvMath;

/**
 * TOVA (Oren et al., "Transformers are Multi-State RNNs", 2024, arXiv:2401.06104): the last query's
 * attention averaged over all heads of the layer scores every entry; one shared top-k per layer (so all
 * heads keep the same positions). At decode the runtime's own step attention is reused (no extra work).
 * Falls back to the head group's mean when earlier compression left heads with unequal lengths.
 */
final class TovaPress extends ScorePress {
    public TovaPress(PressParams p, ModelShape c) {
        super("tova", p, c, 0);
    }

    @Override
    protected float[] score(LayerView v, int kvHead) {
        int H = config.nKvHeads();
        int n = v.store(kvHead).length();
        for (int h = 0; h < H; h++) if (v.store(h).length() != n) return KvMath.groupLastAttention(v, kvHead);
        float[] s = new float[n];
        for (int h = 0; h < H; h++) {
            float[] a = KvMath.groupLastAttention(v, h);
            for (int j = 0; j < n; j++) s[j] += a[j] / H;
        }
        return s;
    }
}
