package dev.squeeze.kv.evict;

import dev.squeeze.kv.api.LayerView;
import dev.squeeze.kv.api.ModelShape;
import dev.squeeze.kv.api.PressParams;
import java.util.SplittableRandom;

/** Random baseline (kvpress's RandomPress): uniform random scores, seeded ({@code seed} = 0) for reproducibility. */
final class RandomPress extends ScorePress {
    private final long seed;
    private SplittableRandom rng;

    public RandomPress(PressParams p, ModelShape c) {
        super("random-kv", p, c, 0);
        this.seed = p.integer("seed", 0, 0, Integer.MAX_VALUE);
        this.rng = new SplittableRandom(seed);
    }

    @Override
    protected float[] score(LayerView v, int kvHead) {
        float[] s = new float[v.store(kvHead).length()];
        for (int i = 0; i < s.length; i++) s[i] = (float) rng.nextDouble();
        return s;
    }

    @Override
    public void reset() {
        rng = new SplittableRandom(seed);
    }
}
