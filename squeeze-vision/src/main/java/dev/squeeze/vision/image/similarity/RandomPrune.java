package dev.squeeze.vision.image.similarity;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualReducer;
import dev.squeeze.vision.VisualTokens;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * The random baseline: K tokens drawn uniformly without replacement at the encoder output. The draw is seeded
 * from the method's seed and the image's first token, so it is reproducible yet differs between images.
 */
public final class RandomPrune implements VisualReducer, VisionMethod {
    private final long seed;

    /** The benchmark's first seed. */
    public static final long DEFAULT_SEED = 20240101L;

    public RandomPrune() {
        this(DEFAULT_SEED);
    }

    public RandomPrune(long seed) {
        this.seed = seed;
    }

    @Override
    public String name() {
        return "random";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.IMAGE)
                .mechanism(Mechanism.TRANSFORMATION)
                .paper(
                        "Stop Looking for Important Tokens in Multimodal Language Models: Duplication Matters More (random-pruning baseline)",
                        "Wen et al.",
                        2025,
                        "https://arxiv.org/abs/2502.11494")
                .inputs("tokens")
                .implementation(RandomPrune.class)
                .notesResource(getClass())
                .build());
    }

    @Override
    public TokenTransform reduce(VisualTokens in, Budget budget) {
        int keep = Selections.keep(name(), budget, in.size());
        return Selections.keepSorted(
                in.size(),
                draw(
                        in.size(),
                        keep,
                        seed ^ Float.floatToIntBits(in.tokens().tokens().get(0, 0))));
    }

    /** K distinct indices of [0, n), partial Fisher-Yates. */
    public static int[] draw(int n, int keep, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = 0; i < keep; i++) {
            int j = i + r.nextInt(n - i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return java.util.Arrays.copyOf(p, keep);
    }
}
