package dev.squeeze.vision.image.attention;

import dev.squeeze.core.catalog.Family;
import dev.squeeze.core.catalog.Mechanism;
import dev.squeeze.core.catalog.MethodInfo;
import dev.squeeze.core.select.Budget;
import dev.squeeze.core.select.TopK;
import dev.squeeze.core.tensor.FloatMatrix;
import dev.squeeze.core.transform.TokenTransform;
import dev.squeeze.vision.Selections;
import dev.squeeze.vision.StagedReducer;
import dev.squeeze.vision.VisionMethod;
import dev.squeeze.vision.VisualTokens;
import dev.squeeze.vision.image.similarity.ToMeSchedule;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * DiffRate-style prune + merge at inference ("DiffRate: Differentiable Compression Rate for Efficient Vision
 * Transformers", Chen et al., ICCV 2023, arXiv 2305.17997): in block l, after attention, tokens are sorted by
 * head-mean [CLS] attention; the sequence is truncated to prune_kept[l]; then tokens ranked beyond
 * merge_kept[l] are merged into their most similar kept token (cosine of head-mean keys, size-weighted).
 *
 * <p>DiffRate learns the kept counts; here they are given. {@link #forBudget} derives them from the budget:
 * the removal per block follows ToMe's linear schedule and is split half pruning, half merging (our choice).
 * CCT adaptation: the attention-pooling weights on the tokens after the block's attention stand in for the
 * [CLS] attention.
 */
public final class DiffRate implements StagedReducer, VisionMethod {
    private final int[][] givenPlan; // (stages, 2); empty: derived from each budget

    /** Kept counts derived from each budget ({@link #forBudget}). */
    public DiffRate() {
        this.givenPlan = new int[0][];
    }

    /**
     * Given per-block kept counts {prune_kept[l], merge_kept[l]} (e.g. DiffRate's searched schedule); the
     * budget must equal the last merge_kept and the plan must have one row per block ({@link #validate}).
     */
    public DiffRate(int[][] plan) {
        if (plan == null || plan.length == 0)
            throw new IllegalArgumentException("diffrate: the plan needs one row per block, got none");
        for (int l = 0; l < plan.length; l++) {
            if (plan[l].length != 2 || plan[l][1] < 1 || plan[l][1] > plan[l][0]) {
                throw new IllegalArgumentException("diffrate: block " + l + " needs 1 <= merge_kept <= prune_kept, got "
                        + java.util.Arrays.toString(plan[l]));
            }
        }
        this.givenPlan = java.util.Arrays.stream(plan).map(int[]::clone).toArray(int[][]::new);
    }

    @Override
    public String name() {
        return "diffrate";
    }

    @Override
    public Optional<MethodInfo> info() {
        return Optional.of(MethodInfo.builder(name())
                .family(Family.VIT)
                .mechanism(Mechanism.ATTENTION)
                .paper(
                        "DiffRate: Differentiable Compression Rate for Efficient Vision Transformers",
                        "Chen et al.",
                        2023,
                        "https://arxiv.org/abs/2305.17997")
                .inputs("tokens", "cls-attention", "attention-keys", "kept-counts")
                .implementation(DiffRate.class)
                .notesResource(getClass())
                .build());
    }

    /** Stage l inside block l, after its attention (the [CLS] attention and keys of that block). */
    @Override
    public Placement placement() {
        return Placement.EVERY_BLOCK;
    }

    /** (prune_kept[l], merge_kept[l]) per block for a final budget keep. */
    public static int[][] forBudget(int n0, int keep, int blocks) {
        int[][] out = new int[blocks][2];
        int n = n0;
        for (int l = 0; l < blocks; l++) {
            int r = ToMeSchedule.mergesFor(ToMeSchedule.Schedule.LINEAR, n, keep, l, blocks);
            if (l == blocks - 1) r = n - keep;
            int prune = r / 2;
            out[l][0] = n - prune;
            out[l][1] = n - r;
            n -= r;
        }
        return out;
    }

    /** One block: keep the top pruneKept by importance, then merge ranks >= mergeKept into their most similar kept token. */
    public static TokenTransform pruneAndMerge(
            float[] importance, FloatMatrix keys, float @Nullable [] sizes, int pruneKept, int mergeKept) {
        int n = importance.length;
        if (mergeKept < 1 || mergeKept > pruneKept || pruneKept > n) {
            throw new IllegalArgumentException("diffrate: need 1 <= merge_kept (" + mergeKept + ") <= prune_kept ("
                    + pruneKept + ") <= N (" + n + ")");
        }
        int[] order = TopK.topKIndices(importance, pruneKept); // best first, truncated
        int[] dst = java.util.Arrays.copyOf(order, mergeKept);
        FloatMatrix cos = Selections.cosine(keys);
        java.util.List<java.util.List<Integer>> groups = new java.util.ArrayList<>();
        for (int d : dst) {
            java.util.List<Integer> g = new java.util.ArrayList<>();
            g.add(d);
            groups.add(g);
        }
        for (int r = mergeKept; r < pruneKept; r++) {
            int src = order[r];
            int best = 0;
            for (int k = 1; k < mergeKept; k++) if (cos.get(src, dst[k]) > cos.get(src, dst[best])) best = k;
            groups.get(best).add(src);
        }
        int[][] g = new int[mergeKept][];
        for (int k = 0; k < mergeKept; k++)
            g[k] = groups.get(k).stream().mapToInt(Integer::intValue).sorted().toArray();
        java.util.Arrays.sort(g, (a, b) -> Integer.compare(a[0], b[0]));
        return TokenTransform.merge(n, g, sizes);
    }

    /** The kept counts for {@code stages} blocks from {@code n0} tokens: the given plan, or one derived from the budget. */
    private int[][] plan(int n0, int keep, int stages) {
        int[][] plan = givenPlan.length > 0 ? givenPlan : forBudget(n0, keep, stages);
        if (plan.length != stages)
            throw new IllegalArgumentException(
                    "diffrate: the plan has " + plan.length + " blocks, the model " + stages);
        return plan;
    }

    @Override
    public void validate(int originalCount, int stages, Budget budget) {
        int keep = Selections.keep(name(), budget, originalCount);
        int[][] plan = plan(originalCount, keep, stages);
        int n = originalCount;
        for (int l = 0; l < plan.length; l++) {
            if (plan[l][0] > n) {
                throw new IllegalArgumentException("diffrate: block " + l + " needs prune_kept <= " + n
                        + " (the tokens left), got " + java.util.Arrays.toString(plan[l]));
            }
            n = plan[l][1];
        }
        if (plan[plan.length - 1][1] != keep) {
            throw new IllegalArgumentException(
                    "diffrate: the kept-count plan ends at " + plan[plan.length - 1][1] + " tokens, budget is " + keep);
        }
    }

    @Override
    public Optional<TokenTransform> reduce(VisualTokens in, int stage, int stages, Budget budget) {
        if (stage >= stages) return Optional.empty();
        int[] p = plan(in.originalCount(), Selections.keep(name(), budget, in.originalCount()), stages)[stage];
        if (p[1] >= in.size()) return Optional.empty();
        return Optional.of(pruneAndMerge(
                in.clsAttention(), in.lastLayer().headMeanKeys(), in.tokens().sizes(), p[0], p[1]));
    }
}
