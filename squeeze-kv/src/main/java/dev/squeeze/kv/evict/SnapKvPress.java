package dev.squeeze.kv.evict;

import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.internal.KvMath;

/**
 * SnapKV (Li et al., "SnapKV: LLM Knows What You are Looking for Before Generation", 2024,
 * arXiv:2404.14469): the last {@code window} = 32 prompt queries (the observation window) vote: their
 * attention to each earlier entry is summed (and averaged over a GQA group), smoothed by 1-D average
 * pooling with {@code kernel} = 5, and each head keeps its own top-k plus the window. Prefill only.
 * When the target is smaller than the window, the window shrinks to the target.
 */
class SnapKvPress extends ScorePress {
    protected final int windowSize;
    protected final int kernel;

    public SnapKvPress(PressParams p, ModelShape c) {
        this("snapkv", p, c);
    }

    protected SnapKvPress(String name, PressParams p, ModelShape c) {
        super(name, p, c, 0);
        this.windowSize = p.integer("window", 32, 1, c.seqLen());
        this.kernel = p.integer("kernel", 5, 1, 63);
        if (kernel % 2 == 0) throw p.bad("kernel", String.valueOf(kernel), "an odd pooling width");
    }

    @Override
    protected boolean supportsDecode() {
        return false;
    }

    protected int observationWindow(LayerView v, int target) {
        return Math.max(1, Math.min(Math.min(windowSize, target), v.queryCount()));
    }

    @Override
    protected int window(LayerView v, int kvHead, int target) {
        return Math.max(observationWindow(v, target), super.window(v, kvHead, target));
    }

    @Override
    protected float[] score(LayerView v, int kvHead) {
        int n = v.store(kvHead).length();
        int T = v.queryCount();
        int w = observationWindow(v, target(v, kvHead, n));
        float[] a = KvMath.groupAttentionSum(v, kvHead, T - w, T);
        int prefix = n - w;
        float[] s = new float[n];
        float[] pooled = KvMath.avgPool(a, 0, prefix, kernel);
        System.arraycopy(pooled, 0, s, 0, prefix);
        return s;
    }
}
