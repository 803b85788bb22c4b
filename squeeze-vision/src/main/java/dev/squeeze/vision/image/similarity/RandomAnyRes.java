package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.AnyRes;
import dev.squeeze.vision.AnyResReducer;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import java.util.Optional;

/** The random baseline on AnyRes tokens (K drawn uniformly from all views), for GlobalCom² and TCC to beat. */
public final class RandomAnyRes implements AnyResReducer, VisionMethod {
    private final long seed;

    public RandomAnyRes() {
        this(RandomPrune.DEFAULT_SEED);
    }

    public RandomAnyRes(long seed) {
        this.seed = seed;
    }

    @Override
    public String name() {
        return "random-anyres";
    }

    /** A benchmark baseline, not in the catalog. */
    @Override
    public Optional<MethodInfo> info() {
        return Optional.empty();
    }

    @Override
    public TokenTransform reduce(AnyRes in, Budget budget) {
        int n = in.tokens().size();
        int keep = Selections.keep(name(), budget, n);
        return Selections.keepSorted(
                n,
                RandomPrune.draw(
                        n,
                        keep,
                        seed ^ Float.floatToIntBits(in.tokens().tokens().get(0, 0))));
    }
}
