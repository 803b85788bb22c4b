package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.EncoderOutputMethod;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.model.HookContext;

import java.util.SplittableRandom;

/**
 * The random baseline: K tokens drawn uniformly without replacement at the encoder output. The draw is seeded
 * from the method's seed and the image's first token, so it is reproducible yet differs between images.
 */
public final class RandomPrune extends EncoderOutputMethod {
    private final long seed;

    public RandomPrune(long seed) { this.seed = seed; }

    @Override
    public String name() { return "random"; }

    @Override
    public TokenTransform reduce(HookContext ctx, int keep) {
        return Selections.keepSorted(ctx.size(), draw(ctx.size(), keep, seed ^ Float.floatToIntBits(ctx.tokens().tokens().get(0, 0))));
    }

    /** K distinct indices of [0, n), partial Fisher-Yates. */
    public static int[] draw(int n, int keep, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = 0; i < keep; i++) {
            int j = i + r.nextInt(n - i);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return java.util.Arrays.copyOf(p, keep);
    }
}
