package dev.squeeze.kv.evict;

import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;

/**
 * PyramidKV (Cai et al., "PyramidKV: Dynamic KV Cache Compression based on Pyramidal Information
 * Funneling", 2024, arXiv:2406.02069): SnapKV selection with per-layer budgets decreasing linearly from
 * the bottom layer to the top one. With mean target C and window w: the top layer keeps
 * w + (C - w)/{@code beta} (beta = 20), the bottom w + 2(C - w) - (C - w)/beta, so the mean over layers is C.
 * A layer's budget never exceeds what the head holds.
 */
public final class PyramidKvPress extends SnapKvPress {
    private final double beta;

    public PyramidKvPress(PressParams p, ModelShape c) {
        super("pyramidkv", p, c);
        this.beta = p.real("beta", 20, 1, true, 1e6, true);
    }

    @Override
    protected int target(LayerView v, int kvHead, int n) {
        int mean = super.target(v, kvHead, n);
        int w = Math.min(windowSize, mean);
        double budget = mean - w;
        double min = budget / beta, max = 2 * budget - min;
        int L = config.nLayers();
        double layerBudget = L == 1 ? budget : max - (max - min) * v.layer() / (L - 1);
        return (int) Math.min(n, Math.max(1, w + Math.round(layerBudget)));
    }

    /** Budgets for a layer given the mean target, for tests and reports. */
    public int layerTarget(int layer, int mean) {
        int w = Math.min(windowSize, mean);
        double budget = mean - w;
        double min = budget / beta, max = 2 * budget - min;
        int L = config.nLayers();
        double lb = L == 1 ? budget : max - (max - min) * layer / (L - 1);
        return (int) Math.max(1, w + Math.round(lb));
    }
}
