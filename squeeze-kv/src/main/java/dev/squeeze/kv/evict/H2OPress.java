package dev.squeeze.kv.evict;

import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;
import dev.squeeze.kv.internal.AttentionAccumulator;

/**
 * H2O (Zhang et al., "H2O: Heavy-Hitter Oracle for Efficient Generative Inference of Large Language
 * Models", 2023, arXiv:2306.14048): score = attention each entry has received from every query so far
 * (prefill and decode), divided by the number of queries that could see it (kvpress's normalisation, so
 * early tokens are not favoured only for being old); keep heavy hitters plus a recent window of
 * {@code recent} entries (default: half the target, the paper's 50/50 split). GQA: group-mean attention.
 * {@code normalise=false} gives the paper's plain accumulated attention.
 */
final class H2OPress extends ScorePress {
    private final AttentionAccumulator acc;
    private final boolean normalise;

    public H2OPress(PressParams p, ModelShape c) {
        super("h2o", p, c, 0);
        this.acc = new AttentionAccumulator(c.nLayers(), c.nKvHeads());
        this.normalise = p.bool("normalise", true);
    }

    @Override
    protected void observe(LayerView v) {
        acc.observe(v);
    }

    @Override
    protected float[] score(LayerView v, int kvHead) {
        int n = v.store(kvHead).length();
        return normalise ? acc.normalised(v.layer(), kvHead, n) : acc.raw(v.layer(), kvHead, n);
    }

    @Override
    protected int window(LayerView v, int kvHead, int target) {
        return recent >= 0 ? Math.min(recent, target) : target / 2;
    }

    @Override
    protected void onEvict(int layer, int kvHead, int[] kept, int oldLength) {
        acc.keep(layer, kvHead, kept);
    }

    @Override
    public void reset() {
        acc.reset();
    }
}
