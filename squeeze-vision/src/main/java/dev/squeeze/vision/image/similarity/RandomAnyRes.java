package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.AnyRes;
import dev.squeeze.vision.AnyResReducer;
import dev.squeeze.vision.Selections;

/** The random baseline on AnyRes tokens (K drawn uniformly from all views), for GlobalCom² and TCC to beat. */
public final class RandomAnyRes implements AnyResReducer {
    private final long seed;

    public RandomAnyRes(long seed) { this.seed = seed; }

    @Override
    public String name() { return "random-anyres"; }

    @Override
    public TokenTransform reduce(AnyRes in, int keep) {
        int n = in.tokens().size();
        return Selections.keepSorted(n, RandomPrune.draw(n, keep, seed ^ Float.floatToIntBits(in.tokens().tokens().get(0, 0))));
    }
}
